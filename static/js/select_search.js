// Search box for the <select data-picker-url> of directory/widgets.py:
// typing fetches the matching rows from the JSON endpoint and offers them
// as the select's options (the current choice stays).
"use strict";

(function () {
  function optionFor(result) {
    const option = document.createElement("option");
    option.value = String(result.id);
    option.textContent = result.label || result.name;
    return option;
  }

  function enhance(select) {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1 select-search";
    input.placeholder = select.dataset.pickerPlaceholder || "";
    input.setAttribute("aria-controls", select.id);
    const label = select.labels && select.labels[0];
    input.setAttribute("aria-label", (label ? label.textContent.trim() + ": " : "") + input.placeholder);
    select.before(input);

    let timer = null;
    let controller = null;

    async function search() {
      const url = new URL(select.dataset.pickerUrl, window.location.href);
      url.searchParams.set("q", input.value);
      if (controller) controller.abort();
      controller = new AbortController();
      let data;
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        data = await response.json();
      } catch (error) {
        return; // aborted by a newer search, or offline: keep the options
      }
      const current = select.value;
      const keep = Array.from(select.options).filter((o) => o.value === "" || o.value === current);
      select.replaceChildren(...keep);
      for (const result of data.results) {
        if (String(result.id) !== current) select.append(optionFor(result));
      }
      select.size = Math.min(Math.max(select.options.length, 2), 8);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // do not submit the form while searching
        clearTimeout(timer);
        search();
      }
    });
    select.addEventListener("change", () => {
      select.removeAttribute("size");
    });
  }

  document.querySelectorAll("select[data-picker-url]").forEach(enhance);
})();
