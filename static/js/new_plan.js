/* New plan: show only the fields of the chosen way to start. */
(function () {
  "use strict";
  const root = document.getElementById("new-plan");
  if (!root) return;
  const groups = { template: "div_id_template", clone: "div_id_source", blank: "div_id_kind" };
  function update() {
    const checked = root.querySelector("input[name=start]:checked");
    const value = checked ? checked.value : "template";
    Object.keys(groups).forEach(function (key) {
      const el = document.getElementById(groups[key]);
      if (el) el.hidden = key !== value;
    });
  }
  root.addEventListener("change", update);
  update();
})();
