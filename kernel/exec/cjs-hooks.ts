/**
 * Module hooks (Node's `module.register`, in the hooks thread) for cjs-names.ts: an ESM
 * import of a large installed CommonJS file whose export names the kernel remembered is
 * served as a small ES module (`esmWrapper`) instead of Node lexing the file.
 */
import { fileURLToPath } from "node:url";
import { esmWrapper, readNames } from "./cjs-names.ts";

const MARK = "?symtune-esm";
/** Per file, once: a file first served one way stays that way for this process. */
const known = new Map<string, string[] | null>();

function namesOf(file: string): string[] | null {
  if (!known.has(file)) known.set(file, readNames(file) ?? null);
  return known.get(file)!;
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type Loaded = { format: string; source?: string | Buffer | null; shortCircuit?: boolean };

export async function resolve(specifier: string, context: unknown, nextResolve: (s: string, c: unknown) => Promise<Resolved>): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context);
  if (!resolved.url.startsWith("file:") || (resolved.format && resolved.format !== "commonjs") || !/\.c?js$/.test(resolved.url)) return resolved;
  if (!namesOf(fileURLToPath(resolved.url))) return resolved;
  return { url: resolved.url + MARK, format: "module", shortCircuit: true };
}

export async function load(url: string, context: unknown, nextLoad: (u: string, c: unknown) => Promise<Loaded>): Promise<Loaded> {
  if (!url.endsWith(MARK)) return nextLoad(url, context);
  const file = fileURLToPath(url.slice(0, -MARK.length));
  return { format: "module", source: esmWrapper(file, namesOf(file) ?? []), shortCircuit: true };
}
