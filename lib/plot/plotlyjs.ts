/**
 * plotly.js, the script that draws figures: the published minified bundle of the pinned
 * plotly.js-dist-min package, read once per process. Figures carry it into notebooks so they
 * render offline (html.ts), and the static exporter loads it into Chromium (static.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Path of plotly.min.js in the installed plotly.js-dist-min package. */
export function plotlyScriptPath(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js");
}

export function plotlyVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(plotlyScriptPath()), "package.json"), "utf8"));
  return String(pkg.version);
}

let cached: string | null = null;

/** The minified plotly.js source text (~4.8 MB), memoised. */
export function plotlyScript(): string {
  cached ??= readFileSync(plotlyScriptPath(), "utf8");
  return cached;
}
