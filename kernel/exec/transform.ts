/**
 * Turns a type-checked cell (a module in the language service) into the body of an async
 * function that runs in Node's main realm. Runs before TypeScript's own transforms, with the
 * checker, so it knows what every identifier refers to:
 *
 * - Top-level names (the cell's own declarations and the names imported from earlier cells)
 *   live on one scope object: `let x = 1` becomes `scope.x = 1` and every reference to x
 *   becomes `scope.x`. Redeclaring in a later cell is then just an assignment, closures from
 *   earlier cells see later assignments, and nothing leaks into Node's globalThis.
 * - Static imports become `await import(...)` (resolved by the runner from the user's
 *   directory, so ESM-only packages work) and their bindings go on the scope object.
 * - Every loop body starts with an interrupt check and every `await` is followed by one, so
 *   an interrupt stops a synchronous `while (true)` or an awaiting training loop.
 * - A final expression statement becomes `return`, giving the cell's result.
 */
import type * as TS from "typescript";
import ts from "./ts.ts";

export const SCOPE = "__symtune";
export const RUNTIME = "__symtune_rt";

export function cellTransformer(
  checker: TS.TypeChecker,
  codeLength: number,
): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (sf) => {
    const f = context.factory;
    const locals = (sf as unknown as { locals?: Map<string, TS.Symbol> }).locals ?? new Map<string, TS.Symbol>();
    const scoped = new Set(locals.values());

    const scopeRef = (name: string) => f.createPropertyAccessExpression(f.createIdentifier(SCOPE), name);
    const runtimeCall = (method: string, args: TS.Expression[]) =>
      f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), method), undefined, args);
    const checkStatement = () => f.createExpressionStatement(runtimeCall("check", []));
    const isScopedSymbol = (symbol: TS.Symbol | undefined) => symbol !== undefined && scoped.has(symbol);
    const isScopedName = (id: TS.Identifier) => isScopedSymbol(checker.getSymbolAtLocation(id));

    const isScopedList = (list: TS.VariableDeclarationList): boolean => {
      const first = list.declarations[0]?.name;
      const id = first && firstIdentifier(first);
      return id !== undefined && isScopedName(id);
    };

    // `{ a, b: [c = 1] }` (a declaration) → `{ a: scope.a, b: [scope.c = 1] }` (an assignment target)
    const bindingTarget = (name: TS.BindingName): TS.Expression => {
      if (ts.isIdentifier(name)) return scopeRef(name.text);
      if (ts.isObjectBindingPattern(name)) {
        return f.createObjectLiteralExpression(
          name.elements.map((el) => {
            const target = withDefault(bindingTarget(el.name), el.initializer);
            if (el.dotDotDotToken) return f.createSpreadAssignment(target);
            const key = el.propertyName ?? (el.name as TS.Identifier);
            const visitedKey = ts.isComputedPropertyName(key) ? (ts.visitNode(key, visit) as TS.PropertyName) : key;
            return f.createPropertyAssignment(visitedKey, target);
          }),
        );
      }
      return f.createArrayLiteralExpression(
        name.elements.map((el) => {
          if (ts.isOmittedExpression(el)) return el;
          const target = bindingTarget(el.name);
          return el.dotDotDotToken ? f.createSpreadElement(target) : withDefault(target, el.initializer);
        }),
      );
    };
    const withDefault = (target: TS.Expression, init: TS.Expression | undefined) =>
      init ? f.createAssignment(target, ts.visitNode(init, visit) as TS.Expression) : target;

    const listToAssignments = (list: TS.VariableDeclarationList): TS.Expression | undefined => {
      const isVar = !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
      const parts: TS.Expression[] = [];
      for (const d of list.declarations) {
        if (!d.initializer && isVar) continue; // `var x;` again keeps x's value, as in JS
        const init = d.initializer ? (ts.visitNode(d.initializer, visit) as TS.Expression) : f.createVoidZero();
        parts.push(f.createAssignment(bindingTarget(d.name), init));
      }
      return parts.length === 0 ? undefined : parts.reduce((a, b) => f.createComma(a, b));
    };

    const loopBody = (body: TS.Statement): TS.Block => {
      const visited = ts.visitNode(body, visit) as TS.Statement;
      const inner = ts.isBlock(visited) ? visited.statements : [visited];
      return f.createBlock([checkStatement(), ...inner], true);
    };

    const visit = (node: TS.Node): TS.VisitResult<TS.Node | undefined> => {
      if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return node;
      if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) return node;
      if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return node;
      if (hasModifier(node, ts.SyntaxKind.DeclareKeyword)) return node;

      if (ts.isIdentifier(node)) {
        // A declaration's own name or a property name is not a reference to a scope variable.
        if ((node.parent as { name?: TS.Node } | undefined)?.name === node) return node;
        if (!isScopedName(node)) return node;
        // Both `__symtune` and the name map to the identifier, so a runtime position on the
        // name (a call's column) maps to the identifier, not 10 characters past it.
        const ref = f.createPropertyAccessExpression(f.createIdentifier(SCOPE), ts.setTextRange(f.createIdentifier(node.text), node));
        return ts.setTextRange(ref, node);
      }
      if (ts.isShorthandPropertyAssignment(node)) {
        if (!isScopedSymbol(checker.getShorthandAssignmentValueSymbol(node))) return ts.visitEachChild(node, visit, context);
        return f.createPropertyAssignment(node.name.text, withDefault(scopeRef(node.name.text), node.objectAssignmentInitializer));
      }
      if (ts.isVariableStatement(node) && isScopedList(node.declarationList)) {
        const expr = listToAssignments(node.declarationList);
        return expr ? ts.setTextRange(f.createExpressionStatement(expr), node) : undefined;
      }
      if (ts.isVariableDeclarationList(node) && node.parent && isScopedList(node)) {
        if (ts.isForInStatement(node.parent) || ts.isForOfStatement(node.parent)) return bindingTarget(node.declarations[0]!.name);
        return listToAssignments(node) ?? f.createVoidZero();
      }
      if (ts.isAwaitExpression(node)) {
        // The epoch is read before the await, so a cell interrupted while awaiting stays
        // stopped even after the next cell has cleared the flag.
        const epoch = f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), "epoch");
        return runtimeCall("after", [epoch, ts.visitEachChild(node, visit, context)]);
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const args = node.arguments.map((a) => ts.visitNode(a, visit) as TS.Expression);
        return f.updateCallExpression(node, node.expression, undefined, [runtimeCall("specifier", [args[0]!]), ...args.slice(1)]);
      }
      if (ts.isWhileStatement(node)) return f.updateWhileStatement(node, visitExpr(node.expression), loopBody(node.statement));
      if (ts.isDoStatement(node)) return f.updateDoStatement(node, loopBody(node.statement), visitExpr(node.expression));
      if (ts.isForStatement(node)) {
        return f.updateForStatement(
          node,
          ts.visitNode(node.initializer, visit) as TS.ForInitializer | undefined,
          node.condition && visitExpr(node.condition),
          node.incrementor && visitExpr(node.incrementor),
          loopBody(node.statement),
        );
      }
      if (ts.isForInStatement(node)) {
        return f.updateForInStatement(node, ts.visitNode(node.initializer, visit) as TS.ForInitializer, visitExpr(node.expression), loopBody(node.statement));
      }
      if (ts.isForOfStatement(node)) {
        return f.updateForOfStatement(
          node,
          node.awaitModifier,
          ts.visitNode(node.initializer, visit) as TS.ForInitializer,
          visitExpr(node.expression),
          loopBody(node.statement),
        );
      }
      return ts.visitEachChild(node, visit, context);
    };
    const visitExpr = (e: TS.Expression) => ts.visitNode(e, visit) as TS.Expression;

    /** `import x, { a as b } from "m"` → `const m_1 = await import(...); scope.x = pick(m_1, "default"); ...` */
    const importStatements = (node: TS.ImportDeclaration): TS.Statement[] => {
      const clause = node.importClause;
      // The importer is created in the cell's own script, so the runner's module loader
      // resolves the specifier from the user's directory.
      const spec = f.createUniqueName("specifier");
      const importer = f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, spec)], undefined, undefined,
        f.createCallExpression(f.createToken(ts.SyntaxKind.ImportKeyword) as never, undefined, [spec]));
      const load = f.createAwaitExpression(runtimeCall("load", [node.moduleSpecifier as TS.Expression, importer]));
      if (!clause) return [f.createExpressionStatement(load)];
      if (clause.isTypeOnly) return [];
      const bindings: [string, string | null][] = []; // [local name, export name | null for namespace]
      const isValue = (id: TS.Identifier) => {
        const symbol = checker.getSymbolAtLocation(id);
        return symbol !== undefined && (checker.getAliasedSymbol(symbol).flags & ts.SymbolFlags.Value) !== 0;
      };
      if (clause.name && isValue(clause.name)) bindings.push([clause.name.text, "default"]);
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.push([named.name.text, null]);
      else if (named) {
        for (const el of named.elements) {
          if (el.isTypeOnly || !isValue(el.name)) continue;
          bindings.push([el.name.text, (el.propertyName ?? el.name).text]);
        }
      }
      if (bindings.length === 0) return [];
      const ns = f.createUniqueName("module");
      return [
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(ns, undefined, undefined, load)], ts.NodeFlags.Const)),
        ...bindings.map(([local, exported]) =>
          f.createExpressionStatement(
            f.createAssignment(scopeRef(local), exported === null ? ns : runtimeCall("pick", [ns, f.createStringLiteral(exported)])),
          ),
        ),
      ];
    };

    const hoisted: TS.Statement[] = [];
    const body: TS.Statement[] = [];
    const userStatements = sf.statements.filter((s) => s.getStart(sf) < codeLength);
    const last = userStatements[userStatements.length - 1];
    for (const stmt of userStatements) {
      if (ts.isImportDeclaration(stmt)) {
        body.push(...importStatements(stmt).map((s) => ts.setTextRange(s, stmt)));
      } else if (ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt) || hasModifier(stmt, ts.SyntaxKind.DeclareKeyword)) {
        continue;
      } else if (ts.isFunctionDeclaration(stmt) && stmt.name && stmt.body && isScopedName(stmt.name)) {
        const fn = ts.visitEachChild(stmt, visit, context);
        body.push(f.updateFunctionDeclaration(fn, plainModifiers(fn.modifiers), fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, fn.body));
        hoisted.push(f.createExpressionStatement(f.createAssignment(scopeRef(stmt.name.text), f.createIdentifier(stmt.name.text))));
      } else if (ts.isClassDeclaration(stmt) && stmt.name && isScopedName(stmt.name)) {
        const cls = ts.visitEachChild(stmt, visit, context);
        const expr = f.createClassExpression(plainModifiers(cls.modifiers), cls.name, cls.typeParameters, cls.heritageClauses, cls.members);
        body.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(scopeRef(stmt.name.text), expr)), stmt));
      } else if ((ts.isEnumDeclaration(stmt) || ts.isModuleDeclaration(stmt)) && ts.isIdentifier(stmt.name) && hasValue(checker, stmt.name)) {
        const visited = ts.visitEachChild(stmt, visit, context) as TS.EnumDeclaration | TS.ModuleDeclaration;
        body.push(
          ts.isEnumDeclaration(visited)
            ? f.updateEnumDeclaration(visited, plainModifiers(visited.modifiers), visited.name, visited.members)
            : f.updateModuleDeclaration(visited, plainModifiers(visited.modifiers), visited.name, visited.body),
        );
        body.push(f.createExpressionStatement(f.createAssignment(scopeRef(stmt.name.text), f.createIdentifier(stmt.name.text))));
      } else if (stmt === last && ts.isExpressionStatement(stmt)) {
        body.push(ts.setTextRange(f.createReturnStatement(visitExpr(stmt.expression)), stmt));
      } else {
        const visited = ts.visitNode(stmt, visit) as TS.Statement | undefined;
        if (visited) body.push(visited);
      }
    }
    return f.updateSourceFile(sf, [...hoisted, ...body]);
  };
}

function firstIdentifier(name: TS.BindingName): TS.Identifier | undefined {
  if (ts.isIdentifier(name)) return name;
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    const id = firstIdentifier(el.name);
    if (id) return id;
  }
  return undefined;
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** Drops `export`/`default`: a cell's declarations are shared through the scope object. */
function plainModifiers(mods: TS.NodeArray<TS.ModifierLike> | undefined): TS.ModifierLike[] | undefined {
  return mods?.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
}

/** True for enums and namespaces that exist at run time (not `const enum`, not type-only). */
function hasValue(checker: TS.TypeChecker, name: TS.Identifier): boolean {
  const symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return false;
  if (symbol.flags & ts.SymbolFlags.ConstEnum) return false;
  return (symbol.flags & (ts.SymbolFlags.RegularEnum | ts.SymbolFlags.ValueModule)) !== 0;
}
