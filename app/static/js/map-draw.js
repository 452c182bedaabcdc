// Map questions: draw points, lines or areas with a category and a comment each.
// Progressive enhancement: without this file the text alternative below every map is the
// whole question. The drawings live as GeoJSON Features in a hidden input the server reads.
(function () {
  "use strict";
  // Run again by a boosted navigation: the listeners below exist already; build new maps.
  if (window.PD && PD.maps && PD.maps.has("survey")) { PD.maps.build(); return; }

  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? values[k] : m;
    });
  }

  // Ray casting on the outer rings of a Polygon or MultiPolygon (lon/lat).
  function ringContains(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }
  function areaContains(area, lon, lat) {
    if (!area) { return true; }
    var polygons = area.type === "Polygon" ? [area.coordinates]
      : area.type === "MultiPolygon" ? area.coordinates : null;
    if (!polygons) { return true; }
    return polygons.some(function (rings) {
      if (!ringContains(rings[0], lon, lat)) { return false; }
      for (var h = 1; h < rings.length; h++) {
        if (ringContains(rings[h], lon, lat)) { return false; }
      }
      return true;
    });
  }
  // Does segment a-b cross segment c-d, each one's ends strictly on either side of the other?
  // (Touching the boundary is allowed: the server's check, shapely's covers, allows it.)
  function crosses(a, b, c, d) {
    function side(p, q, r) {
      var v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
      return v > 0 ? 1 : v < 0 ? -1 : 0;
    }
    return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
  }
  function segments(lines) {
    var out = [];
    lines.forEach(function (line) {
      for (var i = 1; i < line.length; i++) { out.push([line[i - 1], line[i]]); }
    });
    return out;
  }
  // Is the whole marking inside the area: every corner, and no edge leaving it on the way
  // (a line between the two arms of a U-shaped area has both ends inside)?
  function areaCovers(area, geometry) {
    if (!area) { return true; }
    if (vertices(geometry).some(function (c) { return !areaContains(area, c[0], c[1]); })) {
      return false;
    }
    var polygons = area.type === "Polygon" ? [area.coordinates]
      : area.type === "MultiPolygon" ? area.coordinates : [];
    var boundary = segments([].concat.apply([], polygons));
    var lines = geometry.type === "LineString" ? [geometry.coordinates]
      : geometry.type === "Polygon" ? geometry.coordinates : [];
    return !segments(lines).some(function (edge) {
      return boundary.some(function (side) { return crosses(edge[0], edge[1], side[0], side[1]); });
    });
  }
  function vertices(geometry) {
    if (geometry.type === "Point") { return [geometry.coordinates]; }
    if (geometry.type === "LineString") { return geometry.coordinates; }
    if (geometry.type === "Polygon") { return geometry.coordinates[0]; }
    return [];
  }

  // Where a marking is: a point itself, a line's or an area's middle (of its bounding box).
  function centre(geometry) {
    var all = vertices(geometry);
    var lons = all.map(function (c) { return c[0]; });
    var lats = all.map(function (c) { return c[1]; });
    return [(Math.min.apply(null, lons) + Math.max.apply(null, lons)) / 2,
      (Math.min.apply(null, lats) + Math.max.apply(null, lats)) / 2];
  }
  // ``geometry`` moved by dlon, dlat (every position, at any depth of nesting), to the six
  // decimals (10 cm) a drawn shape has.
  function shifted(geometry, dlon, dlat) {
    function shift(c) {
      return typeof c[0] === "number"
        ? [L.Util.formatNum(c[0] + dlon, 6), L.Util.formatNum(c[1] + dlat, 6)] : c.map(shift);
    }
    return { type: geometry.type, coordinates: shift(geometry.coordinates) };
  }

  // A placed line or area: drag it as a whole or drag its corners (the midpoint handles add
  // one). On a phone one finger on the shape still scrolls the page, or a big area would trap
  // it: there the corners and "Move here" move it. Every change goes through reshape().
  function editable(self, layer, index) {
    if (!layer.pm) { return; }
    var whole = false;
    var container = self.map.getContainer();
    layer.pm.enable({ snappable: false, preventMarkerRemoval: true });
    if (!L.Browser.mobile) { layer.pm.enableLayerDrag(); }
    layer.on("pm:dragstart", function () {
      whole = true;
      L.DomUtil.addClass(container, "map-shape-dragging");  // its handles stay behind until then
    });
    layer.on("pm:edit", function () {
      L.DomUtil.removeClass(container, "map-shape-dragging");
      var geometry = layer.toGeoJSON().geometry;
      var crosses = geometry.type === "Polygon" && layer.pm.hasSelfIntersection();
      var message = whole ? self.data.msgMoved : self.data.msgChanged;
      whole = false;
      // Once Geoman is done with the layer: reshape() draws every marking anew.
      window.setTimeout(function () {
        self.reshape(index, geometry, crosses ? self.data.msgCrosses : null, message);
      }, 0);
    });
  }
  // The handles are for a pointer: keyboards and screen readers have "Move here" below the map.
  function quietHandles(map) {
    map.getContainer().querySelectorAll(".marker-icon").forEach(function (handle) {
      handle.setAttribute("tabindex", "-1");
      handle.setAttribute("aria-hidden", "true");
    });
  }

  var DEFAULT_COLOUR = "#003f6e";

  // A pin whose tip is exactly the marked point (the icon's bottom centre is its anchor),
  // filled with the category's colour and numbered like the list under the map. The
  // colour is checked to be #rrggbb before it gets here.
  function pinIcon(n, colour) {
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="40" viewBox="0 0 30 40" aria-hidden="true">' +
      '<path data-pin-fill fill="' + colour + '" stroke="#fff" stroke-width="2" ' +
      'd="M15 39.5C15 39.5 2 24.5 2 15a13 13 0 0 1 26 0c0 9.5-13 24.5-13 24.5z"/>' +
      '<text x="15" y="20" text-anchor="middle" font-size="13" font-weight="700" fill="#fff">' +
      String(parseInt(n, 10)) + '</text></svg>';
    return L.divIcon({ className: "map-pin", html: svg, iconSize: [30, 40], iconAnchor: [15, 40] });
  }

  function MapQuestion(root) {
    this.root = root;
    this.data = root.dataset;
    this.input = document.getElementById(root.dataset.input);
    this.list = root.querySelector("[data-features]");
    this.status = root.querySelector("[data-status]");
    this.geometry = root.dataset.geometry;
    this.max = parseInt(root.dataset.max, 10) || 50;
    this.restrict = root.dataset.restrict === "true";
    this.area = null;
    try { this.area = JSON.parse(root.dataset.area || "null"); } catch (e) { this.area = null; }
    this.features = [];
    try {
      var stored = JSON.parse(this.input.value || "[]");
      if (Array.isArray(stored)) { this.features = stored; }
    } catch (e) { this.features = []; }
    // Each category's colour (a #rrggbb the staff chose), for its pins, lines and areas.
    this.colours = {};
    var colours = this.colours;
    root.querySelectorAll(".category-button").forEach(function (button) {
      var swatch = button.querySelector("[data-color]");
      var colour = swatch ? swatch.dataset.color : "";
      if (/^#[0-9a-fA-F]{6}$/.test(colour || "")) { colours[button.dataset.category] = colour; }
    });
    var pressed = root.querySelector(".category-button[aria-pressed=true]");
    this.category = pressed ? parseInt(pressed.dataset.category, 10) : null;
    root.hidden = false;
    var saved = root.parentNode.querySelector("[data-saved-note]");
    if (saved) { saved.hidden = true; }
    this.setupMap();
    this.setupControls();
    this.render();
  }

  // Draw every marking in its category's colour (also when a category changes in the list,
  // which keeps the list, and the focus in it, as it is).
  MapQuestion.prototype.recolour = function () {
    var self = this;
    this.layers.clearLayers();
    this.features.forEach(function (feature, index) {
      var n = index + 1;
      var colour = self.colours[String(feature.properties.category)] || DEFAULT_COLOUR;
      var shape = L.geoJSON(feature.geometry, {
        pointToLayer: function (f, latlng) {
          // A placed pin can be dragged to where it belongs ("Move here" below the map is
          // the keyboard way).
          var pin = L.marker(latlng, { keyboard: false, draggable: true, title: fmt(self.data.msgItem, { n: n }), icon: pinIcon(n, colour) });
          pin.on("dragend", function () { self.move(index, pin.getLatLng()); });
          return pin;
        },
        style: { color: colour, weight: 4 }
      }).addTo(self.layers);
      if (feature.geometry.type !== "Point") { editable(self, shape.getLayers()[0], index); }
    });
    quietHandles(this.map);
  };

  MapQuestion.prototype.say = function (text) {
    this.status.textContent = "";
    var status = this.status;
    window.setTimeout(function () { status.textContent = text; }, 30);
  };

  MapQuestion.prototype.setupMap = function () {
    var canvas = this.root.querySelector(".map-canvas");
    // No scroll-wheel zoom: the page must keep scrolling past the map.
    // On touch screens one finger scrolls the page past the map; two fingers move and zoom it.
    this.map = L.map(canvas, { scrollWheelZoom: false, tap: false, dragging: !L.Browser.mobile });
    if (window.PD && PD.maps) { PD.maps.track(canvas, this.map); }
    var tiles = this.data.tileUrl;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: this.data.tileAttribution || "" }).addTo(this.map);
    }
    if (window.PD) { PD.planMap ? PD.planMap(canvas, this.map) : (PD.planMapQueue = PD.planMapQueue || []).push([canvas, this.map]); }  // plan-map.js
    this.layers = L.featureGroup().addTo(this.map);
    if (this.area) {
      this.outline = L.geoJSON(this.area, {
        interactive: false,
        style: { color: "#005a9c", weight: 3, dashArray: "6 4", fillOpacity: 0.05 }
      }).addTo(this.map);
      this.map.fitBounds(this.outline.getBounds(), { padding: [12, 12] });
    } else {
      this.map.setView([59.2, 17.9], 11);
    }
    var self = this;
    if (this.geometry === "Point") {
      this.map.on("click", function (e) { self.add({ type: "Point", coordinates: [e.latlng.lng, e.latlng.lat] }); });
    } else if (this.map.pm) {
      this.map.pm.setGlobalOptions({ snappable: false });
      // Geoman's own hints are English and say "click": ours come from the page, in the
      // resident's language, and fit a phone.
      if (window.PD && PD.text && this.map.pm.setLang) {
        this.map.pm.setLang("platsdialog", { tooltips: PD.text("geoman") || {} }, "en");
      }
      this.map.on("pm:create", function (e) {
        var geometry = e.layer.toGeoJSON().geometry;
        self.map.removeLayer(e.layer);
        self.add(geometry);
      });
    }
  };

  MapQuestion.prototype.setupControls = function () {
    var self = this;
    this.root.querySelectorAll(".category-button").forEach(function (button) {
      var swatch = button.querySelector("[data-color]");
      if (swatch && swatch.dataset.color) { swatch.style.backgroundColor = swatch.dataset.color; }
      button.addEventListener("click", function () {
        self.root.querySelectorAll(".category-button").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
        button.setAttribute("aria-pressed", "true");
        self.category = parseInt(button.dataset.category, 10);
      });
    });
    var draw = this.root.querySelector("[data-action=draw]");
    if (draw && this.map.pm) {
      draw.addEventListener("click", function () {
        if (self.map.pm.globalDrawModeEnabled()) {
          var shape = self.geometry === "Polygon" ? "Polygon" : "Line";
          var drawer = self.map.pm.Draw[shape];
          if (drawer && drawer._finishShape) { drawer._finishShape(); }
          self.map.pm.disableDraw();
          draw.textContent = self.data.msgDraw;
          return;
        }
        if (self.features.length >= self.max) { self.say(self.data.msgMax); return; }
        self.map.pm.enableDraw(self.geometry === "Polygon" ? "Polygon" : "Line", { snappable: false });
        draw.textContent = self.data.msgFinish;
      });
      this.map.on("pm:drawend", function () { draw.textContent = self.data.msgDraw; });
    }
    var locate = this.root.querySelector("[data-action=locate]");
    if (locate) {
      if (!navigator.geolocation) { locate.hidden = true; }
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var point = { type: "Point", coordinates: [pos.coords.longitude, pos.coords.latitude] };
          if (self.add(point)) {
            self.map.setView([pos.coords.latitude, pos.coords.longitude], Math.max(self.map.getZoom(), 16));
            self.say(self.data.msgLocated);
          }
        }, function () { self.say(self.data.msgNoLocation); }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
  };

  MapQuestion.prototype.add = function (geometry) {
    if (this.features.length >= this.max) { this.say(this.data.msgMax); return false; }
    if (this.restrict && !areaCovers(this.area, geometry)) {
      this.say(this.data.msgOutside);
      return false;
    }
    this.features.push({ type: "Feature", geometry: geometry, properties: { category: this.category, comment: "" } });
    this.render();
    this.say(this.data.msgAdded);
    return true;
  };

  // Move marking ``index`` so that its middle is at ``latlng`` (a dragged pin, or "Move here").
  MapQuestion.prototype.move = function (index, latlng) {
    var feature = this.features[index];
    if (!feature) { return; }
    var geometry = feature.geometry;
    if (geometry.type === "Point") {
      geometry = { type: "Point", coordinates: [latlng.lng, latlng.lat] };
    } else {
      var middle = centre(geometry);
      geometry = shifted(geometry, latlng.lng - middle[0], latlng.lat - middle[1]);
    }
    this.reshape(index, geometry, null, this.data.msgMoved);
  };

  // Give marking ``index`` its moved or reshaped ``geometry``, or refuse it (``problem``, or
  // outside the project area) and draw the marking back where it was.
  MapQuestion.prototype.reshape = function (index, geometry, problem, done) {
    var feature = this.features[index];
    if (!feature) { return; }
    if (this.restrict && !areaCovers(this.area, geometry)) {
      problem = this.data.msgOutside;
    }
    if (!problem) {
      feature.geometry = geometry;
      this.save();
    }
    this.recolour();
    this.say(problem || done || "");
  };

  MapQuestion.prototype.save = function () {
    this.input.value = this.features.length ? JSON.stringify(this.features) : "";
    // The survey's draft on the device (survey-offline.js) listens for changes.
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  MapQuestion.prototype.render = function () {
    var self = this;
    this.recolour();
    this.list.textContent = "";
    var template = this.root.querySelector("template[data-category-options]");
    this.features.forEach(function (feature, index) {
      var n = index + 1;
      var item = document.createElement("li");
      item.className = "map-feature";
      var title = document.createElement("p");
      title.className = "map-feature-title";
      title.textContent = fmt(self.data.msgItem, { n: n });
      item.appendChild(title);
      var base = self.data.name + "-feature-" + n;
      if (template && template.content.childElementCount) {
        var label = document.createElement("label");
        label.htmlFor = base + "-category";
        label.textContent = self.data.msgCategory;
        var select = document.createElement("select");
        select.id = base + "-category";
        var empty = document.createElement("option");
        empty.value = "";
        empty.textContent = self.data.msgNoCategory;
        select.appendChild(empty);
        select.appendChild(template.content.cloneNode(true));
        select.value = feature.properties.category ? String(feature.properties.category) : "";
        select.addEventListener("change", function () {
          feature.properties.category = select.value ? parseInt(select.value, 10) : null;
          self.save();
          self.recolour();
        });
        item.appendChild(label);
        item.appendChild(select);
      }
      var commentLabel = document.createElement("label");
      commentLabel.htmlFor = base + "-comment";
      commentLabel.textContent = self.data.msgComment;
      var comment = document.createElement("textarea");
      comment.id = base + "-comment";
      comment.rows = 2;
      comment.maxLength = parseInt(self.data.maxComment, 10) || 1000;
      comment.value = feature.properties.comment || "";
      comment.addEventListener("input", function () {
        feature.properties.comment = comment.value;
        self.save();
      });
      item.appendChild(commentLabel);
      item.appendChild(comment);
      // An optional photo of the place (survey-photos.js).
      if (window.PDSurveyPhotos) { PDSurveyPhotos.field(self, feature, item, base, n); }
      if (self.data.msgMoveHere) {
        var here = document.createElement("button");
        here.type = "button";
        here.className = "button button-secondary";
        here.textContent = self.data.msgMoveHere + " (" + fmt(self.data.msgItem, { n: n }) + ")";
        here.addEventListener("click", function () { self.move(index, self.map.getCenter()); });
        item.appendChild(here);
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-secondary";
      remove.textContent = self.data.msgRemove + " (" + fmt(self.data.msgItem, { n: n }) + ")";
      remove.addEventListener("click", function () {
        self.features.splice(index, 1);
        self.render();
        self.say(self.data.msgRemoved);
      });
      item.appendChild(remove);
      self.list.appendChild(item);
    });
    var counter = this.root.querySelector("[data-counter]");
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "map-counter";
      counter.setAttribute("data-counter", "");
      this.list.parentNode.insertBefore(counter, this.list);
    }
    counter.textContent = fmt(this.data.msgCount, { n: this.features.length, max: this.max });
    this.save();
    this.loadPhotoField();
  };

  // The photo field of a marking (survey-photos.js with photos.js) is fetched with the first
  // marking, not with the page: most residents never add a photo, and a phone's first load
  // stays light. Offline the service worker has them.
  var photoScripts = null;
  MapQuestion.prototype.loadPhotoField = function () {
    var urls = (this.data.photoScripts || "").split(" ").filter(Boolean);
    if (window.PDSurveyPhotos || !urls.length || !this.features.length) { return; }
    var self = this;
    photoScripts = photoScripts || urls.reduce(function (chain, url) {
      return chain.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = url;
          script.onload = script.onerror = function () { resolve(); };
          document.head.appendChild(script);
        });
      });
    }, Promise.resolve());
    // Added to the markings' items as they are, not by drawing them again: a pin being
    // dragged or a comment being typed when the scripts arrive stays as it is.
    photoScripts.then(function () {
      if (!window.PDSurveyPhotos) { return; }
      var items = self.list.querySelectorAll("li.map-feature");
      self.features.forEach(function (feature, index) {
        var item = items[index];
        if (item && !item.querySelector(".marking-photo-field")) {
          PDSurveyPhotos.field(self, feature, item, self.data.name + "-feature-" + (index + 1), index + 1);
        }
      });
    });
  };

  // A map on a survey page not shown yet (survey-offline.js pages through in the browser)
  // would be drawn at size zero: build it when its page is shown.
  function visible(root) {
    return !root.closest("[data-survey-page][hidden]");
  }

  function init(scope) {
    if (typeof L === "undefined") { return; }
    (scope || document).querySelectorAll("[data-map-draw]").forEach(function (root) {
      if (root.dataset.ready || !visible(root)) { return; }
      root.dataset.ready = "1";
      new MapQuestion(root);
    });
  }
  document.addEventListener("pd:survey-page-shown", function () { init(document); });
  if (window.PD && PD.maps) {
    PD.maps.register("survey", init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
