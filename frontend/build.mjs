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
    // The flows list page (dialogs) and the canvas editor with its layout worker.
    flows: resolve(here, "src/flows.ts"),
    editor: resolve(here, "src/editor/main.tsx"),
    "layout-worker": resolve(here, "src/editor/layout-worker.ts"),
  },
  outdir,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  jsx: "automatic",
  loader: { ".woff": "file", ".woff2": "file", ".svg": "file" },
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning",
});
console.log(`frontend built into static/editor/ in ${Math.round(performance.now() - started)} ms`);
