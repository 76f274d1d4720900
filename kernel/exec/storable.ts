/** The names a magic may store a value under (`--as NAME`); no TypeScript needed to check. */

/**
 * Words no cell may declare as a variable. Cells are strict-mode ES modules checked by
 * TypeScript, so this is the ES reserved words, the strict-mode ones, `await` (reserved in
 * modules), the strict-mode binding restrictions (`eval`, `arguments`) and the globals
 * TypeScript refuses to redeclare. A magic storing under one of these would put a
 * `declare let await: any` into every later cell's declarations and break them all.
 */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield await eval arguments " +
    "undefined NaN Infinity globalThis"
  ).split(" "),
);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Why `name` cannot hold a value a magic stores (`--as NAME`), or null when it can. Checked
 * in one place, so a declaration can never break the cells after it.
 */
export function unstorableReason(name: unknown): string | null {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    return `must be a variable name (letters, digits, _ and $, not starting with a digit), got "${String(name)}"`;
  }
  if (RESERVED.has(name)) return `"${name}" is a reserved word in TypeScript cells; choose another name (e.g. ${name}_)`;
  if (name.startsWith("__symtune")) return `"${name}" is a kernel-internal name (names starting with __symtune are reserved)`;
  return null;
}

/** True when a name may be declared for later cells (see unstorableReason). */
export function isDeclarableName(name: string): boolean {
  return unstorableReason(name) === null;
}
