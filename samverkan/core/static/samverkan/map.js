// The district map: the area, its neighbourhoods (shaded by police events
// that name them), field observations and their hotspot grid, over the
// configured background map (ground.js), or on their own when it cannot load.
(function () {
  const element = document.getElementById("map");
  if (!element || !window.L) {
    return;
  }
  const map = window.samverkanMap(element);
  const labels = JSON.parse(document.getElementById("map-labels").textContent);

  function shade(count, max) {
    const strength = max ? count / max : 0;
    return `rgba(164, 20, 28, ${0.1 + 0.6 * strength})`;
  }

  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((collection) => {
      const byKind = (kind) => collection.features.filter((f) => f.properties.kind === kind);
      const maxEvents = Math.max(0, ...byKind("neighbourhood").map((f) => f.properties.police_events || 0));
      const maxHot = Math.max(0, ...byKind("hotspot").map((f) => f.properties.count));
      const outline = L.geoJSON({ type: "FeatureCollection", features: byKind("district").concat(byKind("neighbourhood")) }, {
        style: (f) => (f.properties.kind === "district"
          ? { color: "#0b4f8a", weight: 3, fillOpacity: 0.05 }
          : { color: "#555", weight: 1, dashArray: "4 3", fillOpacity: 0.02 }),
        onEachFeature: (f, layer) => layer.bindTooltip(window.samverkanText(f.properties.name)),
      }).addTo(map);
      const overlays = {};
      if (maxEvents) {
        overlays[labels.events] = L.geoJSON({ type: "FeatureCollection", features: byKind("neighbourhood") }, {
          style: (f) => ({ color: "#555", weight: 1, fillColor: shade(f.properties.police_events || 0, maxEvents), fillOpacity: 1 }),
          // null: a small count, not shown (as ".." in the tables).
          onEachFeature: (f, layer) => layer.bindTooltip(window.samverkanText(`${f.properties.name}: ${f.properties.police_events === null ? ".." : f.properties.police_events}`)),
        });
      }
      if (byKind("hotspot").length) {
        overlays[labels.hotspots] = L.geoJSON({ type: "FeatureCollection", features: byKind("hotspot") }, {
          style: (f) => ({ stroke: false, fillColor: shade(f.properties.count, maxHot), fillOpacity: 1 }),
          onEachFeature: (f, layer) => layer.bindTooltip(window.samverkanText(`${labels.observations}: ${f.properties.count}`)),
        }).addTo(map);
        overlays[labels.observations] = L.geoJSON({ type: "FeatureCollection", features: byKind("observation") }, {
          pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: "#1b1b1b", weight: 1, fillColor: "#ffbf47", fillOpacity: 1 }),
          onEachFeature: (f, layer) => layer.bindTooltip(window.samverkanText(f.properties.name)),
        }).addTo(map);
      }
      if (Object.keys(overlays).length) {
        L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      }
      // The legend: what each shaded layer counts, over which period, and its range.
      const rows = [];
      const period = collection.events_period || {};
      if (maxEvents) {
        rows.push(`${labels.events}${period.first ? ` (${period.first} – ${period.last})` : ""}: 0–${maxEvents}`);
      }
      if (maxHot) {
        // From the smallest count a square is drawn for (the suppression limit for readers
        // who do not record observations).
        rows.push(`${labels.hotspots}: ${collection.hotspots_from || 1}–${maxHot}`);
      }
      if (rows.length) {
        const legend = L.control({ position: "bottomleft" });
        legend.onAdd = () => {
          const box = L.DomUtil.create("div", "map-legend");
          for (const text of rows) {
            const row = L.DomUtil.create("p", "", box);
            L.DomUtil.create("span", "swatch", row);
            row.append(text);
          }
          return box;
        };
        legend.addTo(map);
        element.dataset.legend = String(rows.length);
      }
      if (outline.getBounds().isValid()) {
        map.fitBounds(outline.getBounds(), { padding: [10, 10] });
      } else {
        map.setView([62.5, 16.5], 4);  // no outlines: Sweden
      }
      element.dataset.loaded = String(collection.features.length);
      element.dataset.observations = String(byKind("observation").length);
      element.dataset.hotspots = String(byKind("hotspot").length);
    });
})();
