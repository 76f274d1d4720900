/**
 * One error format for everything a cell can get wrong, IPython's way: where (`In [3], line 2`),
 * the source line with a caret under the spot, then `Name: message` last. Type errors, syntax
 * errors and runtime errors (with the frames of the user's cells and libraries, outermost
 * first, "most recent call last") all read alike. One mistake is one error: a syntax error is
 * reported once, not with the errors it causes further on. Kernel frames and absolute paths
 * are never shown. `errorOutcome` is the one function that turns a thrown value into the
 * `error` reply; it loads no TypeScript, so the kernel can use it for stray errors too.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { isUserError } from "../../lib/errors.ts";
import type { ExecOutcome } from "../protocol.ts";
import { KeyboardInterrupt } from "./runtime.ts";
import { originalPosition, type LineMap } from "./sourcemap.ts";

export type ErrorOutcome = Extract<ExecOutcome, { status: "error" }>;

export interface CellDiagnostic {
  line: number; // 1-based
  column: number; // 1-based
  message: string;
  code: number;
  /** A syntax error (the parser's), as opposed to a type error (the checker's). */
  syntax?: boolean;
}

/** Syntax or type errors in a cell: the cell did not run. */
export class CompileError extends Error {
  readonly diagnostics: CellDiagnostic[];
  constructor(
    diagnostics: CellDiagnostic[],
    readonly label = "cell",
    readonly source = "",
  ) {
    // After a syntax error the parser's later complaints are consequences: report the first.
    const syntax = diagnostics.filter((d) => d.syntax);
    const shown = syntax.length > 0 ? syntax.slice(0, 1) : diagnostics;
    super(shown[0] ? diagnosticMessage(shown[0]) : "compile error");
    this.name = syntax.length > 0 ? "SyntaxError" : "TSError";
    this.diagnostics = shown;
  }

  /** The traceback: one block per diagnostic. */
  get lines(): string[] {
    const lines = this.source.split("\n");
    return this.diagnostics.flatMap((d) => [
      ...sourceBlock(`${this.label}, line ${d.line}`, lines[d.line - 1], d.column),
      `${this.name}: ${diagnosticMessage(d)}`,
    ]);
  }
}

function diagnosticMessage(d: CellDiagnostic): string {
  return `${d.message} (TS${d.code})`;
}

/** `where`, then the source line and a caret under `column` (1-based); no source, no caret. */
function sourceBlock(where: string, sourceLine: string | undefined, column: number): string[] {
  if (sourceLine === undefined || sourceLine.trim() === "") return [where];
  const indent = sourceLine.length - sourceLine.trimStart().length;
  const text = sourceLine.trim();
  const caret = Math.max(0, Math.min(column - 1 - indent, text.length));
  return [where, `    ${text}`, `    ${" ".repeat(caret)}^`];
}

/** Compiled cells by script file name: their source map, label ("In [3]") and TypeScript source. */
interface CellRecord {
  map: LineMap;
  label: string;
  prefixLength: number;
  source: string;
}
const cells = new Map<string, CellRecord>();

export function registerCell(file: string, record: CellRecord): void {
  cells.set(file, record);
}

/** A compiled cell's `line:column` → the cell's label and 1-based TypeScript position. */
function cellPlace(file: string, line: number, column: number): { cell: CellRecord; line: number; column: number } | undefined {
  const cell = cells.get(file);
  if (!cell) return undefined;
  const original = originalPosition(cell.map, line, line === 1 ? column - cell.prefixLength : column);
  return original && { cell, ...original };
}

export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof CompileError) {
    return { status: "error", ename: error.name, evalue: error.message, traceback: error.lines };
  }
  if (error instanceof KeyboardInterrupt || (error as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    return { status: "error", ename: "KeyboardInterrupt", evalue: "Execution interrupted", traceback: ["KeyboardInterrupt: Execution interrupted"] };
  }
  if (isUserError(error) || isUserErrorByName(error)) {
    return { status: "error", ename: error.name, evalue: error.message, traceback: [`${error.name}: ${error.message}`] };
  }
  if (isErrorLike(error)) {
    const ename = error.name || "Error";
    return { status: "error", ename, evalue: error.message, traceback: [...frames(error.stack ?? ""), `${ename}: ${error.message}`] };
  }
  const text = inspect(error, { colors: false, depth: 2 });
  return { status: "error", ename: "Error", evalue: `Uncaught ${text}`, traceback: [`Uncaught ${text}`] };
}

/**
 * The same error classes loaded through a second module loader (a cell importing
 * "symtune" in a test runner, an extension loaded in its own namespace) fail instanceof;
 * their names still say they are the user's to fix.
 */
function isUserErrorByName(error: unknown): error is Error {
  return isErrorLike(error) && ["UsageError", "DataError", "TrainingError"].includes(error.name);
}

function isErrorLike(value: unknown): value is Error {
  return value !== null && typeof value === "object" && typeof (value as Error).message === "string" && "stack" in value;
}

// Kernel frames are cut from what is shown; the cells under them must still be in the stack.
Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 50);

const KERNEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROJECT_ROOT = path.dirname(KERNEL_DIR);
/** `    at [async] name (where)` or `    at where`; where = file:line:column. */
const FRAME = /^\s+at (?:async )?(?:(.+?) \((.+)\)|(.+))$/;
const PLACE = /^(.*):(\d+):(\d+)$/;

/**
 * The frames worth showing, outermost first: the user's cells (with their source line) and
 * the files they call into (libraries, the user's modules; paths relative, no kernel frames,
 * no Node internals). Below the outermost cell frame is the executor calling the cell: cut.
 */
function frames(stack: string): string[] {
  const parsed = stack
    .split("\n")
    .map((l) => FRAME.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], where: m[2] ?? m[3]! }));
  const blocks: { cell: boolean; lines: string[] }[] = [];
  for (const { name, where } of parsed) {
    const place = PLACE.exec(where.replace(/^file:\/\//, ""));
    if (!place) continue; // "native", "<anonymous>"
    const [, file, line, column] = place as unknown as [string, string, string, string];
    const cellPlace_ = cellPlace(file, Number(line), Number(column));
    const fn = name && !/^(?:Object\.)?<anonymous>$/.test(name) ? `, in ${name.replace(/^Object\./, "")}` : "";
    if (cells.has(file)) {
      if (!cellPlace_) continue; // the wrapper that calls the cell: no TypeScript line
      const source = cellPlace_.cell.source.split("\n")[cellPlace_.line - 1];
      blocks.push({ cell: true, lines: sourceBlock(`${cellPlace_.cell.label}, line ${cellPlace_.line}${fn}`, source, cellPlace_.column) });
    } else if (file.startsWith("node:") || file.startsWith(KERNEL_DIR + path.sep) || file.startsWith("internal/")) {
      continue;
    } else {
      blocks.push({ cell: false, lines: [`${shownPath(file)}, line ${line}${fn}`] });
    }
  }
  // Frames below the outermost cell frame belong to whoever ran the cell.
  let lastCell = -1;
  blocks.forEach((b, i) => {
    if (b.cell) lastCell = i;
  });
  const kept = lastCell >= 0 ? blocks.slice(0, lastCell + 1) : blocks;
  return kept.reverse().flatMap((b) => b.lines);
}

/** No absolute paths in user errors: a package's files from its own name, ours from the project. */
function shownPath(file: string): string {
  const modules = file.lastIndexOf("/node_modules/");
  if (modules >= 0) return file.slice(modules + "/node_modules/".length);
  if (file.startsWith(PROJECT_ROOT + path.sep)) return `symtune/${path.relative(PROJECT_ROOT, file)}`;
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? path.basename(file) : relative;
}
