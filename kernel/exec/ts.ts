/**
 * The TypeScript compiler, loaded the fast way. An ESM `import ts from "typescript"` makes
 * Node scan the 9 MB CommonJS file for its export names (and tsx's hooks read it again):
 * ~1.3 s of CPU on a 2-core box, paid before the kernel's first cell. `require` skips that
 * scan, and V8's code cache (kept next to the user's other caches) skips most of the
 * compilation: ~0.1 s. Every kernel/exec module takes `ts` from here; types come from
 * `import type * as TS from "typescript"`, which loads nothing.
 */
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import type * as TS from "typescript";

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

function cacheFile(file: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const stat = fs.statSync(file);
  // One cache per TypeScript file and Node version: V8 rejects data from another build anyway.
  const key = `${path.basename(path.dirname(path.dirname(file)))}-${stat.size}-${Math.round(stat.mtimeMs)}-${process.version}`;
  return path.join(base, "symtune", `typescript-${key}.v8cache`);
}

function loadWithCodeCache(file: string): typeof TS {
  const cache = cacheFile(file);
  const cachedData = fs.existsSync(cache) ? fs.readFileSync(cache) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
  const mod = new Module(file) as Module & { filename: string; paths: string[]; loaded: boolean };
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      fs.mkdirSync(path.dirname(cache), { recursive: true });
      const tmp = `${cache}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cache);
    } catch {
      // No cache directory: the next start compiles again; nothing else is lost.
    }
  }
  return mod.exports as typeof TS;
}

const ts: typeof TS = load();
export default ts;
