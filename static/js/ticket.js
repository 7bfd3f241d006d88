// The ticket page: print button, and an offline copy for the gate (service worker + Cache API).
(function () {
  "use strict";
  var ticket = document.getElementById("ticket");
  var printButton = document.getElementById("print-ticket");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
  if (!ticket || !("serviceWorker" in navigator) || !window.caches) {
    return; // not a secure context (plain http on a LAN address): a screenshot still works
  }
  navigator.serviceWorker.register(ticket.dataset.serviceWorker).then(function () {
    // The first visit is not yet controlled by the worker: store this page and what it uses now.
    var urls = [location.href];
    document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
      urls.push(el.href || el.src);
    });
    return caches.open("tickets-v1").then(function (cache) { return cache.addAll(urls); });
  }).then(function () {
    ticket.dataset.offlineReady = "true";
  }).catch(function () { /* offline copy is a convenience; the page itself works */ });
})();
