// The city map: every current district, shaded by the chosen indicator's
// latest complete year, with a legend naming the indicator, period, unit and
// range. A district links to its page. The table on the page holds the same figures.
(function () {
  const element = document.getElementById("city-map");
  if (!element || !window.L) {
    return;
  }
  const map = window.samverkanMap(element);
  const select = document.getElementById("city-shade");
  let layer = null;
  let legend = null;

  const lang = document.documentElement.lang || undefined;
  const number = (value) => value.toLocaleString(lang);

  function shade(value, min, max) {
    const strength = max > min ? (value - min) / (max - min) : 0.5;
    return `rgba(164, 20, 28, ${0.12 + 0.6 * strength})`;
  }

  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((collection) => {
      const byCode = Object.fromEntries(collection.indicators.map((i) => [i.code, i]));
      function draw() {
        const code = select ? select.value : "";
        const indicator = byCode[code];
        const values = collection.features.map((f) => f.properties.values[code]).filter((v) => v !== undefined);
        const min = Math.min(...values);
        const max = Math.max(...values);
        if (layer) {
          layer.remove();
        }
        layer = L.geoJSON(collection, {
          style: (f) => {
            const value = f.properties.values[code];
            return indicator && value !== undefined
              ? { color: "#1b1b1b", weight: 1.5, fillColor: shade(value, min, max), fillOpacity: 1 }
              : { color: "#0b4f8a", weight: 2, fillOpacity: 0.05 };
          },
          onEachFeature: (f, district) => {
            const value = f.properties.values[code];
            const text = indicator && value !== undefined ? `${f.properties.name}: ${number(value)} ${indicator.unit}` : f.properties.name;
            district.bindTooltip(window.samverkanText(text));
            district.on("click", () => { window.location.href = f.properties.url; });
          },
        }).addTo(map);
        if (legend) {
          legend.remove();
          legend = null;
        }
        if (indicator && values.length) {
          legend = L.control({ position: "bottomleft" });
          legend.onAdd = () => {
            const box = L.DomUtil.create("div", "map-legend");
            const title = L.DomUtil.create("p", "", box);
            title.textContent = `${indicator.name}, ${indicator.period}`;
            const row = L.DomUtil.create("p", "", box);
            L.DomUtil.create("span", "swatch", row);
            row.append(`${number(min)}–${number(max)} ${indicator.unit}`);
            if (indicator.whole !== null) {
              const whole = L.DomUtil.create("p", "", box);
              whole.textContent = `${element.dataset.wholeLabel || ""}${number(indicator.whole)}`;
            }
            return box;
          };
          legend.addTo(map);
        }
        element.dataset.shaded = code;
        element.dataset.legend = legend ? "1" : "0";
      }
      draw();
      if (select) {
        select.addEventListener("change", draw);
      }
      if (layer.getBounds().isValid()) {
        map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      } else {
        map.setView([62.5, 16.5], 4);  // no outlines: Sweden
      }
      element.dataset.loaded = String(collection.features.length);
    });
})();
