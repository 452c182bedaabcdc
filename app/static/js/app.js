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

  // One life cycle for every Leaflet map on resident pages: built on the first load, after a
  // boosted navigation and after Back (history restore); removed before htmx stores the page
  // for Back, so the stored copy holds empty containers that are built again, never the
  // markup of a dead map (a blank grey box whose "+" is a link to "#").
  // Map texts in the page's language (Leaflet and Geoman are English by themselves).
  PD.mapText = function (key) {
    var el = document.getElementById("map-strings");
    try { return el ? JSON.parse(el.textContent)[key] : null; } catch (e) { return null; }
  };
  function localise() {
    if (typeof L === "undefined" || !L.Control || !L.Control.Zoom) { return; }
    var zoom = L.Control.Zoom.prototype.options;
    zoom.zoomInTitle = PD.mapText("zoomIn") || zoom.zoomInTitle;
    zoom.zoomOutTitle = PD.mapText("zoomOut") || zoom.zoomOutTitle;
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
  document.addEventListener("DOMContentLoaded", PD.maps.build);
  document.addEventListener("htmx:afterSettle", PD.maps.build);
  document.addEventListener("htmx:historyRestore", PD.maps.build);
  document.addEventListener("htmx:beforeHistorySave", PD.maps.teardown);
})();
