/**
 * What earlier cells declared, as the text of one declaration module that every cell imports
 * its names from. Entries are single declarations (the compiler's .d.ts output of a cell,
 * split per name); a cell that declares a name again replaces that name's entries.
 *
 * One module with a fixed import line in every cell keeps the program's import graph the
 * same from cell to cell, so the language service reuses the whole program structure
 * (committing a cell as a new file made it rebuild everything: ~3x the cost of a cell).
 * The price: an older declaration that names a redeclared type now sees the new one.
 */
import path from "node:path";
import type * as TS from "typescript";
import ts from "./ts.ts";
import { topLevelNames } from "./names.ts";

export const DECLARATIONS_MODULE = "__symtune_declarations";

interface Entry {
  name: string;
  text: string;
}

export class CellDeclarations {
  private entries: Entry[] = [];

  constructor(initial: string) {
    this.entries = split(initial);
  }

  /** Every declared name, in declaration order. */
  names(): string[] {
    return [...new Set(this.entries.map((e) => e.name))];
  }

  /** Replaces the entries of `declared` by the cell's declarations (its emitted .d.ts). */
  commit(dts: string, declared: ReadonlySet<string>): void {
    this.entries = [...this.entries.filter((e) => !declared.has(e.name)), ...split(dts).filter((e) => declared.has(e.name))];
  }

  /**
   * Makes the entries' relative module specifiers (`from "./util.ts"`, `import("./util.ts")`)
   * absolute, resolved from `dir`: the module then means the same file wherever it moves.
   */
  pin(dir: string): void {
    const absolute = (spec: string) => JSON.stringify(path.resolve(dir, spec));
    this.entries = this.entries.map((e) => ({
      ...e,
      text: e.text.replace(/(\bfrom\s*|\bimport\s*\(\s*)(["'])(\.{1,2}\/[^"']*)\2/g, (_, before: string, _quote: string, spec: string) => before + absolute(spec)),
    }));
  }

  text(): string {
    const names = this.names();
    return `${this.entries.map((e) => e.text).join("\n")}\nexport { ${names.join(", ")} };\n`;
  }
}

/** A declaration file's statements, one entry per declared name (JSDoc kept). */
function split(dts: string): Entry[] {
  const sf = ts.createSourceFile("cell.d.ts", dts, ts.ScriptTarget.ES2022, true);
  const entries: Entry[] = [];
  for (const stmt of sf.statements) {
    const leading = dts.slice(stmt.getFullStart(), stmt.getStart(sf));
    if (ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt)) continue;
    if (ts.isImportDeclaration(stmt)) {
      const from = (stmt.moduleSpecifier as TS.StringLiteral).text;
      if (from === `./${DECLARATIONS_MODULE}` || !stmt.importClause) continue;
      const clause = stmt.importClause;
      const spec = JSON.stringify(from);
      const type = clause.isTypeOnly ? "type " : "";
      if (clause.name) entries.push({ name: clause.name.text, text: `import ${type}${clause.name.text} from ${spec};` });
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) entries.push({ name: named.name.text, text: `import ${type}* as ${named.name.text} from ${spec};` });
      else if (named) {
        for (const el of named.elements) {
          const imported = el.propertyName ? `${el.propertyName.text} as ${el.name.text}` : el.name.text;
          entries.push({ name: el.name.text, text: `import ${type}{ ${el.isTypeOnly ? "type " : ""}${imported} } from ${spec};` });
        }
      }
    } else if (ts.isVariableStatement(stmt)) {
      const keyword = stmt.declarationList.flags & ts.NodeFlags.Const ? "const" : stmt.declarationList.flags & ts.NodeFlags.Let ? "let" : "var";
      for (const decl of stmt.declarationList.declarations) {
        for (const name of topLevelNames(`declare ${keyword} ${decl.getText(sf)};`)) {
          entries.push({ name, text: `${leading.trim() ? leading.trimStart() : ""}declare ${keyword} ${decl.getText(sf)};` });
        }
      }
    } else {
      const text = dts.slice(stmt.getFullStart(), stmt.end).trimStart();
      for (const name of topLevelNames(stmt.getText(sf))) entries.push({ name, text });
    }
  }
  return entries;
}
