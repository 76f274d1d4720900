/**
 * The TypeScript compiler, loaded the fast way. An ESM `import ts from "typescript"` makes
 * Node scan the 9 MB CommonJS file for its export names (and tsx's hooks read it again):
 * ~1.3 s of CPU on a 2-core box, paid before the kernel's first cell. `require` skips that
 * scan, and V8's code cache (kept next to the user's other caches) skips most of the
 * compilation (codecache.ts): ~0.1 s. Every kernel/exec module takes `ts` from here; types come from
 * `import type * as TS from "typescript"`, which loads nothing.
 */
import Module, { createRequire } from "node:module";
import type * as TS from "typescript";
import { runCached } from "./codecache.ts";

const require = createRequire(import.meta.url);

function load(): typeof TS {
  const file = require.resolve("typescript");
  const cached = require.cache[file];
  if (cached?.loaded) return cached.exports as typeof TS;
  try {
    return loadWithCodeCache(file);
  } catch {
    return require("typescript") as typeof TS;
  }
}

function loadWithCodeCache(file: string): typeof TS {
  const mod = new Module(file) as Module & { loaded: boolean };
  if (!runCached(mod, file)) throw new Error(`${file} does not compile as CommonJS`);
  mod.loaded = true;
  require.cache[file] = mod;
  return mod.exports as typeof TS;
}

const ts: typeof TS = load();
export default ts;
