// Maps on the project and stage pages: the project area, the stage's published comments
// (clustered, loaded by bounding box as the map moves) and the small place picker of the
// comment form. Every comment is also in the thread as text; the maps only enhance.
// User text reaches the map through textContent only, never innerHTML.
(function () {
  "use strict";
  // Run again by a boosted navigation: the listeners below exist already; build new maps.
  if (window.PD && PD.maps && PD.maps.has("stage")) { PD.maps.build(); return; }
  var commentMaps = [];

  function addTiles(map, el) {
    var url = el.getAttribute("data-tile-url");
    if (!url) { return; }
    L.tileLayer(url, {
      maxZoom: 19,
      attribution: el.getAttribute("data-tile-attribution") || ""
    }).addTo(map);
  }

  function areaLayer(el) {
    var raw = el.getAttribute("data-area");
    if (!raw) { return null; }
    try {
      return L.geoJSON(JSON.parse(raw), {
        interactive: false,
        style: { color: "#005a9c", weight: 2, fillOpacity: 0.06 }
      });
    } catch (e) { return null; }
  }

  function baseMap(el, options) {
    el.setAttribute("data-ready", "1");
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", el.getAttribute("data-label") || "");
    // An explicit maxZoom: without a tile layer (TILE_URL empty) clustering needs one.
    // On touch screens one finger scrolls the page past the map; two fingers move and zoom it.
    var map = L.map(el, Object.assign({ scrollWheelZoom: false, maxZoom: 19, dragging: !L.Browser.mobile }, options || {}));
    if (window.PD && PD.maps) { PD.maps.track(el, map); }
    addTiles(map, el);
    if (window.PD) { PD.planMap ? PD.planMap(el, map) : (PD.planMapQueue = PD.planMapQueue || []).push([el, map]); }  // plan-map.js
    var area = areaLayer(el);
    if (area) {
      area.addTo(map);
      map.fitBounds(area.getBounds(), { padding: [10, 10] });
    } else {
      map.setView([59.2, 17.9], 11);
    }
    return map;
  }

  // A placed comment's photo as in the thread: a lazy thumbnail linking to the full size,
  // its width and height set before it loads (at most 160 x 120 px), so the popup opens at
  // its final size and nothing moves when the photo arrives.
  function photoFor(el, photo) {
    if (!photo || !photo.thumbnail) { return null; }
    var w = parseInt(photo.w, 10) || 0, h = parseInt(photo.h, 10) || 0;
    var scale = w && h ? Math.min(1, 160 / w, 120 / h) : 0;
    var figure = document.createElement("figure");
    figure.className = "map-photo";
    var link = document.createElement("a");
    link.href = photo.url;
    var img = document.createElement("img");
    img.setAttribute("width", String(Math.round(w * scale) || 160));
    img.setAttribute("height", String(Math.round(h * scale) || 120));
    img.setAttribute("loading", "lazy");
    img.setAttribute("decoding", "async");
    img.alt = photo.alt || el.getAttribute("data-photo-label") || "";
    img.src = photo.thumbnail;
    link.appendChild(img);
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " " + (el.getAttribute("data-photo-open-label") || "");
    link.appendChild(hint);
    figure.appendChild(link);
    return figure;
  }

  function popupFor(el, props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    if (props.official) {
      var badge = document.createElement("p");
      badge.className = "badge badge-official";
      badge.textContent = el.getAttribute("data-official-label");
      box.appendChild(badge);
    }
    var photo = photoFor(el, props.photo);
    if (photo) { box.appendChild(photo); }
    var text = document.createElement("p");
    var body = String(props.body || "");
    text.textContent = body.length > 220 ? body.slice(0, 217) + "…" : body;
    box.appendChild(text);
    var meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = el.getAttribute("data-supports-label") + " " + props.supports;
    box.appendChild(meta);
    var link = document.createElement("a");
    // The comment's own link finds it on any page of the thread; on this page, scroll to it.
    var template = el.getAttribute("data-comment-link");
    link.href = template ? template.replace("ID", String(parseInt(props.id, 10))) : "#c-" + props.id;
    link.addEventListener("click", function (e) {
      var target = document.getElementById("c-" + props.id);
      if (!target) { return; }
      e.preventDefault();
      target.setAttribute("tabindex", "-1");
      target.scrollIntoView({ behavior: "smooth", block: "start" });
      target.focus({ preventScroll: true });
    });
    link.textContent = el.getAttribute("data-open-label");
    box.appendChild(link);
    return box;
  }

  function setupCommentMap(el) {
    var map = baseMap(el);
    var cluster = L.markerClusterGroup
      ? L.markerClusterGroup({ chunkedLoading: true })
      : L.layerGroup();
    map.addLayer(cluster);
    var markers = {};
    var timer = null;
    var pending = null;
    var state = { map: map, el: el, markers: markers, cluster: cluster, load: load };

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n, i) {
        var limit = i % 2 === 0 ? 180 : 90;
        return Math.max(-limit, Math.min(limit, n)).toFixed(5);
      }).join(",");
      if (pending) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      fetch(el.getAttribute("data-comments-url") + "?bbox=" + bbox, {
        credentials: "same-origin",
        headers: { Accept: "application/geo+json" },
        signal: pending ? pending.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data) { return; }
        // Markers already on the map stay: panning back and forth only adds new ones.
        var fresh = [];
        data.features.forEach(function (f) {
          var id = f.properties.id;
          if (markers[id] || !f.geometry || f.geometry.type !== "Point") { return; }
          var c = f.geometry.coordinates;
          var label = String(f.properties.body || "").slice(0, 80);
          var marker = L.marker([c[1], c[0]], { title: label, alt: label, keyboard: true });
          // Built when opened, so thousands of comments cost no DOM until then. It fits the
          // map: no wider (Leaflet's 300 px overflow a 320 px phone's map, close button and
          // all), and no taller than leaves its marker in view; a longer one scrolls. Panned
          // to show a taller popup, the map would push the marker out of its bounds, and the
          // cluster group, which keeps only visible markers on phones, would close it.
          // The limits are taken again whenever a popup opens ("popupopen" below): the
          // phone may have been turned since its marker was placed.
          marker.bindPopup(function () { return popupFor(el, f.properties); }, popupLimits());
          markers[id] = marker;
          fresh.push(marker);
        });
        if (cluster.addLayers) { cluster.addLayers(fresh); }
        else { fresh.forEach(function (m) { cluster.addLayer(m); }); }
        el.dispatchEvent(new CustomEvent("comments-loaded"));
      }).catch(function () { /* offline or aborted: the thread still lists everything */ });
    }

    // Room the controls in a top corner take (zoom buttons on the left, the map switcher on
    // the right), their margin included: a popup kept clear of them is never hidden under
    // the zoom buttons, which Leaflet draws above popups.
    function cornerWidth(side) {
      var corner = el.querySelector(".leaflet-top.leaflet-" + side);
      var width = 0;
      Array.prototype.forEach.call(corner ? corner.children : [], function (control) {
        width = Math.max(width, control.offsetWidth + 10);
      });
      return width;
    }

    function popupLimits() {
      var size = map.getSize();
      var left = 5 + cornerWidth("left");
      var right = 5 + cornerWidth("right");
      return {
        // 44 px of the popup's own padding and tip; content at most 300 px wide.
        maxWidth: Math.max(150, Math.min(300, size.x - left - right - 44)),
        maxHeight: Math.max(120, size.y - 100),
        autoPanPaddingTopLeft: L.point(left, 5),
        autoPanPaddingBottomRight: L.point(right, 5)
      };
    }

    function fit(popup) {
      var limits = popupLimits();
      var options = popup.options;
      var same = Object.keys(limits).every(function (key) {
        var a = options[key], b = limits[key];
        return a === b || (a && a.equals && a.equals(b));
      });
      if (same) { return; }
      Object.keys(limits).forEach(function (key) { options[key] = limits[key]; });
      popup.update();
    }

    map.on("popupopen", function (e) { fit(e.popup); });
    map.on("resize", function () {
      map.eachLayer(function (layer) {
        if (layer instanceof L.Popup) { fit(layer); }
      });
    });
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    });
    load();
    commentMaps.push(state);
    return state;
  }

  function showOnMap(link) {
    var state = commentMaps[0];
    if (!state) { return; }
    var lat = parseFloat(link.getAttribute("data-lat"));
    var lon = parseFloat(link.getAttribute("data-lon"));
    var id = link.getAttribute("data-comment-id");
    state.el.scrollIntoView({ behavior: "smooth", block: "center" });
    state.map.setView([lat, lon], 17);
    var open = function () {
      var marker = state.markers[id];
      if (!marker) { return; }
      if (state.cluster.zoomToShowLayer) {
        state.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
      } else {
        marker.openPopup();
      }
    };
    state.el.addEventListener("comments-loaded", open, { once: true });
    open();
  }

  function setupPicker(el) {
    var form = el.closest("form");
    var lat = form.querySelector("[name=lat]");
    var lon = form.querySelector("[name=lon]");
    var status = form.querySelector("[data-picker-status]");
    var controls = form.querySelector(".picker-controls");
    var map = baseMap(el, { tap: true });
    var marker = null;
    var remove = form.querySelector("[data-clear-place]");

    function place(latValue, lonValue, announce) {
      lat.value = latValue.toFixed(6);
      lon.value = lonValue.toFixed(6);
      if (marker) { marker.setLatLng([latValue, lonValue]); }
      else {
        // The marking can be dragged after placing; the coordinate fields below are the
        // keyboard way to move it.
        marker = L.marker([latValue, lonValue], { keyboard: false, draggable: true }).addTo(map);
        marker.on("dragend", function () {
          var moved = marker.getLatLng();
          lat.value = moved.lat.toFixed(6);
          lon.value = moved.lng.toFixed(6);
          if (status) { status.textContent = el.getAttribute("data-moved") || el.getAttribute("data-chosen"); }
        });
      }
      if (announce && status) { status.textContent = el.getAttribute("data-chosen"); }
      if (remove) { remove.hidden = false; }
    }

    function clear() {
      lat.value = "";
      lon.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      if (status) { status.textContent = el.getAttribute("data-cleared"); }
      // Nothing left to remove: the button goes, focus moves to the map it refers to.
      if (remove) {
        if (document.activeElement === remove) { el.focus(); }
        remove.hidden = true;
      }
    }

    if (lat.value && lon.value && !isNaN(parseFloat(lat.value))) {
      place(parseFloat(lat.value), parseFloat(lon.value), false);
    }
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, true); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(String(lat.value).replace(",", ".")), b = parseFloat(String(lon.value).replace(",", "."));
        if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
          place(a, b, false);
          map.panTo([a, b]);
        }
      });
    });
    if (controls) { controls.hidden = false; }
    var use = form.querySelector("[data-use-location]");
    if (use) {
      use.addEventListener("click", function () {
        if (!navigator.geolocation) { status.textContent = el.getAttribute("data-failed"); return; }
        status.textContent = el.getAttribute("data-locating");
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(pos.coords.latitude, pos.coords.longitude, true);
          map.setView([pos.coords.latitude, pos.coords.longitude], 16);
        }, function () {
          status.textContent = el.getAttribute("data-failed");
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    if (remove) { remove.addEventListener("click", clear); }
  }

  // Where Leaflet's marker images are, told rather than detected: to find them Leaflet adds
  // an element styled with marker-icon.png, which fetches that image even on screens that
  // show marker-icon-2x.png (2.3 KB for nothing on a phone).
  function setIconPath() {
    if (L.Icon.Default.imagePath) { return; }
    var script = document.querySelector('script[src*="vendor/leaflet/leaflet.js"]');
    if (script) { L.Icon.Default.imagePath = script.src.replace(/leaflet\.js(\?.*)?$/, "images/"); }
  }

  function init(root) {
    if (typeof L === "undefined") { return; }
    setIconPath();
    var scope = root || document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-map]:not([data-ready])"), function (el) {
      if (el.getAttribute("data-comments-url")) { setupCommentMap(el); } else { baseMap(el); }
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-picker]:not([data-ready])"), setupPicker);
  }

  if (window.PD && PD.maps) {
    PD.maps.register("stage", init, function () { commentMaps.length = 0; });
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
  // The server says a comment was posted (HX-Trigger): show it on the map if it has a place.
  document.body.addEventListener("comment-posted", function () {
    commentMaps.forEach(function (state) { state.load(); });
  });
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.show-on-map") : null;
    if (link && commentMaps.length) {
      e.preventDefault();
      showOnMap(link);
    }
  });
})();
