/**
 * Small rewrites of a cell's text before it is compiled, each keeping line numbers:
 * a cell that is one object literal (`{ a: 1 }`) is an expression, as in Node's REPL, and
 * `export` on a top-level declaration is dropped (every top-level name is shared anyway).
 */
import type * as TS from "typescript";
import ts from "./ts.ts";

export function prepareCell(code: string): string {
  return dropExports(objectLiteral(code) ?? code);
}

/** `{ a: 1 }` alone parses as a block; wrapped in parentheses it is the object the user meant. */
function objectLiteral(code: string): string | undefined {
  const trimmed = code.trim().replace(/;$/, "");
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) return undefined;
  const wrapped = `(${trimmed})`;
  const sf = ts.createSourceFile("cell.ts", wrapped, ts.ScriptTarget.ES2022, true);
  const errors = (sf as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics;
  const only = sf.statements.length === 1 ? sf.statements[0] : undefined;
  const isObject = only !== undefined && ts.isExpressionStatement(only) && ts.isParenthesizedExpression(only.expression) && ts.isObjectLiteralExpression(only.expression.expression);
  return errors.length === 0 && isObject ? wrapped : undefined;
}

/** Blanks `export`/`export default` modifiers and `export { ... }` statements, same length. */
function dropExports(code: string): string {
  if (!code.includes("export")) return code;
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true);
  const ranges: [number, number][] = [];
  for (const stmt of sf.statements) {
    if (ts.isExportDeclaration(stmt)) ranges.push([stmt.getStart(sf), stmt.end]);
    else if (ts.canHaveModifiers(stmt)) {
      for (const m of ts.getModifiers(stmt) ?? []) {
        if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) ranges.push([m.getStart(sf), m.end]);
      }
    }
  }
  let out = code;
  for (const [start, end] of ranges.reverse()) out = out.slice(0, start) + " ".repeat(end - start) + out.slice(end);
  return out;
}
