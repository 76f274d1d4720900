/**
 * The TypeScript type of a value a magic stored (`%collection load scan --as scan`), so later
 * cells get completion and type checks on it instead of `any`. A value knows its class at run
 * time; a plain object (a `%train` result) is matched against the interfaces `symtune`
 * exports by its property names: the interface whose required properties it has, and nothing
 * it does not declare. What matches nothing stays `any`, as before.
 */
import type * as TS from "typescript";
import type { CellService } from "./service.ts";
import ts from "./ts.ts";

interface Shape {
  name: string;
  required: Set<string>;
  all: Set<string>;
}

export interface SymtuneTypes {
  classes: Set<string>;
  interfaces: Shape[];
}

/** What `symtune` exports: its classes, and its non-generic interfaces' property names. */
export function symtuneTypes(service: CellService): SymtuneTypes {
  service.setCell('import type * as __symtune_exports from "symtune";\n', new Set());
  const program = service.program();
  const checker = program.getTypeChecker();
  const statement = service.sourceFile().statements[0] as TS.ImportDeclaration;
  const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
  const found: SymtuneTypes = { classes: new Set(), interfaces: [] };
  if (!module) return found;
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (symbol.flags & ts.SymbolFlags.Class) found.classes.add(exported.name);
    else if (symbol.flags & ts.SymbolFlags.Interface) {
      const type = checker.getDeclaredTypeOfSymbol(symbol) as TS.InterfaceType;
      if (type.typeParameters?.length) continue; // needs arguments we cannot guess
      const props = checker.getPropertiesOfType(type);
      found.interfaces.push({
        name: exported.name,
        required: new Set(props.filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name)),
        all: new Set(props.map((p) => p.name)),
      });
    }
  }
  return found;
}

const SYMTUNE = 'import("symtune")';

/** A type for `value` (TypeScript source), or "any". */
export function typeOfValue(value: unknown, types: () => SymtuneTypes, depth = 0): string {
  switch (typeof value) {
    case "number":
    case "string":
    case "boolean":
    case "bigint":
      return typeof value;
    case "function":
      return "(...args: any[]) => any";
    case "object":
      break;
    default:
      return "any";
  }
  if (value === null) return "any";
  if (Array.isArray(value)) {
    if (depth > 0 || value.length === 0) return "any[]";
    const element = typeOfValue(value[0], types, depth + 1);
    return element === "any" ? "any[]" : `${element.includes("=>") ? `(${element})` : element}[]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as object).constructor?.name;
    return name && types().classes.has(name) ? `${SYMTUNE}.${name}` : "any";
  }
  const keys = Object.keys(value);
  let best: Shape | undefined;
  for (const shape of types().interfaces) {
    if (shape.required.size === 0 || ![...shape.required].every((k) => k in (value as object))) continue;
    if (!keys.every((k) => shape.all.has(k))) continue;
    if (!best || shape.required.size > best.required.size) best = shape;
  }
  return best ? `${SYMTUNE}.${best.name}` : "any";
}
