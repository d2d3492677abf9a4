// QR scanner: the phone camera, decoded with jsQR; the code is looked up on the server.
(function () {
  "use strict";
  var form = document.querySelector("[data-scan-form]");
  var video = document.querySelector("[data-scan-video]");
  var canvas = document.querySelector("[data-scan-canvas]");
  var start = document.querySelector("[data-scan-start]");
  var result = document.querySelector("[data-scan-result]");
  var list = document.querySelector("[data-scan-delegates]");
  var template = document.querySelector("[data-delegate-template]");
  if (!form) return;
  var token = form.querySelector("input[name='csrfmiddlewaretoken']").value;
  var lastCode = "";

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": token },
      credentials: "same-origin",
    }).then(function (response) { return response.json(); });
  }

  function show(data) {
    result.className = data.ok ? "alert alert-success" : "alert alert-danger";
    result.textContent = data.message;
    list.replaceChildren();
    (data.delegates || []).forEach(function (delegate) {
      var item = template.content.firstElementChild.cloneNode(true);
      item.querySelector("[data-name]").textContent = delegate.title ? delegate.name + ", " + delegate.title : delegate.name;
      var mark = item.querySelector("[data-mark]");
      var done = item.querySelector("[data-done]");
      mark.hidden = delegate.present;
      done.hidden = !delegate.present;
      mark.addEventListener("click", function () {
        var body = new FormData();
        body.append("present", "1");
        post(delegate.url, body).then(function (answer) {
          mark.hidden = answer.present;
          done.hidden = !answer.present;
          if (window.checkinCounts) window.checkinCounts.render(answer.counts);
        });
      });
      list.appendChild(item);
    });
    if (window.checkinCounts) window.checkinCounts.refresh();
  }

  function lookUp(code) {
    var body = new FormData();
    body.append("code", code);
    post(form.action || window.location.href, body).then(show);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    lookUp(form.querySelector("input[name='code']").value);
  });

  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR && window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data && code.data !== lastCode) {
        lastCode = code.data;
        lookUp(code.data);
      }
    }
    window.requestAnimationFrame(tick);
  }

  start.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      result.className = "alert alert-warning";
      result.textContent = start.dataset.noCamera || "";
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      start.hidden = true;
      window.requestAnimationFrame(tick);
    });
  });
})();
