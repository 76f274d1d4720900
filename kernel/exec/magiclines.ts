/**
 * IPython's surface syntax on top of TypeScript, recognised before the compiler sees a cell:
 * `%%name args` on the first line makes the whole cell a cell magic; a whole line
 * `%name args` is a line magic call that mixes with code; `name?`, `name??`, `?name` and
 * `%name?` ask for help (the pager); a whole line `!command` runs a shell command (`%system`).
 * A TypeScript line that starts with `!` (`!done && stop();`) ends with `;` or starts `!(`,
 * `!!`, `![` — those stay code.
 */
import { MAGIC_CALL } from "./globals.ts";
import { interpolate, type KnownName } from "./interpolate.ts";

export interface CellMagic {
  name: string;
  args: string;
  body: string;
}

export type HelpRequest = { kind: "magic"; name: string } | { kind: "symbol"; expression: string };

const LINE_MAGIC = /^([ \t]*)%(?!%)([A-Za-z_][\w.-]*)(?:[ \t]+(.*?))?[ \t]*$/;
const SHELL_LINE = /^([ \t]*)!(?![\s(![=])(.*?[^;\s])[ \t]*$/;
/** Magics whose argument is code (IPython's no_var_expand): `{}` and `$` stay as written. */
const NO_EXPAND = new Set(["time", "timeit"]);
const CELL_MAGIC = /^%%([A-Za-z_][\w.-]*)(?:[ \t]+(.*?))?[ \t]*(?:\r?\n|$)/;

export function parseCellMagic(code: string): CellMagic | undefined {
  // Blank lines above the %%name line are allowed, as in IPython.
  const trimmed = code.replace(/^\s*\n/, "");
  const match = CELL_MAGIC.exec(trimmed);
  if (!match) return undefined;
  return { name: match[1]!, args: match[2] ?? "", body: trimmed.slice(match[0].length) };
}

export function parseHelpRequest(code: string): HelpRequest | undefined {
  const text = code.trim();
  const magic = /^%{1,2}([A-Za-z_][\w.-]*)\?{1,2}$/.exec(text) ?? /^\?{1,2}%{1,2}([A-Za-z_][\w.-]*)$/.exec(text);
  if (magic) return { kind: "magic", name: magic[1]! };
  const symbol = /^([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\?{1,2}$/.exec(text) ?? /^\?{1,2}\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)$/.exec(text);
  if (symbol) return { kind: "symbol", expression: symbol[1]! };
  return undefined;
}

/**
 * Whole-line `%name args` → `await __symtune_magic("name", "args")` and `!cmd` → the same call
 * to `system`; `$name`/`{expression}` in the arguments become a template literal (`known`
 * says which names are variables). The line count is kept.
 */
export function rewriteLineMagics(code: string, known: KnownName = () => false): string {
  if (!code.includes("%") && !code.includes("!")) return code;
  return code
    .split("\n")
    .map((line) => {
      const shell = SHELL_LINE.exec(line);
      const match = shell ? [line, shell[1], "system", shell[2]] : LINE_MAGIC.exec(line);
      if (!match) return line;
      const [, indent, name, args = ""] = match as [string, string, string, string | undefined];
      const argument = (NO_EXPAND.has(name) ? null : interpolate(args, known)) ?? JSON.stringify(args);
      return `${indent}await ${MAGIC_CALL}(${JSON.stringify(name)}, ${argument})`;
    })
    .join("\n");
}

/** The magic header of a `%%name args` cell with its variables interpolated: a TypeScript expression. */
export function cellMagicArgs(name: string, args: string, known: KnownName): string {
  return (NO_EXPAND.has(name) ? null : interpolate(args, known)) ?? JSON.stringify(args);
}

/** Replaces magic lines by spaces of the same length: positions stay valid for the service. */
export function blankMagicLines(code: string): string {
  if (!code.includes("%") && !code.includes("!")) return code;
  const lines = code.split("\n");
  const magicCell = CELL_MAGIC.test(code);
  return lines
    .map((line, i) => ((magicCell && i === 0) || LINE_MAGIC.test(line) || SHELL_LINE.test(line) ? " ".repeat(line.length) : line))
    .join("\n");
}

/** The magic name (`time` or `%time`) under the cursor when it is on a magic's name; else undefined. */
export function magicAt(code: string, cursor: number): string | undefined {
  const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
  const lineEnd = code.indexOf("\n", cursor);
  const line = code.slice(lineStart, lineEnd === -1 ? code.length : lineEnd);
  const match = /^(\s*)(%{1,2})([A-Za-z_][\w.-]*)/.exec(line);
  if (!match) return undefined;
  const nameEnd = match[0].length;
  return cursor - lineStart <= nameEnd ? match[2]! + match[3]! : undefined;
}
