// Catalogue map: the listed projects as clustered markers at their area centroids, and
// their outlines when zoomed in. The list is the primary view; this only enhances it.
// User-provided text reaches the map through textContent only, never innerHTML.
(function () {
  "use strict";
  // Run again by a boosted navigation: the listeners below exist already; build the map.
  if (window.PD && PD.maps && PD.maps.has("catalogue")) { PD.maps.build(); return; }
  var map = null;
  var cluster = null;
  var outlines = null;
  var OUTLINE_ZOOM = 12;

  function addTiles(target, el) {
    var url = el.getAttribute("data-tile-url");
    if (!url) { return; }
    L.tileLayer(url, {
      maxZoom: 19,
      attribution: el.getAttribute("data-tile-attribution") || ""
    }).addTo(target);
  }

  function popupFor(title, url) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = url;
    link.textContent = title;
    box.appendChild(link);
    return box;
  }

  function readAreas() {
    var data = document.getElementById("catalogue-areas");
    if (!data) { return {}; }
    try { return JSON.parse(data.textContent); } catch (e) { return {}; }
  }

  function toggleOutlines() {
    if (!map) { return; }
    if (map.getZoom() >= OUTLINE_ZOOM) { map.addLayer(outlines); } else { map.removeLayer(outlines); }
  }

  function render(fit) {
    if (!map) { return; }
    cluster.clearLayers();
    outlines.clearLayers();
    var areas = readAreas();
    var points = [];
    var items = document.querySelectorAll("#catalogue-results .project-item[data-lat]");
    Array.prototype.forEach.call(items, function (li) {
      var lat = parseFloat(li.getAttribute("data-lat"));
      var lon = parseFloat(li.getAttribute("data-lon"));
      if (isNaN(lat) || isNaN(lon)) { return; }
      var title = li.getAttribute("data-title") || "";
      var marker = L.marker([lat, lon], { title: title, alt: title, keyboard: true });
      marker.bindPopup(popupFor(title, li.getAttribute("data-url")));
      cluster.addLayer(marker);
      points.push([lat, lon]);
      var area = areas[li.getAttribute("data-project-id")];
      if (area) {
        outlines.addLayer(L.geoJSON(area, {
          interactive: false,
          style: { color: "#005a9c", weight: 2, fillOpacity: 0.08 }
        }));
      }
    });
    if (fit) {
      if (points.length) {
        map.fitBounds(points, { padding: [30, 30], maxZoom: 13 });
      } else {
        map.setView([59.2, 17.9], 9);
      }
    }
    toggleOutlines();
  }

  function setupNearMe() {
    var box = document.getElementById("near-me");
    var button = document.getElementById("near-me-button");
    var status = document.getElementById("near-me-status");
    var near = document.getElementById("f-near");
    var form = document.getElementById("catalogue-filters");
    if (!box || !button || !near || !form) { return; }
    box.hidden = false;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = status.getAttribute("data-unsupported");
        return;
      }
      status.textContent = status.getAttribute("data-locating");
      navigator.geolocation.getCurrentPosition(function (pos) {
        // Three decimals (about 100 m) are enough to sort by distance.
        near.value = pos.coords.latitude.toFixed(3) + "," + pos.coords.longitude.toFixed(3);
        status.textContent = "";
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }, function () {
        status.textContent = status.getAttribute("data-failed");
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
  }

  // The filters beyond the search fold away on a phone; on a wide screen there is room.
  function openFilters() {
    var more = document.querySelector("[data-filter-more]");
    if (more && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) { more.open = true; }
  }

  function init() {
    openFilters();
    setupNearMe();
    var el = document.getElementById("catalogue-map");
    if (!el || typeof L === "undefined" || el.getAttribute("data-ready")) { return; }
    el.setAttribute("data-ready", "1");
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", el.getAttribute("data-label") || "");
    // An explicit maxZoom: without a tile layer (TILE_URL empty) clustering needs one.
    // On touch screens one finger scrolls the page past the map; two fingers move and zoom it.
    map = L.map(el, { scrollWheelZoom: false, maxZoom: 19, dragging: !L.Browser.mobile });
    if (window.PD && PD.maps) { PD.maps.track(el, map); }
    addTiles(map, el);
    cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    outlines = L.layerGroup();
    map.addLayer(cluster);
    map.on("zoomend", toggleOutlines);
    render(true);
  }

  // The filters swap the results (and the map's data) in place: draw the new projects on
  // the live map; a new page gets a new map.
  function build() {
    var el = document.getElementById("catalogue-map");
    if (el && map && el.getAttribute("data-ready")) { render(true); } else { init(); }
  }
  if (window.PD && PD.maps) {
    PD.maps.register("catalogue", build, function () { map = null; cluster = null; outlines = null; });
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
