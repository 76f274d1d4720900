/**
 * The type checker of a notebook: the full TypeScript program (lib, @types, symtune's sources)
 * over the cells, with what it alone can answer — type errors, checked declarations, typed
 * magic variables, completion and inspection. Building it costs seconds of CPU, so the
 * kernel runs it in a worker thread (checker-worker.ts) and the main thread stays free for
 * cells; checker-client.ts is the main thread's side, and runs a LocalChecker in-thread where
 * there is no worker (tests, `symtune run`, a worker that died).
 *
 * Cells that run before it is warm are compiled on the main thread (light program, syntax
 * only) and handed here as "cold": once warm, they are checked in order, their type errors
 * reported late and their declarations replaced with checked ones.
 */
import type { CompleteResult, InspectResult } from "../protocol.ts";
import { completeCode, inspectCode, symbolHelp } from "./assist.ts";
import { checkLate, emitCell, type Emitted } from "./compile.ts";
import { topLevelNames } from "./names.ts";
import { CompileError } from "./outcome.ts";
import { CellService } from "./service.ts";
import { isDeclarableName } from "./storable.ts";
import { symtuneTypes, typeOfShape, type SymtuneTypes, type ValueShape } from "./valuetypes.ts";

export interface CheckerOptions {
  /** The notebook's directory: imports and module resolution start here. */
  dir: string;
  projectRoot: string;
  /** The declarations every cell starts with (globals.ts), or a dead checker's state. */
  declarations: string;
  /** Warm up with symtune's sources too (an interactive kernel: nearly every notebook imports it). */
  library: boolean;
}

export type MagicNames = { line: string[]; cell: string[] };

/** A request to the checker (plain data: it crosses threads); `reply` when an answer is awaited. */
export type CheckerRequest = { reply?: number } & (
  | { op: "compile"; code: string }
  | { op: "cold"; id: number; code: string; label: string }
  | { op: "declareUntyped"; names: string[] }
  | { op: "base"; dir: string }
  | { op: "declareStored"; entries: [string, ValueShape][] }
  | { op: "complete"; code: string; cursor: number; magicNames: MagicNames }
  | { op: "inspect"; code: string; cursor: number }
  | { op: "symbolHelp"; expression: string }
);

/** Runs one request on `checker`: the worker's loop and the in-thread client share this. */
export function answer(checker: LocalChecker, request: CheckerRequest): unknown {
  switch (request.op) {
    case "compile":
      return checker.compile(request.code);
    case "cold":
      return checker.cold(request.id, request.code, request.label);
    case "declareUntyped":
      return checker.declareUntyped(request.names);
    case "base":
      return checker.setBase(request.dir);
    case "declareStored":
      return checker.declareStored(request.entries);
    case "complete":
      return checker.complete(request.code, request.cursor, request.magicNames);
    case "inspect":
      return checker.inspect(request.code, request.cursor);
    case "symbolHelp":
      return checker.symbolHelp(request.expression);
  }
}

interface ColdCell {
  code: string;
  declared: ReadonlySet<string>;
  label: string;
  serial: number;
  id: number;
}

/** The checker's state and logic, on whichever thread creates it. Every method is synchronous. */
export class LocalChecker {
  private readonly service: CellService;
  private unchecked: ColdCell[] = [];
  /** Which cell last declared each name, so catch-up never overwrites a newer declaration. */
  private readonly owners = new Map<string, number>();
  private serial = 0;
  private stored: [string, ValueShape][] = [];
  private types: SymtuneTypes | undefined;

  constructor(
    private readonly options: CheckerOptions,
    /** Late type errors of cold cell `id`, already formatted. */
    private readonly late: (id: number, lines: string[]) => void,
  ) {
    this.service = new CellService(options.dir, options.projectRoot, options.declarations);
  }

  get warm(): boolean {
    return this.service.warm;
  }

  warmUp(): void {
    if (!this.service.warm) this.service.warmUp(this.options.library);
    this.catchUp();
    this.declareStored([]);
  }

  compile(code: string): Emitted {
    this.warmUp();
    const declared = topLevelNames(code);
    const emitted = emitCell(this.service, code, declared);
    if ("js" in emitted) this.own(declared);
    return emitted;
  }

  cold(id: number, code: string, label: string): void {
    const declared = topLevelNames(code);
    this.unchecked.push({ code, declared, label, id, serial: this.own(declared) });
    if (this.service.warm) this.catchUp();
  }

  declareUntyped(names: string[]): void {
    this.service.declareUntyped(names);
  }

  /** Relative imports resolve from `dir` from now on (`%cd`). */
  setBase(dir: string): void {
    this.service.setBase(dir);
  }

  declareStored(entries: [string, ValueShape][]): void {
    this.stored.push(...entries);
    // Typing needs symtune's types: wait for the warm-up rather than build them here.
    if (!this.service.warm || this.stored.length === 0) return;
    // A name a cell declares keeps the cell's type (a magic body assigning it changes nothing).
    const stored = this.stored.filter(([name]) => isDeclarableName(name) && !this.owners.has(name));
    this.stored = [];
    const types = () => (this.types ??= symtuneTypes(this.service));
    const typed = stored.map(([name, shape]) => [name, typeOfShape(shape, types)] as [string, string]).filter(([, type]) => type !== "any");
    this.service.declareTyped(typed);
  }

  complete(code: string, cursor: number, magicNames: MagicNames): CompleteResult {
    this.warmUp();
    return completeCode(this.service, code, cursor, () => magicNames);
  }

  inspect(code: string, cursor: number): InspectResult {
    this.warmUp();
    return inspectCode(this.service, code, cursor);
  }

  symbolHelp(expression: string): Record<string, string> {
    this.warmUp();
    return symbolHelp(this.service, expression);
  }

  /** The cells' declarations so far (to seed a checker that replaces this one). */
  declarationsText(): string {
    return this.service.declarationsText();
  }

  private own(declared: ReadonlySet<string>): number {
    const serial = ++this.serial;
    for (const name of declared) this.owners.set(name, serial);
    return serial;
  }

  /** Checks the cells that ran unchecked, in order, each against the cells before it. */
  private catchUp(): void {
    const cold = this.unchecked;
    this.unchecked = [];
    for (const cell of cold) {
      const keep = new Set([...cell.declared].filter((name) => this.owners.get(name) === cell.serial));
      const diagnostics = checkLate(this.service, cell.code, cell.declared, keep);
      if (diagnostics.length > 0) this.late(cell.id, new CompileError(diagnostics, cell.label, cell.code).lines);
    }
  }
}
