/* The outbox: submissions kept in IndexedDB until the server has acknowledged them.
 * Shared by the pages (outbox.js) and the service worker (Background Sync).
 * Every item carries the client UUID the server uses to store it exactly once, so sending
 * an item twice is harmless. */
(function (scope) {
  "use strict";
  const DB_NAME = "platsdialog";
  const STORE = "outbox";
  const SENT = "sent";

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) { db.createObjectStore(STORE, { keyPath: "clientId" }); }
        if (!db.objectStoreNames.contains(SENT)) { db.createObjectStore(SENT, { keyPath: "clientId" }); }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function tx(storeName, mode, fn) {
    return open().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(storeName, mode);
      const store = t.objectStore(storeName);
      let result;
      Promise.resolve(fn(store)).then((r) => { result = r; });
      t.oncomplete = () => { db.close(); resolve(result); };
      t.onerror = () => { db.close(); reject(t.error); };
    }));
  }

  function all(storeName) {
    return tx(storeName, "readonly", (store) => new Promise((resolve) => {
      const req = store.getAll();
      req.onsuccess = () => resolve(req.result || []);
    }));
  }

  const Outbox = {
    /** Keep a submission; resolves when it is safely stored on the device. */
    put(item) {
      item.queuedAt = item.queuedAt || new Date().toISOString();
      return tx(STORE, "readwrite", (store) => { store.put(item); });
    },
    pending() { return all(STORE); },
    /** Forget a waiting item (the resident takes it back to edit it). */
    remove(clientId) {
      return tx(STORE, "readwrite", (store) => { store.delete(clientId); });
    },
    sent() { return all(SENT); },
    /** Send every waiting item once; returns {sent: [...], failed: [...], waiting: n}. */
    async flush(getToken) {
      const items = await all(STORE);
      const report = { sent: [], failed: [], waiting: 0 };
      for (const item of items) {
        let response;
        try {
          const token = (await getToken()) || item.csrfToken || "";
          const headers = { "Accept": "application/json", "X-CSRFToken": token };
          let body = JSON.stringify(item.payload);
          if (item.photos && item.photos.length) {
            // A survey response with photos of its markings: the JSON in "response", each
            // photo as "photo-<key>", the key its marking names (app/api/surveys.py).
            body = new FormData();
            body.append("response", JSON.stringify(item.payload));
            item.photos.forEach((p) => { body.append("photo-" + p.key, p.blob, p.key + ".jpg"); });
          } else if (item.photo) {
            // A comment with a photo: the same JSON and the photo's Blob, in one request, so
            // the client id stores both once (app/api/comments.py).
            body = new FormData();
            body.append("comment", JSON.stringify(item.payload));
            body.append("photo", item.photo, "photo.jpg");
            body.append("photo_alt", item.photoAlt || "");
          } else {
            headers["Content-Type"] = "application/json";
          }
          response = await fetch(item.url, { method: "POST", credentials: "same-origin", headers, body });
        } catch (err) {
          report.waiting += 1;
          continue;
        }
        if (response.status === 200 || response.status === 201) {
          const body = await response.json().catch(() => ({}));
          const done = { clientId: item.clientId, kind: item.kind, title: item.title || "",
            sentAt: new Date().toISOString(), queuedAt: item.queuedAt, serverId: body.id || null,
            receiptUrl: item.receiptUrl || null };
          await tx(STORE, "readwrite", (store) => { store.delete(item.clientId); });
          await tx(SENT, "readwrite", (store) => { store.put(done); });
          report.sent.push(done);
        } else if (response.status >= 500 || response.status === 429 || response.status === 408) {
          report.waiting += 1;
        } else {
          const body = await response.json().catch(() => ({}));
          item.error = (body.error && body.error.message) || ("HTTP " + response.status);
          item.errorFields = (body.error && body.error.fields) || {};
          await tx(STORE, "readwrite", (store) => { store.put(item); });
          report.failed.push(item);
        }
      }
      return report;
    },
  };
  scope.PlatsdialogOutbox = Outbox;
})(typeof self !== "undefined" ? self : window);
