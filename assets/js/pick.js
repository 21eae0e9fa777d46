// The sighting form (/sightings/new/): select a point on the map to fill latitude and
// longitude. The marker follows the fields too, so a position typed, found by "Use my
// location" or read from a photo's GPS shows where it is. Without JavaScript the fields
// are typed as before.
import { Marker } from "maplibre-gl";
import { createMap } from "./basemap.js";

const UK = [-8.7, 49.8, 1.8, 60.9];
const config = JSON.parse(document.getElementById("pick-config").textContent);
const latitude = document.getElementById("id_latitude");
const longitude = document.getElementById("id_longitude");
const accuracy = document.getElementById("id_accuracy_m");
const status = document.getElementById("location-status");

function typedPoint() {
  const lat = Number.parseFloat(latitude.value);
  const lon = Number.parseFloat(longitude.value);
  const valid = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return valid ? [lon, lat] : null;
}

async function start() {
  const container = document.getElementById("pick-map");
  container.hidden = false;
  const map = await createMap("pick-map", config, { bounds: UK });
  window.camwatchPickMap = map;
  const marker = new Marker({ color: "#b3261e" });

  function show(point, zoom) {
    if (!point) return marker.remove();
    marker.setLngLat(point).addTo(map);
    if (zoom) map.easeTo({ center: point, zoom: Math.max(map.getZoom(), zoom) });
  }

  map.on("click", (event) => {
    latitude.value = event.lngLat.lat.toFixed(6);
    longitude.value = event.lngLat.lng.toFixed(6);
    // A point picked on a map is as good as the reader's eye: say so, unless they did.
    if (!accuracy.value) accuracy.value = "25";
    show([event.lngLat.lng, event.lngLat.lat]);
    status.textContent = "Position filled in from the map.";
  });
  for (const field of [latitude, longitude]) {
    field.addEventListener("change", () => show(typedPoint(), 16));
  }
  show(typedPoint(), 16);
}

start();
