// The stage's plan map over its maps, with an opacity slider, and the organization's base
// layers in a layer switcher. Loaded only on pages of a stage that has a placed plan or an
// organization with base layers; stage-map.js and map-draw.js call PD.planMap(el, map) for
// every map they build. The plan never takes a tap: comments are placed through it.
(function () {
  "use strict";
  var PD = window.PD = window.PD || {};
  var counter = 0;

  function escapeHtml(text) {
    return String(text || "").replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // An image placed by three corners (top-left, top-right, bottom-left; [lat, lon] each):
  // an affine CSS transform in the map's layer pixels, so a rotated or skewed plan fits.
  function planLayerClass() {
    if (PD.PlanLayer) { return PD.PlanLayer; }
    PD.PlanLayer = L.Layer.extend({
      initialize: function (url, width, height, corners, opacity) {
        this._url = url;
        this._w = width;
        this._h = height;
        this._corners = corners;
        this._opacity = opacity === undefined ? 0.7 : opacity;
      },
      onAdd: function (map) {
        if (!map.getPane("plan")) {
          var pane = map.createPane("plan");
          pane.style.zIndex = 350;  // above the tiles, below outlines and markers
          pane.style.pointerEvents = "none";
        }
        var img = this._img = L.DomUtil.create("img", "plan-overlay leaflet-zoom-hide");
        img.alt = "";
        img.src = this._url;
        img.draggable = false;
        img.style.position = "absolute";
        img.style.left = "0";
        img.style.top = "0";
        img.style.width = this._w + "px";
        img.style.height = this._h + "px";
        img.style.maxWidth = "none";
        img.style.pointerEvents = "none";
        img.style.transformOrigin = "0 0";
        img.style.opacity = String(this._opacity);
        map.getPane("plan").appendChild(img);
        this._update();
      },
      onRemove: function () {
        if (this._img) { L.DomUtil.remove(this._img); this._img = null; }
      },
      getEvents: function () { return { zoomend: this._update, viewreset: this._update }; },
      setCorners: function (corners) { this._corners = corners; this._update(); return this; },
      setOpacity: function (value) {
        this._opacity = value;
        if (this._img) { this._img.style.opacity = String(value); }
        return this;
      },
      getBounds: function () {
        var c = this._corners;
        var br = [c[1][0] + c[2][0] - c[0][0], c[1][1] + c[2][1] - c[0][1]];
        return L.latLngBounds([c[0], c[1], c[2], br]);
      },
      _update: function () {
        if (!this._img || !this._map) { return; }
        var m = this._map, c = this._corners;
        var p0 = m.latLngToLayerPoint(c[0]), p1 = m.latLngToLayerPoint(c[1]), p2 = m.latLngToLayerPoint(c[2]);
        var t = [(p1.x - p0.x) / this._w, (p1.y - p0.y) / this._w,
          (p2.x - p0.x) / this._h, (p2.y - p0.y) / this._h, p0.x, p0.y];
        this._img.style.transform = "matrix(" + t.join(",") + ")";
      }
    });
    return PD.PlanLayer;
  }
  PD.planLayer = function (url, width, height, corners, opacity) {
    var Layer = planLayerClass();
    return new Layer(url, width, height, corners, opacity);
  };

  function config() {
    var el = document.getElementById("plan-map-config");
    if (!el) { return null; }
    try { return JSON.parse(el.getAttribute("data-config")); } catch (e) { return null; }
  }

  // The slider under a map: a labelled range input from the page's template.
  function addSlider(el, overlay) {
    var template = document.getElementById("plan-map-controls");
    if (!template || !template.content) { return; }
    var existing = el.nextElementSibling;
    if (existing && existing.hasAttribute("data-plan-controls")) { existing.parentNode.removeChild(existing); }
    var box = template.content.firstElementChild.cloneNode(true);
    var input = box.querySelector("input[type=range]");
    var label = box.querySelector("label");
    counter += 1;
    input.id = "plan-opacity-" + counter;
    label.htmlFor = input.id;
    var output = box.querySelector("output");
    function apply() {
      var value = parseInt(input.value, 10);
      overlay.setOpacity(value / 100);
      if (output) { output.textContent = value + " %"; }
    }
    input.addEventListener("input", apply);
    apply();
    el.parentNode.insertBefore(box, el.nextSibling);
  }

  function baseLayers(map, cfg) {
    var layers = {};
    var current = null;
    map.eachLayer(function (layer) {
      if (!current && layer instanceof L.TileLayer) { current = layer; }
    });
    if (current && cfg.base) { layers[escapeHtml(cfg.base)] = current; }
    (cfg.layers || []).forEach(function (def) {
      var options = { maxZoom: 19, attribution: escapeHtml(def.attribution) };
      var layer = def.type === "wms"
        ? L.tileLayer.wms(def.url, Object.assign(options, { layers: def.layers, format: "image/png" }))
        : L.tileLayer(def.url, options);
      layers[escapeHtml(def.name)] = layer;
    });
    return layers;
  }

  PD.planMap = function (el, map) {
    var cfg = config();
    if (!cfg || typeof L === "undefined") { return; }
    var overlays = {};
    if (cfg.plan && cfg.plan.corners) {
      var p = cfg.plan;
      var overlay = PD.planLayer(p.url, p.width, p.height, p.corners, 0.7).addTo(map);
      overlays[escapeHtml(cfg.planName)] = overlay;
      addSlider(el, overlay);
      el.setAttribute("data-plan", "1");
    }
    if ((cfg.layers || []).length) {
      var control = L.control.layers(baseLayers(map, cfg), overlays, { collapsed: true, position: "topright" }).addTo(map);
      var toggle = control.getContainer().querySelector(".leaflet-control-layers-toggle");
      if (toggle) {
        toggle.title = cfg.layersTitle;
        toggle.setAttribute("aria-label", cfg.layersTitle);
      }
    }
  };
  // After a boosted navigation this file may run after the maps were built: add to those.
  (PD.planMapQueue || []).splice(0).forEach(function (pair) {
    if (!document.body.contains(pair[0]) || !pair[1]._loaded) { return; }
    try { PD.planMap(pair[0], pair[1]); } catch (e) { /* a map removed meanwhile */ }
  });
})();
