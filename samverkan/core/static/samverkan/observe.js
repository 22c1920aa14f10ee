// The observation form's map: tap or click to mark the place, or use the
// device's position. Writes longitude/latitude into the hidden inputs.
(function () {
  const element = document.getElementById("observe-map");
  if (!element || !window.L) {
    return;
  }
  const lon = document.getElementById("id_longitude");
  const lat = document.getElementById("id_latitude");
  const status = document.getElementById("place-status");
  const map = window.samverkanMap(element, () => {
    if (element.dataset.view === "street" && !element.dataset.marked) {
      whole();
      element.dataset.view = "whole";
    }
  });
  const bounds = (element.dataset.bounds || "").split(",").map(Number);
  const street = (element.dataset.street || "").split(",").map(Number);
  const whole = () => {
    if (bounds.length === 4 && bounds.every((v) => !Number.isNaN(v))) {
      map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);
    } else {
      map.setView([62.5, 16.5], 4);  // no outline: Sweden
    }
  };
  // The district's outline, so the edge is clear at any zoom.
  const outline = document.getElementById("observe-outline");
  if (outline) {
    L.geoJSON(JSON.parse(outline.textContent), {
      style: { color: "#0b4f8a", weight: 3, fillOpacity: 0.04 },
      interactive: false,
    }).addTo(map);
  }
  // Over a background map it opens at street level inside the district;
  // without one, streets cannot be seen, so it shows the whole district.
  if (street.length === 2 && street.every((v) => !Number.isNaN(v)) && document.body.dataset.mapTiles) {
    map.setView(street, 15);
    element.dataset.view = "street";
  } else {
    whole();
    element.dataset.view = "whole";
  }

  let marker = null;
  function mark(latlng, text) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#a4141c", weight: 3 }).addTo(map);
    }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    status.textContent = text + " (" + lat.value + ", " + lon.value + ")";
    element.dataset.marked = "1";
  }
  if (lon.value && lat.value) {
    mark(L.latLng(Number(lat.value), Number(lon.value)), status.textContent);
  }
  map.on("click", (event) => mark(event.latlng, element.dataset.markedText || "✓"));
  // Without a pointer: the arrow keys move the map, + and - zoom, and
  // Enter or Space marks the place at the map's centre.
  element.addEventListener("keydown", (event) => {
    if (event.target === element && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      mark(map.getCenter(), element.dataset.markedText || "✓");
    }
  });
  document.getElementById("use-position").addEventListener("click", () => {
    if (!navigator.geolocation) {
      return;
    }
    navigator.geolocation.getCurrentPosition((position) => {
      const here = L.latLng(position.coords.latitude, position.coords.longitude);
      map.setView(here, 16);
      mark(here, "✓");
    });
  });
})();
