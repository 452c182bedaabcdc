// Staff: place the plan map by dragging three corner handles (top-left, top-right,
// bottom-left; the fourth follows). The coordinate fields below the map are the same
// placement in text: typing moves the handles, dragging fills in the fields.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("plan-place-map");
    if (!el || el.getAttribute("data-ready") || typeof L === "undefined" || !window.PD || !PD.planLayer) { return; }
    el.setAttribute("data-ready", "1");
    var form = document.querySelector("[data-plan-placement]");
    var names = ["tl", "tr", "bl"];
    var labels = JSON.parse(el.getAttribute("data-handle-labels") || "[]");
    var status = document.getElementById("plan-place-status");
    var width = parseInt(el.getAttribute("data-width"), 10);
    var height = parseInt(el.getAttribute("data-height"), 10);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 20 });
    if (el.getAttribute("data-tiles")) {
      L.tileLayer(el.getAttribute("data-tiles"), { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var area = null;
    if (el.getAttribute("data-area")) {
      try {
        area = L.geoJSON(JSON.parse(el.getAttribute("data-area")), {
          interactive: false, style: { color: "#005a9c", weight: 2, fillOpacity: 0 }
        }).addTo(map);
      } catch (e) { area = null; }
    }

    function input(name, part) { return form.querySelector("[name=" + name + "_" + part + "]"); }
    function read() {
      var corners = names.map(function (n) {
        return [parseFloat(String(input(n, "lat").value).replace(",", ".")), parseFloat(String(input(n, "lon").value).replace(",", "."))];
      });
      var ok = corners.every(function (c) { return isFinite(c[0]) && isFinite(c[1]); });
      return ok ? corners : null;
    }
    function write(corners) {
      names.forEach(function (n, i) {
        input(n, "lat").value = corners[i][0].toFixed(7);
        input(n, "lon").value = corners[i][1].toFixed(7);
      });
    }

    var corners = read();
    if (corners) {
      map.fitBounds(L.latLngBounds(corners), { padding: [30, 30] });
    } else {
      // Not placed yet: the plan upright in the middle of the project area (or the
      // organization's map), 60% of the view wide, keeping the image's proportions.
      if (area) { map.fitBounds(area.getBounds(), { padding: [10, 10] }); }
      else { map.setView([parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon"))], parseInt(el.getAttribute("data-zoom"), 10) || 13); }
      var size = map.getSize();
      var w = size.x * 0.6, h = w * height / width;
      if (h > size.y * 0.8) { h = size.y * 0.8; w = h * width / height; }
      var centre = map.latLngToContainerPoint(map.getCenter());
      var tl = map.containerPointToLatLng([centre.x - w / 2, centre.y - h / 2]);
      var tr = map.containerPointToLatLng([centre.x + w / 2, centre.y - h / 2]);
      var bl = map.containerPointToLatLng([centre.x - w / 2, centre.y + h / 2]);
      corners = [[tl.lat, tl.lng], [tr.lat, tr.lng], [bl.lat, bl.lng]];
      write(corners);
    }
    var overlay = PD.planLayer(el.getAttribute("data-plan-url"), width, height, corners, 0.75).addTo(map);
    var handles = names.map(function (n, i) {
      var handle = L.marker(corners[i], {
        draggable: true,
        title: labels[i] || n,
        alt: labels[i] || n,
        icon: L.divIcon({ className: "plan-handle plan-handle-" + n, iconSize: [22, 22], iconAnchor: [11, 11] })
      }).addTo(map);
      handle.on("drag", function (e) {
        corners[i] = [e.latlng.lat, e.latlng.lng];
        overlay.setCorners(corners);
        write(corners);
      });
      handle.on("dragend", function () { if (status) { status.textContent = el.getAttribute("data-moved"); } });
      return handle;
    });
    names.forEach(function (n) {
      ["lat", "lon"].forEach(function (part) {
        input(n, part).addEventListener("input", function () {
          var typed = read();
          if (!typed) { return; }
          corners = typed;
          overlay.setCorners(corners);
          handles.forEach(function (h, i) { h.setLatLng(corners[i]); });
        });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("htmx:afterSettle", start);
})();
