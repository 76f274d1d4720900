/**
 * `%load_ext`: the extension API, IPython's `load_ipython_extension` for symtune.
 *
 * An extension is an npm package or a local module (`./my_magics.ts`) that exports a loader
 * function, as its default export or under the name `load_symtune_extension`:
 *
 *   import type { ExtensionAPI } from "symtune/kernel/magics/extensions.ts";
 *   export default function (api: ExtensionAPI) {
 *     api.registerMagic({
 *       name: "hello", mode: "line", summary: "Greets someone",
 *       args: [{ name: "who", help: "whom to greet", required: true }],
 *       run: (args) => api.display.markdown(`**hello ${args.who}**`),
 *     });
 *   }
 *
 * The loader receives `registerMagic` (the registry's, with the same MagicSpec), `display`
 * (lib/display) and `UsageError` (throw it for user mistakes: one line, no traceback). It may
 * be async. If it throws, every magic it registered is rolled back. Local paths resolve
 * against the kernel's working directory (the notebook's folder); package names resolve from
 * node_modules there and upwards, then from symtune's own node_modules.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { display } from "../../lib/display/display.ts";
import { UsageError } from "../../lib/errors.ts";
import { getMagic, registerMagic, unregisterMagic } from "./registry.ts";
import type { MagicContext, MagicSpec } from "./types.ts";

export interface ExtensionAPI {
  registerMagic(spec: MagicSpec): void;
  display: typeof display;
  UsageError: typeof UsageError;
}

export type ExtensionLoader = (api: ExtensionAPI) => void | Promise<void>;

/** Resolved module path → the magics its loader registered. */
const loaded = new Map<string, string[]>();
let reloads = 0;

/**
 * Imports the extension and calls its loader; returns the names of the magics it registered.
 * Loading an already-loaded extension does nothing (use reloadExtension).
 */
export async function loadExtension(
  specifier: string,
  ctx: Pick<MagicContext, "print">,
  cwd: string = process.cwd(),
): Promise<string[]> {
  const file = resolveExtension(specifier, cwd);
  if (loaded.has(file)) {
    ctx.print(`The extension ${specifier} is already loaded; %reload_ext ${specifier} loads it again.\n`);
    return loaded.get(file)!;
  }
  return await load(specifier, file, pathToFileURL(file).href, ctx);
}

/** Re-imports the module itself (not its dependencies) and runs its loader again. */
export async function reloadExtension(
  specifier: string,
  ctx: Pick<MagicContext, "print">,
  cwd = process.cwd(),
): Promise<string[]> {
  const file = resolveExtension(specifier, cwd);
  for (const name of loaded.get(file) ?? []) unregisterMagic(name);
  loaded.delete(file);
  // A new query string is a new module to the ESM loader, so the file is read again.
  return await load(specifier, file, `${pathToFileURL(file).href}?reload=${++reloads}`, ctx);
}

async function load(specifier: string, file: string, url: string, ctx: Pick<MagicContext, "print">): Promise<string[]> {
  const mod = (await import(url)) as Record<string, unknown>;
  const loader = pickLoader(mod);
  if (!loader) {
    throw new UsageError(
      `%load_ext: ${specifier} exports no extension function; export a default function (or load_symtune_extension) that receives { registerMagic, display }`,
    );
  }
  const registered: string[] = [];
  const replaced = new Map<string, MagicSpec | undefined>();
  const api: ExtensionAPI = {
    registerMagic(spec) {
      if (!replaced.has(spec?.name)) replaced.set(spec?.name, getMagic(spec?.name ?? ""));
      registerMagic(spec);
      if (!registered.includes(spec.name)) registered.push(spec.name);
    },
    display,
    UsageError,
  };
  try {
    await loader(api);
  } catch (error) {
    for (const [name, previous] of replaced) {
      if (previous) registerMagic(previous);
      else if (name) unregisterMagic(name);
    }
    throw error;
  }
  loaded.set(file, registered);
  const names = registered.map((n) => describe(getMagic(n)!));
  ctx.print(`Loaded ${specifier}: ${names.length ? names.join(", ") : "no magics registered"}\n`);
  return registered;
}

function describe(spec: MagicSpec): string {
  return spec.mode === "line" ? `%${spec.name}` : spec.mode === "cell" ? `%%${spec.name}` : `%${spec.name}, %%${spec.name}`;
}

function pickLoader(mod: Record<string, unknown>): ExtensionLoader | undefined {
  const fallback = mod.default as Record<string, unknown> | undefined;
  const candidates = [mod.load_symtune_extension, fallback?.load_symtune_extension, mod.default];
  return candidates.find((c): c is ExtensionLoader => typeof c === "function");
}

/** The absolute file of a local module path or an npm package name. */
export function resolveExtension(specifier: string, cwd: string): string {
  const spec = specifier.trim();
  if (!spec) throw new UsageError("%load_ext: name a module: %load_ext ./my_magics.ts or %load_ext some-package");
  if (/^(\.{1,2}[/\\]|\/|file:)/.test(spec) || /\.(m?[jt]s)$/.test(spec)) return resolveLocal(spec, cwd);
  return resolvePackage(spec, cwd);
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

function resolveLocal(spec: string, cwd: string): string {
  const base = path.resolve(cwd, spec.startsWith("file:") ? fileURLToPath(spec) : spec);
  const tries = [base, `${base}.ts`, `${base}.js`, `${base}.mjs`, path.join(base, "index.ts"), path.join(base, "index.js")];
  const found = tries.find(isFile);
  if (!found) throw new UsageError(`%load_ext: no module at ${spec} (looked for ${base} with .ts/.js/.mjs)`);
  return found;
}

function resolvePackage(spec: string, cwd: string): string {
  const match = /^((?:@[\w.-]+\/)?[\w.-]+)(\/.*)?$/.exec(spec);
  if (!match) throw new UsageError(`%load_ext: '${spec}' is neither a package name nor a path (local modules start with ./)`);
  const [, name, sub] = match as unknown as [string, string, string | undefined];
  const subpath = sub ? `.${sub}` : ".";
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const start of [cwd, here]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const pkgDir = path.join(dir, "node_modules", name);
      if (isFile(path.join(pkgDir, "package.json"))) return packageEntry(spec, pkgDir, subpath);
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new UsageError(`%load_ext: cannot find package '${name}' in node_modules from ${cwd} upwards; npm install ${name} first`);
}

/** Node's ESM entry for a package directory: "exports" (import/node/default), then module/main. */
function packageEntry(spec: string, pkgDir: string, subpath: string): string {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as Record<string, unknown>;
  let target: string | null = null;
  if (pkg.exports !== undefined) {
    const exp = pkg.exports as unknown;
    const bySubpath =
      exp && typeof exp === "object" && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith("."));
    const entry = bySubpath ? (exp as Record<string, unknown>)[subpath] : subpath === "." ? exp : undefined;
    target = pickCondition(entry);
    if (!target) throw new UsageError(`%load_ext: package ${spec} does not export ${subpath} for import`);
  } else if (subpath === ".") {
    target = (pkg.module as string) ?? (pkg.main as string) ?? "index.js";
  } else {
    target = subpath;
  }
  const file = path.resolve(pkgDir, target);
  const found = [file, `${file}.js`, path.join(file, "index.js")].find(isFile);
  if (!found) throw new UsageError(`%load_ext: package ${spec} names ${target}, which does not exist`);
  return found;
}

function pickCondition(entry: unknown): string | null {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) return entry.map(pickCondition).find((t) => t) ?? null;
  if (entry && typeof entry === "object") {
    for (const [condition, value] of Object.entries(entry)) {
      if (["import", "node", "default"].includes(condition)) {
        const target = pickCondition(value);
        if (target) return target;
      }
    }
  }
  return null;
}
