/* Plan editor: outline rows (add, move by drag and drop or by the ↑/↓
   buttons, delete, indent), the task row types, the bold/italic toolbar and
   the live preview (the form is posted with X-Preview and the returned
   document replaces the preview; nothing is saved). */
(function () {
  "use strict";
  const form = document.getElementById("editor-form");
  if (!form) return;
  let dirty = false;

  function rows(container) {
    return Array.from(container.querySelectorAll(":scope > [data-row]"));
  }

  function refresh(container) {
    let top = 0;
    let sub = 0;
    rows(container).forEach(function (row, i) {
      const order = row.querySelector(".row-order");
      if (order) order.value = i + 1;
      const level = row.querySelector(".row-level");
      const type = row.querySelector(".row-type");
      const deleted = row.querySelector(".row-delete");
      const isSub = level && level.value === "1" && !(type && type.value === "group");
      row.classList.toggle("is-sub", !!isSub);
      row.classList.toggle("is-deleted", !!(deleted && deleted.checked));
      if (type) {
        const group = type.value === "group";
        row.querySelectorAll(".task-group-fields").forEach(function (el) { el.hidden = !group; });
        row.querySelectorAll(".task-fields").forEach(function (el) { el.hidden = group; });
      }
      if (isSub) { sub += 1; } else { top += 1; sub = 0; }
      const number = row.querySelector(".row-number");
      if (number) number.textContent = isSub ? top + "." + sub : String(top);
    });
  }

  function changed() {
    dirty = true;
    schedulePreview();
  }

  document.querySelectorAll("[data-outline]").forEach(function (fieldset) {
    const container = fieldset.querySelector(".outline-rows");
    refresh(container);
    if (window.Sortable) {
      window.Sortable.create(container, {
        handle: ".row-handle",
        draggable: "[data-row]",
        animation: 150,
        onEnd: function () { refresh(container); changed(); },
      });
    }
  });

  form.addEventListener("click", function (e) {
    const add = e.target.closest("[data-add-row]");
    if (add) {
      const prefix = add.dataset.addRow;
      const total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
      const template = document.getElementById(prefix + "-template");
      const container = document.getElementById(prefix + "-rows");
      const index = parseInt(total.value, 10);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const row = holder.firstElementChild;
      const empty = container.querySelector(".outline-empty");
      if (empty) empty.remove();
      container.append(row);
      total.value = index + 1;
      refresh(container);
      const first = row.querySelector("textarea, input:not([type=hidden]):not(.row-order), select");
      if (first) first.focus();
      changed();
      return;
    }
    const move = e.target.closest(".row-up, .row-down");
    if (move) {
      const row = move.closest("[data-row]");
      const container = row.parentElement;
      if (move.classList.contains("row-up") && row.previousElementSibling) {
        container.insertBefore(row, row.previousElementSibling);
      } else if (move.classList.contains("row-down") && row.nextElementSibling) {
        container.insertBefore(row.nextElementSibling, row);
      }
      refresh(container);
      move.focus();
      changed();
      return;
    }
    const mark = e.target.closest("[data-markdown-mark]");
    if (mark) {
      const area = document.getElementById(mark.dataset.target);
      const m = mark.dataset.markdownMark;
      const start = area.selectionStart;
      const end = area.selectionEnd;
      area.setRangeText(m + area.value.slice(start, end) + m, start, end, "select");
      area.focus();
      changed();
    }
  });

  form.addEventListener("change", function (e) {
    const row = e.target.closest("[data-row]");
    if (row && (e.target.matches(".row-level, .row-type, .row-delete, .row-order"))) {
      if (e.target.matches(".row-order")) {
        const container = row.parentElement;
        const sorted = rows(container).map(function (r, i) {
          const v = parseInt(r.querySelector(".row-order").value, 10);
          return { r: r, v: isNaN(v) ? i + 1 : v, i: i };
        }).sort(function (a, b) { return a.v - b.v || a.i - b.i; });
        sorted.forEach(function (x) { container.append(x.r); });
      }
      refresh(row.parentElement);
    }
    changed();
  });
  form.addEventListener("input", changed);

  /* Bold / italic buttons above the Markdown text areas. */
  form.querySelectorAll("textarea[data-markdown]").forEach(addToolbar);
  function addToolbar(area) {
    if (area.dataset.toolbar) return;
    area.dataset.toolbar = "1";
    const bar = document.createElement("div");
    bar.className = "btn-group btn-group-sm mb-1";
    bar.setAttribute("role", "toolbar");
    [["**", "B", form.dataset.textBold || "Bold"], ["*", "I", form.dataset.textItalic || "Italic"]].forEach(function (b) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary";
      button.dataset.markdownMark = b[0];
      button.dataset.target = area.id;
      button.textContent = b[1];
      button.setAttribute("aria-label", b[2]);
      bar.append(button);
    });
    area.parentElement.insertBefore(bar, area);
  }
  new MutationObserver(function () {
    form.querySelectorAll("textarea[data-markdown]").forEach(addToolbar);
  }).observe(form, { childList: true, subtree: true });

  /* Live preview. */
  const preview = document.getElementById("preview");
  const status = document.querySelector(".preview-status");
  let timer = null;
  let seq = 0;
  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(updatePreview, 600);
  }
  function updatePreview() {
    const mine = ++seq;
    status.textContent = status.dataset.textUpdating;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Preview": "1" },
      credentials: "same-origin",
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      if (mine !== seq) return;
      preview.innerHTML = html;
      status.textContent = status.dataset.textUpdated;
    }).catch(function () {
      status.textContent = status.dataset.textFailed;
    });
  }

  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
})();
