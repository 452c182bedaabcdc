"""The service worker keeps no personal pages and forgets kept pages on logout (shared devices).

The rendered /sw.js runs in Node with a small fake of the browser's Cache API and fetch, and
gets the same events a browser would send it.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

HARNESS = r"""
const source = require("fs").readFileSync(0, "utf8");
const stores = new Map();
const store = (name) => {
  if (!stores.has(name)) stores.set(name, new Map());
  return stores.get(name);
};
const key = (req) => (typeof req === "string" ? req : new URL(req.url).pathname);
const caches = {
  open: async (name) => ({
    put: async (req, res) => { store(name).set(key(req), res); },
    keys: async () => [...store(name).keys()],
    delete: async (k) => store(name).delete(k),
    addAll: async (urls) => urls.forEach((u) => store(name).set(u, "shell")),
  }),
  match: async (req, opts) => {
    const names = opts && opts.cacheName ? [opts.cacheName] : [...stores.keys()];
    for (const n of names) {
      const hit = stores.has(n) && stores.get(n).get(key(req));
      if (hit) return hit;
    }
    return undefined;
  },
  delete: async (name) => stores.delete(name),
  keys: async () => [...stores.keys()],
};
const handlers = {};
const self = {
  location: { origin: "http://localhost" },
  addEventListener: (type, fn) => { handlers[type] = fn; },
  skipWaiting: () => Promise.resolve(), clients: { claim: () => Promise.resolve() },
};
const fakeResponse = () => ({ ok: true, type: "basic", clone() { return fakeResponse(); } });
const fetch = async () => fakeResponse();
const importScripts = () => {};
new Function("self", "caches", "fetch", "importScripts", "Response", source)(
  self, caches, fetch, importScripts, class { static error() { return "error"; } });

async function send(method, path, mode) {
  const waits = [];
  let answer = null;
  handlers.fetch({
    request: { method, url: "http://localhost" + path, mode, destination: "document" },
    respondWith: (p) => { answer = p; },
    waitUntil: (p) => waits.push(p),
  });
  if (answer) await answer;
  await Promise.all(waits);
}
const pages = () => {
  const name = [...stores.keys()].find((n) => n.startsWith("pd-pages-"));
  return name ? [...stores.get(name).keys()].sort() : [];
};
(async () => {
  await send("GET", "/p/huddinge/parken", "navigate");
  await send("GET", "/my", "navigate");
  await send("GET", "/my/data", "navigate");
  await send("GET", "/account", "navigate");
  await send("GET", "/s/3", "navigate");
  const beforeLogout = pages();
  await send("POST", "/logout", "navigate");
  process.stdout.write(JSON.stringify({ beforeLogout, afterLogout: pages() }));
})();
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
def test_personal_pages_are_never_kept_and_logout_empties_the_page_cache(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    result = subprocess.run(  # noqa: S603
        [shutil.which("node") or "node", "-e", HARNESS],
        input=worker,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    seen = json.loads(result.stdout)
    assert seen["beforeLogout"] == ["/p/huddinge/parken", "/s/3"]
    assert seen["afterLogout"] == []


def test_personal_pages_are_not_stored_by_browser_caches(client, make_user, login):
    login(make_user())
    for path in ("/my", "/my/data", "/account"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
