/* Directory picker: an ARIA combobox that searches organisations or people
   and keeps the chosen ones as hidden inputs (see conferences/widgets.py).
   Keyboard: type to search, ↓/↑ to move, Enter to choose, Esc to close;
   each chosen item has its own remove button. */
(function () {
  "use strict";
  let timer = null;
  let seq = 0;

  function parts(search) {
    const root = search.closest("[data-picker]");
    return {
      root: root,
      list: root.querySelector(".picker-results"),
      chips: root.querySelector(".picker-chips"),
      status: root.querySelector(".picker-status"),
    };
  }

  function close(search) {
    const p = parts(search);
    p.list.hidden = true;
    p.list.innerHTML = "";
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
  }

  function changed(root) {
    root.dispatchEvent(new Event("input", { bubbles: true }));
    root.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choose(search, option) {
    const p = parts(search);
    const name = p.root.dataset.name;
    const id = option.dataset.id;
    const label = option.dataset.label;
    if (!("multiple" in p.root.dataset)) {
      p.chips.innerHTML = "";
    } else if (p.chips.querySelector('input[value="' + CSS.escape(id) + '"]')) {
      close(search);
      search.value = "";
      return;
    }
    const li = document.createElement("li");
    li.className = "picker-chip badge text-bg-light border d-inline-flex align-items-center gap-1";
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = id;
    const span = document.createElement("span");
    span.textContent = label;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn-close picker-remove";
    button.setAttribute("aria-label", p.root.dataset.textRemove + " " + label);
    li.append(input, span, button);
    p.chips.append(li);
    p.status.textContent = p.root.dataset.textAdded + ": " + label;
    search.value = "";
    close(search);
    changed(p.root);
  }

  function render(search, results) {
    const p = parts(search);
    p.list.innerHTML = "";
    results.forEach(function (r, i) {
      const li = document.createElement("li");
      li.id = search.id + "-opt-" + i;
      li.setAttribute("role", "option");
      li.className = "list-group-item list-group-item-action py-1 small";
      li.dataset.id = r.id;
      li.dataset.label = r.name;
      li.textContent = r.name + (r.title ? " — " + r.title : "") + (r.organisation ? " (" + r.organisation + ")" : "");
      p.list.append(li);
    });
    if (!results.length) {
      const li = document.createElement("li");
      li.className = "list-group-item py-1 small text-body-secondary";
      li.textContent = p.root.dataset.textNone;
      p.list.append(li);
    }
    p.list.hidden = false;
    search.setAttribute("aria-expanded", "true");
    p.status.textContent = results.length + " " + p.root.dataset.textResults;
  }

  function search(input) {
    const p = parts(input);
    const q = input.value.trim();
    if (q.length < 2) {
      close(input);
      return;
    }
    const mine = ++seq;
    fetch(p.root.dataset.source + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (mine === seq) render(input, data.results || []); });
  }

  function move(input, delta) {
    const p = parts(input);
    const options = Array.from(p.list.querySelectorAll("[role=option]"));
    if (!options.length) return;
    const current = options.findIndex(function (o) { return o.classList.contains("active"); });
    let next = current + delta;
    if (next < 0) next = options.length - 1;
    if (next >= options.length) next = 0;
    options.forEach(function (o) { o.classList.remove("active"); o.setAttribute("aria-selected", "false"); });
    options[next].classList.add("active");
    options[next].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[next].id);
    options[next].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("input", function (e) {
    const input = e.target;
    if (!input.classList || !input.classList.contains("picker-search")) return;
    e.stopPropagation(); // typing a query is not an edit of the plan
    clearTimeout(timer);
    timer = setTimeout(function () { search(input); }, 200);
  }, true);

  document.addEventListener("keydown", function (e) {
    const input = e.target;
    if (!input.classList || !input.classList.contains("picker-search")) return;
    const p = parts(input);
    if (e.key === "ArrowDown") { e.preventDefault(); if (p.list.hidden) search(input); else move(input, 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(input, -1); }
    else if (e.key === "Enter") {
      e.preventDefault();
      const active = p.list.querySelector("[role=option].active") || (p.list.querySelectorAll("[role=option]").length === 1 ? p.list.querySelector("[role=option]") : null);
      if (active) choose(input, active);
    } else if (e.key === "Escape") { close(input); }
  });

  document.addEventListener("click", function (e) {
    const option = e.target.closest(".picker-results [role=option]");
    if (option) {
      choose(option.closest("[data-picker]").querySelector(".picker-search"), option);
      return;
    }
    const remove = e.target.closest(".picker-remove");
    if (remove) {
      const root = remove.closest("[data-picker]");
      const label = remove.previousElementSibling ? remove.previousElementSibling.textContent : "";
      remove.closest(".picker-chip").remove();
      root.querySelector(".picker-status").textContent = root.dataset.textRemove + ": " + label;
      root.querySelector(".picker-search").focus();
      changed(root);
      return;
    }
    document.querySelectorAll(".picker-search[aria-expanded=true]").forEach(function (s) {
      if (!s.closest("[data-picker]").contains(e.target)) close(s);
    });
  });
})();
