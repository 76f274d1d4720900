/**
 * ESM `import … from "@tensorflow/tfjs"` (lib/ and cells) makes Node run its CommonJS lexer
 * over the bundle and every bundle it re-exports (~7 MB) to learn the export names: ~0.3 s of
 * CPU, more than loading tfjs itself with the code cache (codecache.ts). The names do not
 * change while the package is installed, so the kernel remembers them (`rememberExportNames`,
 * after loading symtune) and, from the next start on, a module hook (cjs-hooks.ts) serves
 * such an import as a small ES module that requires the file and exports those names.
 *
 * Only large installed files (the code cache's), and only once their names are on disk; the
 * file loads through `require` either way, so it is one instance for ESM and CommonJS users.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);
const MIN_BYTES = 200_000;
const remembered = new Set<string>();

/** Where the export names of `file` are kept (none for a small or local file). */
export function namesFile(file: string): string | undefined {
  if (!file.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (stat.size < MIN_BYTES) return undefined;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const key = createHash("sha1").update(`${file}\0${stat.size}\0${stat.mtimeMs}`).digest("hex").slice(0, 20);
  return path.join(base, "symtune", "esm-names", `${path.basename(file, ".js")}-${key}.json`);
}

/** The remembered export names of `file`, if any. */
export function readNames(file: string): string[] | undefined {
  const where = namesFile(file);
  if (!where) return undefined;
  try {
    const names: unknown = JSON.parse(fs.readFileSync(where, "utf8"));
    return Array.isArray(names) && names.every((n) => typeof n === "string") ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the export names of the large CommonJS files loaded so far that have none on disk yet. */
export function rememberExportNames(): void {
  for (const [file, module] of Object.entries(require.cache)) {
    if (remembered.has(file) || !module?.loaded) continue;
    remembered.add(file);
    const where = namesFile(file);
    if (!where || fs.existsSync(where)) continue;
    const exports = module.exports as Record<string, unknown> | null;
    if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) continue;
    const names = Object.keys(exports).filter((n) => n !== "default");
    if (exports.__esModule) names.push("__esModule");
    try {
      fs.mkdirSync(path.dirname(where), { recursive: true });
      const tmp = `${where}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(names));
      fs.renameSync(tmp, where);
    } catch {
      // No cache directory: the lexer keeps doing this work; nothing else is lost.
    }
  }
}

/** An ES module that is `file` (CommonJS) with `names` as its named exports. */
export function esmWrapper(file: string, names: string[]): string {
  const lines = [`import { createRequire } from "node:module";`, `const m = createRequire(${JSON.stringify(file)})(${JSON.stringify(file)});`, `export default m;`];
  const unique = [...new Set(names)];
  unique.forEach((name, i) => lines.push(`const e${i} = m[${JSON.stringify(name)}];`));
  if (unique.length > 0) lines.push(`export { ${unique.map((name, i) => `e${i} as ${JSON.stringify(name)}`).join(", ")} };`);
  return lines.join("\n") + "\n";
}
