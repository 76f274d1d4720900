/**
 * What compiled cells call at run time (`__symtune_rt` in transform.ts): interrupt checks at
 * loop heads and after awaits, and module loading for the cell's imports.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { installCodeCache } from "./codecache.ts";
import type { CellInterrupt } from "./interrupt.ts";

export { KeyboardInterrupt } from "./interrupt.ts";

/**
 * What compiled cells call. Interrupt checks delegate to the executor's one CellInterrupt;
 * the rest resolves and loads the cell's imports.
 */
export class CellRuntime {
  /** Local files imported so far → the modification time they were loaded at. */
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly interruption: CellInterrupt,
    private readonly projectRoot: string,
    /** Where relative imports resolve from: the notebook's directory, or where `%cd` went. */
    public dir: string,
  ) {}

  /** The execution an `await` started in (compiled cells read it before awaiting). */
  get epoch(): number {
    return this.interruption.epoch;
  }

  /** At every loop head. */
  check(): void {
    this.interruption.check();
  }

  /** After every await: `after(epochBefore, await x)`. */
  after<T>(epoch: number, value: T): T {
    return this.interruption.after(epoch, value);
  }

  /**
   * `import ... from "symtune"` means this project's library, wherever the notebook is. A
   * local file gets its modification time as a query, so re-running an import cell after
   * editing the file loads the new version (Node caches modules by URL).
   */
  specifier(specifier: unknown): unknown {
    if (specifier === "symtune") return pathToFileURL(path.join(this.projectRoot, "lib", "index.ts")).href;
    if (typeof specifier === "string" && /^\.{0,2}\//.test(specifier) && !specifier.includes("?")) {
      const file = path.resolve(this.dir, specifier);
      try {
        const stat = fs.statSync(file);
        if (stat.isFile() && !file.includes(`${path.sep}node_modules${path.sep}`)) {
          const version = Math.floor(stat.mtimeMs);
          // A .ts file outside a "type": "module" package loads as CommonJS, cached by path.
          if (this.versions.get(file) !== version) delete require.cache[file];
          this.versions.set(file, version);
          return `${pathToFileURL(file).href}?v=${version}`;
        }
      } catch {
        // not a file: let the loader resolve it (and report it) as written
      }
    }
    return specifier;
  }

  /** Loads a cell's static import. */
  async load(specifier: string, importer: (specifier: unknown) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    return await this.interruption.protect(() => importer(this.specifier(specifier)));
  }

  /**
   * An import binding. tsx loads `.ts` files of a CommonJS package as CommonJS, so their
   * named exports may sit on `default`; esModuleInterop semantics for `default` itself.
   */
  pick(ns: Record<string, unknown>, name: string): unknown {
    if (name === "default") {
      const value = ns.default as { __esModule?: boolean; default?: unknown } | undefined;
      return value && value.__esModule && "default" in value ? value.default : value;
    }
    if (name in ns) return ns[name];
    const fallback = ns.default as Record<string, unknown> | undefined;
    return fallback !== null && typeof fallback === "object" ? fallback[name] : undefined;
  }
}

const require = createRequire(import.meta.url);
let tsxReady: Promise<void> | undefined;

/**
 * Cells import `.ts` files through Node's own module loader. The kernel's CLI registers tsx
 * there already; elsewhere (a test runner with its own loader) register it once. A probe
 * module tells which: a failed load is cached per URL, so the probe is never a user's file.
 */
export function ensureTypeScriptLoader(): Promise<void> {
  tsxReady ??= (async () => {
    const probe = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "ts-probe.ts")).href;
    const importer = new vm.Script("(specifier) => import(specifier)", {
      filename: fileURLToPath(import.meta.url),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext() as (specifier: string) => Promise<unknown>;
    try {
      await importer(probe);
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
      const { register } = await import("tsx/esm/api");
      register();
    }
    // A `.ts` file outside a "type": "module" package is CommonJS to Node; with only the ESM
    // hooks its `export` syntax fails ("require() ES Module in a cycle"). tsx's CommonJS
    // hooks compile it; they mark themselves by handling the .ts extension.
    if (!require.extensions[".ts"]) {
      const { register } = await import("tsx/cjs/api");
      register();
    }
    // Last, so it is in front of tsx's loader: the big CommonJS bundles behind `symtune` (tfjs).
    installCodeCache();
  })();
  return tsxReady;
}
