/**
 * V8's code cache for the large CommonJS bundles a notebook's first `import … from "symtune"`
 * loads (@tensorflow/tfjs and its packages: ~7 MB of JavaScript in 8 files). Node 20 has no
 * module compile cache; compiling them costs ~0.5 s of CPU, and Node also reads each bundle's
 * multi-megabyte source map (tsx turns source maps on) and tsx scans each for ESM syntax.
 * Here such a file is compiled with vm.Script and the cache V8 made last time (kept next to
 * TypeScript's, kernel/exec/ts.ts), skipping all three. Errors inside them then show the
 * bundle's own positions, which is what a user could open anyway.
 *
 * Only installed packages' files (they do not change while the kernel runs; the cache key
 * has their size, mtime and Node's version) and only large ones; a file that does not compile
 * as CommonJS (ESM syntax in a .js file) goes to the loader that was there before. Their ESM
 * export names are the other half of the cost: cjs-names.ts.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

/** Below this a file compiles in a few milliseconds: not worth a cache file. */
const MIN_BYTES = 200_000;

type Loader = (module: Module, filename: string) => void;
type LoadedModule = Module & { filename: string; paths: string[]; loaded: boolean };

let installed = false;

/** Puts the cached loader in front of whatever loads `.js` files now (tsx's, Node's). */
export function installCodeCache(): void {
  if (installed || process.env.SYMTUNE_CODE_CACHE === "0") return;
  installed = true;
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const previous = extensions[".js"]!;
  const notScripts = new Set<string>();
  extensions[".js"] = (module, filename) => {
    if (!filename.includes(`${path.sep}node_modules${path.sep}`) || notScripts.has(filename)) return previous(module, filename);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(filename);
    } catch {
      return previous(module, filename);
    }
    if (stat.size < MIN_BYTES || !runCached(module, filename, stat)) {
      notScripts.add(filename);
      previous(module, filename);
    }
  };
}

function cacheFile(filename: string, stat: fs.Stats): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const key = createHash("sha1").update(`${filename}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 20);
  return path.join(base, "symtune", "v8", `${path.basename(filename, ".js")}-${key}.cache`);
}

/**
 * Compiles and runs `filename` as CommonJS into `module` with V8's code cache (made after the
 * first run); false when it does not compile as CommonJS.
 */
export function runCached(target: Module, filename: string, stat = fs.statSync(filename)): boolean {
  const module = target as LoadedModule;
  const cache = cacheFile(filename, stat);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cache);
  } catch {
    cachedData = undefined;
  }
  let script: vm.Script;
  try {
    script = new vm.Script(Module.wrap(fs.readFileSync(filename, "utf8")), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    return false; // ESM syntax or the like: the usual loader knows what to do with it
  }
  module.filename = filename;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      // Made after the module ran, so it holds the functions its start-up compiled too.
      fs.mkdirSync(path.dirname(cache), { recursive: true });
      const tmp = `${cache}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cache);
    } catch {
      // No cache directory: the next start compiles again; nothing else is lost.
    }
  }
  return true;
}
