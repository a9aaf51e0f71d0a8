// Bundles the canvas and the site styles into ../static/editor/ (git-ignored).
// Reproducible: no timestamps, fixed entry names, minified, production React.
import * as esbuild from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, "../static/editor");
mkdirSync(outdir, { recursive: true });

const started = performance.now();
await esbuild.build({
  entryPoints: {
    site: resolve(here, "src/site.ts"),
  },
  outdir,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  loader: { ".woff": "file", ".woff2": "file", ".svg": "file" },
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning",
});
console.log(`frontend built into static/editor/ in ${Math.round(performance.now() - started)} ms`);
