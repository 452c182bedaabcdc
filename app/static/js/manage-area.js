// Project area editor: draw a polygon with leaflet-geoman; the GeoJSON goes into the text
// field, which is the form's source of truth (and works alone without JavaScript).
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("area-map");
    if (!el || el.dataset.ready || !window.L || !L.PM) { return; }
    el.dataset.ready = "1";
    var field = document.getElementById(el.dataset.target);
    var status = document.getElementById("area-map-status");
    var map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)],
                                parseInt(el.dataset.zoom, 10));
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    }
    var drawn = L.featureGroup().addTo(map);

    function say(text) { if (status) { status.textContent = text; } }

    function write() {
      var layers = drawn.getLayers();
      if (!layers.length) { field.value = ""; return; }
      if (layers.length === 1) {
        field.value = JSON.stringify(layers[0].toGeoJSON().geometry);
      } else {
        var coords = layers.map(function (l) { return l.toGeoJSON().geometry.coordinates; });
        field.value = JSON.stringify({ type: "MultiPolygon", coordinates: coords });
      }
      field.dispatchEvent(new Event("change"));
    }

    function watch(layer) {
      layer.on("pm:edit pm:update pm:dragend", write);
    }

    function load() {
      drawn.clearLayers();
      var text = (field.value || "").trim();
      if (!text) { return; }
      try {
        var geo = L.geoJSON(JSON.parse(text));
        geo.eachLayer(function (layer) { drawn.addLayer(layer); watch(layer); });
        if (drawn.getLayers().length) { map.fitBounds(drawn.getBounds(), { padding: [20, 20] }); }
      } catch (e) {
        say("");
      }
    }

    var lang = document.documentElement.lang || "sv";
    try { map.pm.setLang(lang); } catch (e) { map.pm.setLang("en"); }
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
      drawRectangle: true, drawCircle: false, drawText: false, cutPolygon: false,
      rotateMode: false, drawPolygon: true, editMode: true, dragMode: true, removalMode: true
    });
    // Geoman's buttons carry their name on the parent's title only; give screen readers it.
    function nameButtons() {
      el.querySelectorAll(".button-container[title]").forEach(function (box) {
        var button = box.querySelector(".leaflet-buttons-control-button");
        if (button) { button.setAttribute("aria-label", box.getAttribute("title")); }
      });
    }
    nameButtons();
    map.on("pm:globaleditmodetoggled pm:globaldrawmodetoggled pm:globalremovalmodetoggled",
           nameButtons);
    map.on("pm:create", function (e) {
      drawn.addLayer(e.layer);
      watch(e.layer);
      write();
      say(el.dataset.labelDrawn);
    });
    map.on("pm:remove", function (e) { drawn.removeLayer(e.layer); write(); });
    field.addEventListener("input", load);
    load();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else { init(); }
  window.addEventListener("load", init);
})();
