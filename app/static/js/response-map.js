// One survey response's map markings on a small Leaflet map (staff response browser).
// The markings come as GeoJSON in the map element's data-geojson attribute (the CSP forbids
// inline scripts) and are also listed as text under the map, numbered like the markers.
(function () {
  "use strict";

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function draw(el) {
    var data;
    try {
      data = JSON.parse(el.dataset.geojson || "{}");
    } catch (e) {
      return;
    }
    if (!data.features || !data.features.length) return;
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      style: function () {
        return { color: "#005a9c", weight: 3, fillOpacity: 0.2 };
      },
      pointToLayer: function (feature, latlng) {
        return L.marker(latlng, {
          icon: L.divIcon({
            className: "marking-number",
            html: text(feature.properties.number),
            iconSize: [24, 24],
          }),
          alt: String(feature.properties.number),
        });
      },
      onEachFeature: function (feature, item) {
        var p = feature.properties;
        var parts = ["<p><strong>" + text(p.number) + ". " + text(p.question) + "</strong></p>"];
        if (p.category) parts.push("<p>" + text(p.category) + "</p>");
        if (p.comment) parts.push("<blockquote>" + text(p.comment) + "</blockquote>");
        item.bindPopup(parts.join(""));
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    } else {
      map.setView([59.3, 18.0], 11);
    }
  }

  document.querySelectorAll("#response-map").forEach(draw);
})();
