// The background map under the app's own layers: tiles from the configured
// server (SAMVERKAN_MAP_TILES), with its attribution. When tiles cannot be
// loaded (offline, blocked, or none configured) the polygons are the map and
// a note under it says so (and `onMissing`, if given, is called).
window.samverkanGround = function (map, element, onMissing) {
  const url = document.body.dataset.mapTiles;
  const note = document.createElement("p");
  note.className = "map-note muted";
  note.setAttribute("role", "status");
  element.insertAdjacentElement("afterend", note);
  const missing = () => {
    note.textContent = document.body.dataset.mapTilesMissing;
    element.dataset.ground = "missing";
    if (onMissing) {
      onMissing();
    }
  };
  if (!url) {
    missing();
    return;
  }
  let loaded = 0;
  let failed = 0;
  const layer = L.tileLayer(url, {
    attribution: document.body.dataset.mapAttribution || "",
    maxZoom: 19,
    crossOrigin: false,
  });
  layer.on("tileload", () => {
    loaded += 1;
    element.dataset.ground = "tiles";
    note.textContent = "";
  });
  layer.on("tileerror", () => {
    failed += 1;
    if (!loaded && failed >= 2) {
      missing();
    }
  });
  layer.addTo(map);
  layer.bringToBack();
};

// A map with the boundaries' attribution over the ground: the one way every
// page makes its map.
// A tooltip's or popup's content as text, never as markup: an area's name
// (from a boundary file, a set-up document) is shown as it is written.
window.samverkanText = function (text) {
  const span = document.createElement("span");
  span.textContent = String(text);
  return span;
};

window.samverkanMap = function (element, onMissing) {
  const map = L.map(element, { attributionControl: true, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  if (document.body.dataset.boundaries) {
    map.attributionControl.addAttribution(document.body.dataset.boundaries);
  }
  window.samverkanGround(map, element, onMissing);
  return map;
};
