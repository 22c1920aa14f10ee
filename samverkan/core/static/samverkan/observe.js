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
  const map = L.map(element);
  window.samverkanGround(map, element);
  const bounds = (element.dataset.bounds || "").split(",").map(Number);
  if (bounds.length === 4 && bounds.every((v) => !Number.isNaN(v))) {
    map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);
  } else {
    map.setView([59.33, 18.06], 11);
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
