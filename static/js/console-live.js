// Live dashboard: reload the figures panel every few seconds without reloading the page.
// The panel is HTML rendered (and escaped) by the server; a failed fetch keeps the last figures
// on screen and says so, which matters on flaky campus Wi-Fi.
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  var status = document.getElementById("live-status");
  if (!panel || !window.fetch) { return; }
  var seconds = parseInt(panel.getAttribute("data-refresh"), 10) || 10;
  var busy = false;

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(panel.getAttribute("data-src"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        status.textContent = "";
      })
      .catch(function () {
        status.textContent = "网络中断，显示的是上次更新的数据，稍后自动重试。";
      })
      .then(function () { busy = false; });
  }

  setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
