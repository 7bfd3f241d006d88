/* Service worker of the gate page (served at /gate/sw.js, scope /gate): the page and its assets
 * come from the cache when the network is down. The API is never cached: the page decides
 * offline from its own ticket list and queues scans (see gate-offline.js). */
const CACHE = "gate-v1";
const ASSETS = ["/gate", "/static/css/app.css", "/static/css/checkin.css", "/static/vendor/jsQR.js",
  "/static/js/gate-offline.js", "/static/js/gate.js", "/gate/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (url.pathname === "/gate") {
    // Network first: a fresh page (and session check) when online, the cached one when not.
    event.respondWith(fetch(event.request).then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((c) => c.put("/gate", copy));
      }
      return response;
    }).catch(() => caches.match("/gate")));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => {
      const fresh = fetch(event.request).then((response) => {
        if (response.ok) caches.open(CACHE).then((c) => c.put(url.pathname, response.clone()));
        return response;
      });
      return hit || fresh;
    }));
  }
});
