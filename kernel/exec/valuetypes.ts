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

/**
 * What the checker needs to know about a value to type it: plain data, so it crosses to the
 * checker's thread (the value itself stays with the cells).
 */
export type ValueShape =
  | { kind: "primitive"; type: string }
  | { kind: "function" }
  | { kind: "array"; element?: ValueShape }
  | { kind: "instance"; className?: string }
  | { kind: "object"; keys: string[] }
  | { kind: "unknown" };

/** The shape of `value` (arrays by their first element, one level deep). */
export function describeValue(value: unknown, depth = 0): ValueShape {
  switch (typeof value) {
    case "number":
    case "string":
    case "boolean":
    case "bigint":
      return { kind: "primitive", type: typeof value };
    case "function":
      return { kind: "function" };
    case "object":
      break;
    default:
      return { kind: "unknown" };
  }
  if (value === null) return { kind: "unknown" };
  if (Array.isArray(value)) return depth > 0 || value.length === 0 ? { kind: "array" } : { kind: "array", element: describeValue(value[0], depth + 1) };
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return { kind: "instance", className: (value as object).constructor?.name };
  return { kind: "object", keys: Object.keys(value) };
}

/** A type for a value of this shape (TypeScript source), or "any". */
export function typeOfShape(shape: ValueShape, types: () => SymtuneTypes): string {
  switch (shape.kind) {
    case "primitive":
      return shape.type;
    case "function":
      return "(...args: any[]) => any";
    case "array": {
      const element = shape.element ? typeOfShape(shape.element, types) : "any";
      return element === "any" ? "any[]" : `${element.includes("=>") ? `(${element})` : element}[]`;
    }
    case "instance":
      return shape.className && types().classes.has(shape.className) ? `${SYMTUNE}.${shape.className}` : "any";
    case "object": {
      let best: Shape | undefined;
      for (const candidate of types().interfaces) {
        if (candidate.required.size === 0 || ![...candidate.required].every((k) => shape.keys.includes(k))) continue;
        if (!shape.keys.every((k) => candidate.all.has(k))) continue;
        if (!best || candidate.required.size > best.required.size) best = candidate;
      }
      return best ? `${SYMTUNE}.${best.name}` : "any";
    }
    default:
      return "any";
  }
}
