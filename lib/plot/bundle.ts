/**
 * The plotly.js bundle that figures carry into notebooks so they render offline. The
 * installed plotly.js-dist is unminified (~10 MB); we minify it once with esbuild (tsx's own
 * dependency) into .cache/ and fall back to the unminified file if esbuild is unavailable.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of the unminified plotly.js shipped by the plotly.js-dist package. */
export function plotlySourcePath(): string {
  return require.resolve("plotly.js-dist/plotly.js");
}

export function plotlyVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(plotlySourcePath()), "package.json"), "utf8"));
  return String(pkg.version);
}

let cached: string | null = null;

/** The minified bundle's text (memoised; the minified copy is cached on disk per version). */
export function plotlyBundle(): string {
  if (cached) return cached;
  const source = plotlySourcePath();
  const cacheDir = process.env.SYMTUNE_CACHE_DIR ?? join(projectRoot, ".cache");
  const target = join(cacheDir, `plotly-${plotlyVersion()}.min.js`);
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) {
    cached = readFileSync(target, "utf8");
    return cached;
  }
  const text = readFileSync(source, "utf8");
  try {
    const esbuild = require("esbuild") as typeof import("esbuild");
    cached = esbuild.transformSync(text, { minify: true, legalComments: "none", target: "es2020" }).code;
  } catch {
    cached = text; // larger notebooks, same figures
    return cached;
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, cached);
    renameSync(tmp, target); // atomic: a concurrent reader never sees half a file
  } catch {
    // an unwritable cache only costs the next process a second of minifying
  }
  return cached;
}
