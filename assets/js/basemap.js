// What every map on the site shares: MapLibre with its same-origin worker, and the
// basemap the site is configured with (CAMWATCH_MAP_BASEMAP): a style URL, raster tiles, a
// local PMTiles file, or, with none, the bundled UK boundaries, so a map is never blank
// and nothing is fetched from elsewhere unless configured.
import { Map, NavigationControl, addProtocol, setWorkerUrl } from "maplibre-gl";
import { PMTiles, Protocol, TileType } from "pmtiles";

function boundaryStyle(config) {
  return {
    version: 8,
    sources: { uk: { type: "geojson", data: config.boundaries, attribution: config.basemap.attribution } },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#dcebf3" } },
      { id: "land", type: "fill", source: "uk", paint: { "fill-color": "#f6f4ee" } },
      { id: "borders", type: "line", source: "uk", paint: { "line-color": "#7d7d7d", "line-width": 1 } },
    ],
  };
}

function rasterStyle(tiles, attribution, zooms = {}) {
  return {
    version: 8,
    sources: { base: { type: "raster", tiles: [tiles], tileSize: 256, attribution, ...zooms } },
    layers: [{ id: "base", type: "raster", source: "base" }],
  };
}

// A local PMTiles archive: raster tiles are drawn as they are; vector tiles get plain
// lines and fills for every layer the archive lists (no labels: those need glyph files).
async function pmtilesStyle(url, attribution) {
  const protocol = new Protocol();
  addProtocol("pmtiles", protocol.tile);
  const archive = new PMTiles(new URL(url, window.location.origin).href);
  protocol.add(archive);
  const header = await archive.getHeader();
  const source = `pmtiles://${archive.source.getKey()}`;
  // Past the archive's deepest zoom, MapLibre enlarges its tiles rather than asking for
  // tiles the archive does not have.
  const zooms = { minzoom: header.minZoom, maxzoom: header.maxZoom };
  if (header.tileType !== TileType.Mvt) return rasterStyle(`${source}/{z}/{x}/{y}`, attribution, zooms);
  const metadata = await archive.getMetadata();
  const layers = (metadata.vector_layers || []).flatMap(({ id }) => [
    { id: `${id}-fill`, type: "fill", source: "base", "source-layer": id,
      filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#eeece6" } },
    { id: `${id}-line`, type: "line", source: "base", "source-layer": id,
      paint: { "line-color": "#a9a9a9", "line-width": 0.6 } },
  ]);
  return {
    version: 8,
    sources: { base: { type: "vector", tiles: [`${source}/{z}/{x}/{y}`], attribution, ...zooms } },
    layers: [{ id: "paper", type: "background", paint: { "background-color": "#f6f4ee" } }, ...layers],
  };
}

async function baseStyle(config) {
  const { kind, url, attribution } = config.basemap;
  if (kind === "pmtiles") return pmtilesStyle(url, attribution);
  if (kind === "raster") return rasterStyle(url, attribution);
  if (kind === "style") return url;
  return boundaryStyle(config);
}

// A map in `container`; `note` (optional) says when part of the basemap fails to load,
// which never stops the markers drawn over it.
export async function createMap(container, config, options, note) {
  setWorkerUrl(new URL(config.worker, window.location.origin).href);
  const map = new Map({
    container,
    style: await baseStyle(config),
    maxZoom: 20,
    attributionControl: { compact: false },
    ...options,
  });
  map.addControl(new NavigationControl({ showCompass: false }));
  map.on("error", (event) => {
    if (!note) return;
    note.hidden = false;
    note.textContent = `Part of the basemap could not be loaded (${event.error?.message || "error"}); the markers are unaffected.`;
  });
  return map;
}
