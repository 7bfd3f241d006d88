// Service worker for /ticket/: network first (so a cancellation shows at once), the last copy of a
// visited ticket page and its CSS/JS when the network is gone, as at a crowded gate.
"use strict";
var CACHE = "tickets-v1";
var NETWORK_WAIT_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(fromNetwork(request).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (cached) {
      return cached || Response.error();
    });
  }));
});

function fromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(reject, NETWORK_WAIT_MS); // flaky Wi-Fi: do not keep the gate waiting
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        resolve(response);
      } else if (response.status >= 500) {
        reject(new Error("server error"));
      } else {
        resolve(response); // 404 for an unknown ticket is an answer, not an outage
      }
    }, function (error) { clearTimeout(timer); reject(error); });
  });
}
