// The sightings map (/map/). The server clusters (GET /api/v1/sightings/clusters for the
// view's bbox and zoom), so the browser only ever holds a few hundred markers, whatever the
// number of sightings. Markers are buttons: they can be reached by keyboard and read aloud,
// and need no font glyphs, so the map works with no basemap server at all.
import { Marker, Popup } from "maplibre-gl";
import { createMap } from "./basemap.js";

const UK = [-8.7, 49.8, 1.8, 60.9];
const config = JSON.parse(document.getElementById("map-config").textContent);
const form = document.getElementById("map-filters");
const status = document.getElementById("map-status");
const note = document.getElementById("map-note");
const vendorNames = Object.fromEntries(
  Array.from(form.elements.vendor.options).map((option) => [option.value, option.text]),
);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function shade(concern, count) {
  if (concern === 0) return "other";
  return concern === count ? "concern" : "mixed";
}

function filters() {
  const params = new URLSearchParams();
  for (const name of ["vendor", "operator", "camera_type"]) {
    if (form.elements[name].value) params.set(name, form.elements[name].value);
  }
  if (form.elements.concern.checked) params.set("concern", "true");
  if (form.elements.pending && form.elements.pending.checked) params.set("pending", "true");
  return params;
}

function viewBbox(map) {
  // A margin around the view, so a short pan shows markers at once.
  const bounds = map.getBounds();
  const padX = (bounds.getEast() - bounds.getWest()) * 0.15;
  const padY = (bounds.getNorth() - bounds.getSouth()) * 0.15;
  const west = Math.max(-180, bounds.getWest() - padX);
  const east = Math.min(180, bounds.getEast() + padX);
  const south = Math.max(-85, bounds.getSouth() - padY);
  const north = Math.min(85, bounds.getNorth() + padY);
  return [west, south, east, north].map((value) => value.toFixed(6)).join(",");
}

function sightingsText(count) {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? "sighting" : "sightings"}`;
}

function describe(properties) {
  const { count, concern } = properties;
  if (count === 1) return concern ? "camera, vendor of concern" : "camera";
  return `${count} cameras, ${concern} of a vendor of concern; zoom in`;
}

function markerFor(map, feature) {
  const { properties } = feature;
  const single = properties.id !== undefined;
  const button = element("button", `marker ${single ? "point" : "cluster"} ${shade(properties.concern, properties.count)}`);
  button.type = "button";
  button.setAttribute("aria-label", describe(properties));
  if (single) button.dataset.sightingId = properties.id;
  else button.textContent = properties.count >= 10000 ? `${Math.round(properties.count / 1000)}k` : properties.count;
  const [lon, lat] = feature.geometry.coordinates;
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    if (single) openSighting(map, properties.id, [lon, lat], properties.concern);
    else map.easeTo({ center: [lon, lat], zoom: Math.min(map.getZoom() + 2, map.getMaxZoom()) });
  });
  return new Marker({ element: button }).setLngLat([lon, lat]);
}

function row(list, label, value) {
  if (value === null || value === undefined || value === "") return;
  list.append(element("dt", null, label), element("dd", null, value));
}

function sightingPopup(data, concern) {
  const box = element("div", "popup");
  const vendor = data.vendor ? vendorNames[data.vendor] || data.vendor : "unknown vendor";
  box.append(element("p", "popup-title", `${data.camera_type.replace("_", " ")} camera, ${vendor}`));
  if (concern) box.append(element("p", "badge concern", "vendor of concern"));
  const list = element("dl");
  row(list, "Model", data.model_as_seen);
  row(list, "Operator", data.operator_name || data.operator_body || "unknown");
  row(list, "Street", [data.street, data.area].filter(Boolean).join(", "));
  row(list, "Seen", data.observed_at ? data.observed_at.slice(0, 10) : null);
  row(list, "Pointing", data.direction_text);
  box.append(list);
  for (const url of data.photos) {
    const img = element("img", "popup-photo");
    img.src = url;
    img.alt = "Photo of the camera (faces and number plates blurred)";
    box.append(img);
  }
  if (data.source) box.append(sourceLine("", data.source, "Source"));
  return box;
}

// A paragraph linking to a source's page on this site.
function sourceLine(lead, key, text) {
  const link = element("a", null, text);
  link.href = `${config.source}${encodeURIComponent(key)}/`;
  const line = element("p", null, lead);
  line.append(link);
  return line;
}

async function openSighting(map, id, lngLat, concern) {
  const response = await fetch(`${config.sighting}${id}`);
  if (!response.ok) return;
  const popup = new Popup({ maxWidth: "320px" }).setLngLat(lngLat);
  popup.setDOMContent(sightingPopup(await response.json(), concern)).addTo(map);
}

function surveyPopup(properties) {
  const box = element("div", "popup");
  box.append(element("p", "popup-title", `${properties.name}, ${properties.locality}`));
  const what = element("p", null, "A street named by ");
  const link = element("a", null, properties.investigation_title);
  link.href = properties.investigation_url;
  what.append(link, properties.count ? ` (${properties.count} cameras here).` : ".");
  box.append(what);
  if (properties.quote) box.append(element("blockquote", null, properties.quote));
  box.append(element("p", "muted", `Position: ${properties.coordinates_method}`));
  box.append(sourceLine("Source: ", properties.source, properties.source_title));
  return box;
}

function surveyMarker(feature) {
  const button = element("button", "marker survey");
  button.type = "button";
  button.setAttribute("aria-label", `${feature.properties.name}: street named by a survey`);
  button.dataset.survey = feature.properties.name;
  // The marker's own popup: MapLibre opens it on the click without treating the click as
  // one on the map, which would close it again.
  const popup = new Popup({ maxWidth: "320px", offset: 10 }).setDOMContent(surveyPopup(feature.properties));
  return new Marker({ element: button }).setLngLat(feature.geometry.coordinates).setPopup(popup);
}

class SightingsLayer {
  constructor(map) {
    this.map = map;
    this.markers = [];
    this.request = null;
  }

  async refresh() {
    status.textContent = "Loading sightings…";
    const params = filters();
    params.set("bbox", viewBbox(this.map));
    params.set("zoom", String(Math.floor(this.map.getZoom())));
    if (this.request) this.request.abort();
    this.request = new AbortController();
    let data;
    try {
      const response = await fetch(`${config.clusters}?${params}`, { signal: this.request.signal });
      data = await response.json();
      if (!response.ok) throw new Error(data.detail || response.statusText);
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = `The sightings could not be loaded: ${error.message}`;
      return;
    }
    this.draw(data);
  }

  draw(data) {
    for (const marker of this.markers) marker.remove();
    this.markers = data.features.map((feature) => markerFor(this.map, feature).addTo(this.map));
    status.textContent = `${sightingsText(data.in_view)} in and around this view; ${data.total.toLocaleString("en-GB")} in all match the filters.`;
    this.map.getContainer().dataset.loaded = String(Date.now());
  }
}

class SurveysLayer {
  constructor(map) {
    this.map = map;
    this.markers = [];
  }

  async load() {
    const response = await fetch(config.surveys);
    if (!response.ok) return;
    const data = await response.json();
    this.markers = data.features.map((feature) => surveyMarker(feature));
    this.toggle();
  }

  toggle() {
    const hidden = form.elements.surveys.checked;
    for (const marker of this.markers) {
      if (hidden) marker.remove();
      else marker.addTo(this.map);
    }
  }
}

async function start() {
  const map = await createMap("map", config, { bounds: UK, hash: true }, note);
  window.camwatchMap = map;
  const sightings = new SightingsLayer(map);
  const surveys = new SurveysLayer(map);
  // Markers need no style, so they load at once: a basemap that fails to load (a
  // configured server down) leaves the cameras on the map.
  sightings.refresh();
  surveys.load();
  map.on("moveend", () => sightings.refresh());
  form.addEventListener("change", (event) => {
    if (event.target.name === "surveys") return surveys.toggle();
    const url = new URL(window.location.href);
    url.search = filters().toString();
    window.history.replaceState(null, "", url);
    return sightings.refresh();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
}

start();
