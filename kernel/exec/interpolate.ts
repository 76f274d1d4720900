/**
 * Variables in magic arguments and shell lines, IPython's way: `$name` and `{expression}`
 * become their values, `$$` is a literal `$` (and `{{`/`}}` literal braces). The argument
 * text becomes a TypeScript template literal, so the expressions are type-checked and see the
 * notebook's names like any code. As in IPython, what cannot be a variable stays as written:
 * `$HOME` in a shell line when no variable is called HOME, `awk '{print $1}'` (not an
 * expression), `{a,b}` when a and b are not variables.
 */
import type * as TS from "typescript";
import ts from "./ts.ts";

/** Is `name` a variable the cell can read (declared by an earlier cell or this one)? */
export type KnownName = (name: string) => boolean;

/** `text` as the source of a template literal (with backticks); null when nothing is interpolated. */
export function interpolate(text: string, known: KnownName): string | null {
  if (!/[${}]/.test(text)) return null;
  let out = "";
  let changed = false;
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const pair = /^(\$\$|\{\{|\}\})/.exec(rest);
    if (pair) {
      out += literal(pair[1]![0]!);
      changed = true;
      i += 2;
      continue;
    }
    const dollar = /^\$([A-Za-z_][\w]*)/.exec(rest);
    if (dollar && known(dollar[1]!)) {
      out += "${" + dollar[1] + "}";
      changed = true;
      i += dollar[0].length;
      continue;
    }
    if (rest[0] === "{") {
      const end = closingBrace(text, i);
      const expression = end < 0 ? undefined : text.slice(i + 1, end);
      if (expression !== undefined && isExpressionOfKnownNames(expression, known)) {
        out += "${" + expression + "}";
        changed = true;
        i = end + 1;
        continue;
      }
    }
    out += literal(rest[0]!);
    i++;
  }
  return changed ? "`" + out + "`" : null;
}

function literal(ch: string): string {
  return ch === "`" || ch === "\\" || ch === "$" ? "\\" + ch : ch;
}

/** Index of the `}` that closes the `{` at `open` (strings skipped), or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  let quote = "";
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

/** One expression whose free names are all notebook variables or JavaScript globals (Math, JSON). */
function isExpressionOfKnownNames(expression: string, known: KnownName): boolean {
  if (expression.trim() === "") return false;
  const sf = ts.createSourceFile("arg.ts", `(${expression});`, ts.ScriptTarget.ES2022, true);
  const errors = (sf as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics;
  if (errors.length > 0 || sf.statements.length !== 1) return false;
  let ok = true;
  const visit = (node: TS.Node): void => {
    if (!ok) return;
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      const isParameter = ts.isParameter(parent) && parent.name === node;
      if (!isPropertyName && !isParameter && !known(node.text) && !(node.text in globalThis)) ok = false;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf.statements[0]!);
  return ok;
}
