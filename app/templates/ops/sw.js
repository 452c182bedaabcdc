/* Platsdialog service worker (rendered by /sw.js with this release's version).
 *
 * - The app shell and vendored assets are precached under a versioned cache; old caches are
 *   deleted on activate, and pages reference versioned asset URLs, so a new version never
 *   serves a mix of old and new assets.
 * - Pages: network first; survey, project and stage pages a resident has opened are kept so
 *   they open offline; anything else offline gets the offline page. Personal pages (/my...,
 *   /account...) are never kept, and logging out empties the page cache, so the next person
 *   on a shared device finds nothing of the last one offline.
 * - Map tiles already seen are kept (bounded), so maps work offline where they were viewed.
 * - Submissions are not queued here: the page keeps them in IndexedDB (outbox.js) and this
 *   worker only relays Background Sync to the open pages or sends them itself.
 */
"use strict";
const VERSION = {{ version|tojson }};
const SHELL = "pd-shell-" + VERSION;
const PAGES = "pd-pages-" + VERSION;
const TILES = "pd-tiles-v1";
const MAX_TILES = 600;
const MAX_PAGES = 60;
const PRECACHE = {{ precache|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
// Survey pages (/s/<id>, which carry every page of the survey), project and stage pages and
// the catalogue. Receipts, previews and personal pages ("my contributions") are not kept.
const KEEP_PAGES = [/^\/s\/\d+$/, /^\/p\//, /^\/$/];
const LOGOUT_PATH = "/logout";
// The outbox code, so Background Sync can send waiting submissions with no page open.
try { importScripts({{ outbox_core_url|tojson }}); } catch (err) { /* pages still flush */ }

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(
      keys.filter((k) => k.startsWith("pd-") && k !== SHELL && k !== PAGES && k !== TILES)
        .map((k) => caches.delete(k))
    )).then(() => self.clients.claim())
  );
});

async function trim(cacheName, max) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - max; i++) { await cache.delete(keys[i]); }
}

async function pageFromNetwork(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && !url.searchParams.has("preview") &&
        KEEP_PAGES.some((re) => re.test(url.pathname))) {
      const cache = await caches.open(PAGES);
      await cache.put(url.pathname + url.search, response.clone());
      trim(PAGES, MAX_PAGES);
    }
    return response;
  } catch (err) {
    const cached = (await caches.match(url.pathname + url.search, { cacheName: PAGES })) ||
      (await caches.match(url.pathname, { cacheName: PAGES }));
    if (cached) { return cached; }
    return (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

async function cacheFirst(request, cacheName, max) {
  const cached = await caches.match(request);
  if (cached) { return cached; }
  try {
    const response = await fetch(request);
    if (response.ok || response.type === "opaque") {
      const cache = await caches.open(cacheName);
      await cache.put(request, response.clone());
      if (max) { trim(cacheName, max); }
    }
    return response;
  } catch (err) {
    return new Response("", { status: 504, statusText: "offline" });
  }
}

async function networkFirst(request, cacheName) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (err) {
    const cached = await caches.match(request);
    if (cached) { return cached; }
    return new Response(JSON.stringify({ error: { code: "offline", message: "offline", fields: {} } }),
      { status: 503, headers: { "Content-Type": "application/json" } });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const sameOrigin = url.origin === self.location.origin;
  if (sameOrigin && request.method === "POST" && url.pathname === LOGOUT_PATH) {
    // Pages kept while logged in may show the person; the request itself goes on as usual.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    // htmx boosted navigations are fetches, not navigations; both reach the network first.
    event.respondWith(pageFromNetwork(request));
    return;
  }
  if (sameOrigin && url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request, SHELL));
    return;
  }
  if (sameOrigin && /^\/api\/v1\/(surveys|projects)\/\d+$/.test(url.pathname)) {
    event.respondWith(networkFirst(request, PAGES));
    return;
  }
  if (!sameOrigin && request.destination === "image") {
    event.respondWith(cacheFirst(request, TILES, MAX_TILES));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "pd-keep-page" || typeof data.url !== "string") { return; }
  const url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin || !KEEP_PAGES.some((re) => re.test(url.pathname))) {
    return;
  }
  event.waitUntil(fetch(url.pathname + url.search, { credentials: "same-origin" }).then((response) => {
    if (!response.ok) { return null; }
    return caches.open(PAGES).then((cache) => cache.put(url.pathname + url.search, response));
  }).catch(() => null));
});

async function freshToken() {
  const response = await fetch("/csrf-token", { credentials: "same-origin", cache: "no-store" });
  return response.ok ? (await response.json()).csrf_token : "";
}

self.addEventListener("sync", (event) => {
  if (event.tag === "pd-outbox") {
    event.waitUntil(self.clients.matchAll({ type: "window" }).then((clients) => {
      if (clients.length || !self.PlatsdialogOutbox) {
        clients.forEach((client) => client.postMessage({ type: "pd-outbox-flush" }));
        return null;
      }
      // No page open: send from here. The client id makes a double send harmless.
      return self.PlatsdialogOutbox.flush(freshToken).then((report) => {
        if (report.waiting) { throw new Error("still offline"); }  // the browser retries
      });
    }));
  }
});
