// Check-in: mark present without reloading, and keep the counts live.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");

  function render(counts) {
    if (!box || !counts) return;
    box.querySelector("[data-present]").textContent = counts.present;
    box.querySelector("[data-named]").textContent = counts.named;
    var body = box.querySelector("[data-points]");
    body.replaceChildren();
    counts.points.forEach(function (row) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = row.host ? row.heading + " — " + row.host : row.heading;
      tr.appendChild(th);
      [row.present, row.named].forEach(function (value) {
        var td = document.createElement("td");
        td.className = "text-end";
        td.textContent = value;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function refresh() {
    if (!box) return;
    fetch(box.dataset.countsUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(render)
      .catch(function () {});
  }

  window.checkinCounts = { render: render, refresh: refresh };
  if (box) window.setInterval(refresh, 5000);

  document.querySelectorAll("[data-checkin-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var present = form.querySelector("input[name='present']");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var badge = form.querySelector("[data-time]");
          var button = form.querySelector("button");
          badge.hidden = !data.present;
          badge.textContent = data.time;
          present.value = data.present ? "0" : "1";
          button.textContent = data.present ? form.dataset.undoLabel || "↺" : form.dataset.markLabel || "✓";
          button.className = data.present ? "btn btn-sm btn-outline-secondary" : "btn btn-success";
          render(data.counts);
          var live = box && box.querySelector("[data-live]");
          if (live) live.textContent = box.querySelector("[data-present]").textContent;
        });
    });
  });
})();
