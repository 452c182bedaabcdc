// Hotspot map of the analysis pages: significant Gi* cells drawn as their grid squares (the
// table next to the map lists the same cells, so the page is complete without this script).
(function () {
  "use strict";

  function style(hot) {
    // Border style as well as colour: hot cells solid, cold cells dashed.
    return {
      color: hot ? "#a4161a" : "#1d4e89",
      weight: 2,
      dashArray: hot ? null : "6 4",
      fillOpacity: 0.35,
    };
  }

  function init() {
    var el = document.getElementById("hotspot-map");
    if (!el || el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    var cells = JSON.parse(el.dataset.cells || "[]");
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var layers = [];
    cells.forEach(function (c) {
      var hot = c.kind === "hot";
      var shape = c.corners ? L.polygon(c.corners, style(hot)) : L.rectangle(c.bounds, style(hot));
      var label = (hot ? el.dataset.hotLabel : el.dataset.coldLabel) + ": " + c.count + " (z " + c.z + ")";
      shape.bindTooltip(label);
      shape.addTo(map);
      layers.push(shape);
    });
    if (layers.length) {
      map.fitBounds(L.featureGroup(layers).getBounds(), { padding: [20, 20] });
    } else {
      map.setView([59.33, 18.06], 11);
    }
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:load", init);
})();
