// Reply form: "Add a delegate" appends an empty row to the delegates formset.
(function () {
  "use strict";
  document.querySelectorAll("[data-delegates]").forEach(function (fieldset) {
    var rows = fieldset.querySelector("[data-delegate-rows]");
    var total = fieldset.querySelector("input[name$='-TOTAL_FORMS']");
    var button = fieldset.querySelector("[data-add-delegate]");
    if (!rows || !total || !button) return;
    button.addEventListener("click", function () {
      var last = rows.querySelector("[data-delegate-row]:last-of-type");
      if (!last) return;
      var index = parseInt(total.value, 10);
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input, label").forEach(function (element) {
        ["name", "id", "for"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(/-\d+-/, "-" + index + "-"));
        });
        if (element.tagName === "INPUT") {
          element.value = "";
          element.classList.remove("is-invalid");
        }
        if (element.tagName === "LABEL") element.textContent = element.textContent.replace(/\d+/, String(index + 1));
      });
      copy.querySelectorAll(".invalid-feedback").forEach(function (node) { node.remove(); });
      rows.appendChild(copy);
      total.value = String(index + 1);
      copy.querySelector("input").focus();
    });
  });
})();
