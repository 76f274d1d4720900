/** The names a cell declares, found by parsing only (no program, no checker). */
import type * as TS from "typescript";
import ts from "./ts.ts";

/** The names a cell declares at its top level (values and types), from a parse only. */
export function topLevelNames(code: string, sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, false)): Set<string> {
  const names = new Set<string>();
  const bind = (name: TS.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt)) stmt.declarationList.declarations.forEach((d) => bind(d.name));
    else if (
      (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) ||
        ts.isTypeAliasDeclaration(stmt) || ts.isEnumDeclaration(stmt)) && stmt.name
    )
      names.add(stmt.name.text);
    else if (ts.isModuleDeclaration(stmt) && ts.isIdentifier(stmt.name)) names.add(stmt.name.text);
    else if (ts.isImportDeclaration(stmt) && stmt.importClause) {
      const clause = stmt.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) bindings.elements.forEach((el) => names.add(el.name.text));
    } else if (ts.isImportEqualsDeclaration(stmt)) names.add(stmt.name.text);
  }
  return names;
}

