// Results map of the analysis pages: every contribution with a place (points, lines, areas),
// a density grid and the Gi* hotspot cells, loaded from the page's JSON endpoint (data-url).
// The page states the counts and lists the hotspot cells in a table, so it reads without this
// script; the CSP forbids inline scripts, so everything the map needs comes as data- attributes.
(function () {
  "use strict";

  var COLOURS = { positive: "#1b7837", negative: "#b2182b", neutral: "#4d4d4d", mixed: "#8c6d1f" };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function popup(p, el) {
    var parts = ["<p><strong>" + text(p.kind) + "</strong> · " + text(p.valence_label) + "</p>"];
    if (p.question) parts.push("<p>" + text(p.question) + "</p>");
    if (p.category) parts.push("<p>" + text(el.dataset.categoryLabel) + ": " + text(p.category) + "</p>");
    if (p.themes && p.themes.length) parts.push("<p>" + text(el.dataset.themesLabel) + ": " + text(p.themes.join(", ")) + "</p>");
    if (p.text) parts.push("<blockquote>" + text(p.text) + "</blockquote>");
    parts.push('<p class="muted">' + text(p.id) + "</p>");
    return parts.join("");
  }

  function featureStyle(feature) {
    var colour = COLOURS[feature.properties.valence] || COLOURS.neutral;
    if (feature.geometry.type === "Point") {
      // Points: filled circles with a white ring (negative ones a little larger, thicker ring).
      var negative = feature.properties.valence === "negative";
      return { color: "#fff", weight: negative ? 2 : 1, fillColor: colour, fillOpacity: 0.9 };
    }
    // Lines and areas of negative contributions are dashed, so valence is not told by colour alone.
    return {
      color: colour,
      weight: 3,
      dashArray: feature.properties.valence === "negative" ? "6 4" : null,
      fillOpacity: 0.25,
    };
  }

  function draw(el, data) {
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var overlays = {};
    var bounds = [];

    var places = L.geoJSON(data.features, {
      style: featureStyle,
      pointToLayer: function (feature, latlng) {
        var negative = feature.properties.valence === "negative";
        return L.circleMarker(latlng, {
          radius: negative ? 7 : 6,
          color: "#fff",
          weight: negative ? 2 : 1,
          fillColor: COLOURS[feature.properties.valence] || COLOURS.neutral,
          fillOpacity: 0.9,
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popup(feature.properties, el));
      },
    });
    if (data.features.length) {
      places.addTo(map);
      overlays[el.dataset.placesLabel] = places;
      bounds.push(places.getBounds());
    }

    var top = 1;
    data.density.forEach(function (c) { top = Math.max(top, c.count); });
    var density = L.layerGroup(
      data.density.map(function (c) {
        var shape = L.polygon(c.corners, {
          stroke: false,
          fillColor: "#5e3c99",
          fillOpacity: 0.15 + 0.6 * (c.count / top),
        });
        shape.bindTooltip(c.text + " " + el.dataset.countLabel);
        return shape;
      })
    );
    if (data.density.length) {
      overlays[el.dataset.densityLabel] = density;
      if (!data.features.length) density.addTo(map);
      bounds.push(L.featureGroup(density.getLayers()).getBounds());
    }

    var hot = L.layerGroup(
      data.hotspots.map(function (c) {
        var isHot = c.kind === "hot";
        var shape = L.polygon(c.corners, {
          color: isHot ? "#a4161a" : "#1d4e89",
          weight: 2,
          dashArray: isHot ? null : "6 4",
          fillOpacity: 0.2,
        });
        shape.bindTooltip((isHot ? el.dataset.hotLabel : el.dataset.coldLabel) + ": " + c.count + " (z " + c.z_text + ")");
        return shape;
      })
    );
    if (data.hotspots.length) {
      hot.addTo(map);
      overlays[el.dataset.hotspotsLabel] = hot;
    }

    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    if (bounds.length) {
      var all = bounds[0];
      bounds.slice(1).forEach(function (b) { all.extend(b); });
      map.fitBounds(all, { padding: [20, 20], maxZoom: 17 });
    } else {
      map.setView([59.33, 18.06], 11);
    }
  }

  function init() {
    var el = document.getElementById("results-map");
    if (!el || el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { draw(el, data); });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
