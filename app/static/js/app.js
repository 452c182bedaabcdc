// Platsdialog: small progressive enhancements; every page works without this file.
// hx-boost swaps the whole body, so the scripts at its end run again on every boosted
// navigation: everything here is set up once per document.
(function () {
  "use strict";
  if (window.PD && window.PD.maps) { window.PD.maps.build(); return; }
  var PD = window.PD = window.PD || {};

  // Move focus to the first error summary after a form comes back with errors.
  function focusErrors(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (e) { focusErrors(e.target); });

  // A refused htmx request (the bot trap, too many requests, not allowed, a conflict) answers
  // with the error fragment: say why beside the form or link that was refused, and keep the
  // page (and what was typed) as it is. A form that comes back with field errors (422 with
  // the form itself) is swapped in as usual.
  function errorMessage(html) {
    try {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var el = doc.querySelector("[data-error-fragment] [data-error-message]");
      return el ? el.textContent.trim() : null;
    } catch (e) { return null; }
  }
  function showRefusal(source, message) {
    var holder = (source && source.closest && (source.closest("form") || source.closest(".comment-actions, .action-slot"))) || source;
    if (!holder || !holder.parentNode) { return; }
    var alert = holder.querySelector(":scope > .inline-alert") ||
      (holder.previousElementSibling && holder.previousElementSibling.classList.contains("inline-alert") ? holder.previousElementSibling : null);
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "inline-alert";
      alert.setAttribute("role", "alert");
      if (holder.tagName === "FORM") { holder.insertBefore(alert, holder.firstChild); }
      else { holder.parentNode.insertBefore(alert, holder); }
    }
    alert.textContent = "";
    window.setTimeout(function () { alert.textContent = message; }, 30);
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (!xhr || xhr.status < 400) { return; }
    var text = xhr.responseText || "";
    var message = text.indexOf("data-error-fragment") !== -1 ? errorMessage(text) : null;
    if (!message && e.detail.shouldSwap) { return; }  // e.g. a form with its field errors
    e.detail.shouldSwap = false;
    e.detail.isError = false;
    showRefusal(e.detail.requestConfig && e.detail.requestConfig.elt, message || PD.text("refused") || "");
  });
  // No answer at all (offline, the server gone): say so too, keep everything.
  document.addEventListener("htmx:sendError", function (e) {
    showRefusal(e.detail && e.detail.elt, PD.text("unreachable") || "");
  });

  // One life cycle for every Leaflet map on resident pages: built on the first load, after a
  // boosted navigation and after Back (history restore); removed before htmx stores the page
  // for Back, so the stored copy holds empty containers that are built again, never the
  // markup of a dead map (a blank grey box whose "+" is a link to "#").
  // Texts for scripts in the page's language (Leaflet and Geoman are English by themselves).
  PD.text = function (key) {
    var el = document.getElementById("ui-strings");
    try { return el ? JSON.parse(el.textContent)[key] : null; } catch (e) { return null; }
  };
  function localise() {
    if (typeof L === "undefined" || !L.Control || !L.Control.Zoom) { return; }
    var zoom = L.Control.Zoom.prototype.options;
    zoom.zoomInTitle = PD.text("zoomIn") || zoom.zoomInTitle;
    zoom.zoomOutTitle = PD.text("zoomOut") || zoom.zoomOutTitle;
  }

  var builders = {};
  var teardowns = {};
  var tracked = [];
  PD.maps = {
    has: function (name) { return Object.prototype.hasOwnProperty.call(builders, name); },
    register: function (name, build, teardown) {
      builders[name] = build;
      if (teardown) { teardowns[name] = teardown; }
      if (document.readyState !== "loading") { localise(); build(document); }
    },
    // Remember a map so it can be removed before the page is stored for Back.
    track: function (el, map) { tracked.push(map); },
    build: function () {
      localise();
      Object.keys(builders).forEach(function (name) {
        try { builders[name](document); } catch (e) { if (window.console) { console.error(e); } }
      });
    },
    teardown: function () {
      tracked.splice(0).forEach(function (map) {
        try { map.remove(); } catch (e) { /* its container is gone already */ }
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-ready]"), function (el) {
        el.removeAttribute("data-ready");
      });
      Object.keys(teardowns).forEach(function (name) { teardowns[name](); });
    }
  };
  // Logging out forgets the survey answers in progress kept on this device (survey-draft.js),
  // like the service worker forgets the pages: the next person finds nothing of the last one.
  document.addEventListener("submit", function (e) {
    var action = e.target && e.target.getAttribute && e.target.getAttribute("action");
    if (!action || !/\/logout$/.test(action.split("?")[0])) { return; }
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf("pd-survey-draft-") === 0) { localStorage.removeItem(key); }
      });
    } catch (err) { /* storage unavailable: nothing kept */ }
    // And the photos of map markings waiting with those answers (survey-photos.js).
    try { if (window.indexedDB) { indexedDB.deleteDatabase("platsdialog-photos"); } } catch (err) { /* none */ }
  }, true);
  document.addEventListener("DOMContentLoaded", PD.maps.build);
  document.addEventListener("htmx:afterSettle", PD.maps.build);
  document.addEventListener("htmx:historyRestore", PD.maps.build);
  document.addEventListener("htmx:beforeHistorySave", PD.maps.teardown);
})();
