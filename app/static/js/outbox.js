/* Page side of offline support: registers the service worker, offers (never forces) the
 * install prompt, and sends what waits in the outbox when the connection returns, on the
 * next visit, or on Background Sync. Shows "waiting to send" and "sent at" to the resident. */
(function () {
  "use strict";
  const Outbox = window.PlatsdialogOutbox;
  const strings = (function () {
    const el = document.getElementById("outbox-strings");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();

  function metaToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  async function freshToken() {
    try {
      const r = await fetch("/csrf-token", { credentials: "same-origin", cache: "no-store" });
      if (r.ok) { return (await r.json()).csrf_token; }
    } catch (e) { /* offline */ }
    return metaToken();
  }

  function fmtTime(iso) {
    try { return new Date(iso).toLocaleString(document.documentElement.lang || "sv"); } catch (e) { return iso; }
  }

  async function render() {
    const boxes = document.querySelectorAll("[data-outbox-status]");
    if (!boxes.length || !Outbox) { return; }
    const [pending, sent] = await Promise.all([Outbox.pending(), Outbox.sent()]);
    // An item with a box of its own on this page (beside the form it came from) is not
    // repeated in the page's general box: the resident reads it once.
    const own = new Set(Array.from(boxes, (b) => b.getAttribute("data-outbox-client-id")).filter(Boolean));
    boxes.forEach((box) => {
      const only = box.getAttribute("data-outbox-client-id");
      const p = only ? pending.filter((i) => i.clientId === only) : pending.filter((i) => !own.has(i.clientId));
      const s = only ? sent.filter((i) => i.clientId === only) : sent.filter((i) => !own.has(i.clientId));
      box.textContent = "";
      if (p.length) {
        p.forEach((item) => {
          const line = document.createElement("p");
          line.className = "outbox-waiting";
          line.setAttribute("data-state", item.error ? "failed" : "waiting");
          line.textContent = item.error
            ? (strings.failed || "Could not be sent:") + " " + item.error
            : (strings.waiting || "Waiting to send") + (item.title ? ": " + item.title : "") +
              " · " + fmtTime(item.queuedAt);
          // A refused comment is not lost: its text goes back into the form to be corrected.
          if (item.error && item.kind === "comment" && strings.edit) {
            const edit = document.createElement("button");
            edit.type = "button";
            edit.className = "button secondary";
            edit.textContent = strings.edit;
            edit.addEventListener("click", async () => {
              await Outbox.remove(item.clientId);
              document.dispatchEvent(new CustomEvent("pd:outbox-edit", { detail: item }));
              await render();
            });
            line.appendChild(document.createTextNode(" "));
            line.appendChild(edit);
          }
          box.appendChild(line);
        });
      }
      s.slice(-5).forEach((item) => {
        const line = document.createElement("p");
        line.className = "outbox-sent";
        line.setAttribute("data-state", "sent");
        line.textContent = (strings.sent || "Sent") + " " + fmtTime(item.sentAt) + (item.title ? ": " + item.title : "");
        const receiptLabel = box.getAttribute("data-receipt-label");
        if (receiptLabel && item.receiptUrl) {
          const link = document.createElement("a");
          link.href = item.receiptUrl;
          link.textContent = receiptLabel;
          line.appendChild(document.createTextNode(" "));
          line.appendChild(link);
        }
        box.appendChild(line);
      });
      box.hidden = !(p.length || s.length);
    });
  }

  let flushing = false;
  async function flush() {
    if (!Outbox || flushing || !navigator.onLine) { await render(); return; }
    flushing = true;
    try { await Outbox.flush(freshToken); } finally { flushing = false; }
    await render();
    document.dispatchEvent(new CustomEvent("pd:outbox-flushed"));
  }

  /** Send now when possible; otherwise keep it and send it later. Returns "sent"|"queued"|"failed". */
  async function submit(item) {
    item.csrfToken = metaToken();
    await Outbox.put(item);
    if (navigator.onLine) {
      const before = (await Outbox.pending()).length;
      await flush();
      const stillPending = (await Outbox.pending()).find((i) => i.clientId === item.clientId);
      if (!stillPending) { return "sent"; }
      if (stillPending.error) { return "failed"; }
      void before;
    }
    if ("serviceWorker" in navigator && "SyncManager" in window) {
      // Not awaited: "ready" never settles when no worker could be registered (offline).
      navigator.serviceWorker.ready
        .then((reg) => reg.sync && reg.sync.register("pd-outbox"))
        .catch(() => { /* optional */ });
    }
    await render();
    return "queued";
  }

  window.PlatsdialogOffline = { submit, flush, render };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    // The first visit did not go through the worker, so it did not see this page: ask it to
    // keep the page too, so a survey opened once opens again without a connection.
    const nav = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || null;
    const viaWorker = nav ? nav.workerStart > 0 : Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.ready.then((reg) => {
      if (!viaWorker && reg.active) {
        reg.active.postMessage({ type: "pd-keep-page", url: location.pathname + location.search });
      }
    }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (e) => {
      if (e.data && e.data.type === "pd-outbox-flush") { flush(); }
    });
  }
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);
  document.addEventListener("htmx:afterSettle", render);

  // Install prompt: offered with a button the resident may use or dismiss.
  let deferred = null;
  window.addEventListener("beforeinstallprompt", (e) => {
    e.preventDefault();
    deferred = e;
    if (localStorage.getItem("pd-install-dismissed")) { return; }
    const banner = document.getElementById("install-banner");
    if (banner) { banner.hidden = false; document.body.classList.add("has-install-banner"); }
  });
  document.addEventListener("click", async (e) => {
    const target = e.target.closest("[data-install]");
    if (!target) { return; }
    const banner = document.getElementById("install-banner");
    if (target.getAttribute("data-install") === "dismiss") {
      localStorage.setItem("pd-install-dismissed", "1");
    } else if (deferred) {
      deferred.prompt();
      await deferred.userChoice.catch(() => null);
      deferred = null;
    }
    if (banner) { banner.hidden = true; document.body.classList.remove("has-install-banner"); }
  });
})();
