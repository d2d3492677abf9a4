// Documents panel of the plan page: ask for a rendering without leaving the
// page, show its progress while the Celery job runs, then the download link.
(function () {
  "use strict";
  const POLL_MS = 1000;

  function show(item, status) {
    item.dataset.statusUrl = status.status_url;
    const progress = item.querySelector("[data-progress]");
    const link = item.querySelector("[data-download]");
    const state = item.querySelector("[data-state]");
    progress.value = status.progress;
    progress.hidden = !status.busy;
    state.textContent = status.summary;
    if (status.ready) {
      link.href = status.download_url;
      link.hidden = false;
    }
  }

  function poll(item) {
    fetch(item.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        show(item, status);
        if (status.busy) window.setTimeout(() => poll(item), POLL_MS);
      })
      .catch(() => window.setTimeout(() => poll(item), POLL_MS * 5));
  }

  document.querySelectorAll("[data-documents-panel] [data-document]").forEach((item) => {
    const form = item.querySelector("[data-render-form]");
    if (form) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const button = form.querySelector("button");
        button.disabled = true;
        fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { "X-Requested-With": "fetch", Accept: "application/json" },
          credentials: "same-origin",
        })
          .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
          .then((status) => {
            show(item, status);
            if (status.busy) window.setTimeout(() => poll(item), POLL_MS);
          })
          .catch(() => form.submit())
          .finally(() => {
            button.disabled = false;
          });
      });
    }
    if ("busy" in item.dataset && item.dataset.statusUrl) poll(item);
  });
})();
