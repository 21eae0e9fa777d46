// Bundles assets/ into the Django static folder. Run by `make assets` (and so by make run/test).
// The output is generated and git-ignored: no built or third-party code is committed.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, "src/camwatch/web/static/camwatch/build");

await build({
  entryPoints: {
    site: path.join(root, "assets/js/site.js"),
  },
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ["es2020"],
  outdir,
  logLevel: "warning",
});
// The map is an ES module (MapLibre 6 ships only ES modules). Its web worker is bundled
// on its own, so the page can hand MapLibre a same-origin worker URL (setWorkerUrl).
await build({
  entryPoints: {
    map: path.join(root, "assets/js/map.js"),
    pick: path.join(root, "assets/js/pick.js"),
  },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  // MapLibre is shared by the map and the picker, in one chunk the browser caches once.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  target: ["es2022"],
  outdir,
  logLevel: "warning",
});
await build({
  entryPoints: {
    "maplibre-worker": path.join(root, "node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs"),
  },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2022"],
  outdir,
  logLevel: "warning",
});
await build({
  entryPoints: {
    site: path.join(root, "assets/css/site.css"),
    map: path.join(root, "assets/css/map.css"),
  },
  bundle: true,
  minify: true,
  outdir,
  logLevel: "warning",
});
