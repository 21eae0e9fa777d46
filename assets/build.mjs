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
await build({
  entryPoints: { site: path.join(root, "assets/css/site.css") },
  bundle: true,
  minify: true,
  outdir,
  logLevel: "warning",
});
