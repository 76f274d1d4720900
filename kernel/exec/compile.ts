/**
 * One cell from TypeScript text to a runnable script: type-check against earlier cells,
 * emit through the cell transformer, record the cell's declarations for later cells, wrap
 * the JavaScript in an async function and compile it with vm (main realm, so objects from
 * cells and from the library share one set of built-ins; `instanceof` works across them).
 */
import path from "node:path";
import vm from "node:vm";
import { topLevelNames } from "./names.ts";
import { CellService, type CellDiagnostic } from "./service.ts";
import { originalPosition, parseSourceMap, type LineMap } from "./sourcemap.ts";
import { RUNTIME, SCOPE, cellTransformer } from "./transform.ts";

/** Type or syntax errors in a cell: one line per diagnostic, no JavaScript stack. */
export class CompileError extends Error {
  override name = "TSError";
  constructor(readonly diagnostics: CellDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic)[0] ?? "compile error");
  }
  get lines(): string[] {
    return this.diagnostics.map(formatDiagnostic);
  }
}

export function formatDiagnostic(d: CellDiagnostic): string {
  return `cell:${d.line}:${d.column} - ${d.message} (TS${d.code})`;
}

/** A compiled cell; `run` may be called again (timeit) without compiling again. */
export interface CompiledCell {
  run(scope: Record<string, unknown>, runtime: unknown): Promise<unknown>;
}

/** Compiled cells by script file name, for tracebacks. */
const cellMaps = new Map<string, { map: LineMap; label: string; prefixLength: number }>();

/** `file:line:column` of a compiled cell → "In [3]:2:5" in the cell's TypeScript; else undefined. */
export function cellPosition(file: string, line: number, column: number): string | undefined {
  const cell = cellMaps.get(file);
  if (!cell) return undefined;
  const original = originalPosition(cell.map, line, line === 1 ? column - cell.prefixLength : column);
  return original && `${cell.label}:${original.line}:${original.column}`;
}

/**
 * Where the script reads its arguments: set right before it runs, read at once. One array
 * for the process, never deleted: deleting a global property makes V8 drop optimised code
 * that depends on the global object (all of TypeScript), which cost milliseconds per cell.
 */
const cellArgs: unknown[] = ((globalThis as Record<symbol, unknown[]>)[Symbol.for("symtune.cell.args")] ??= []);
const CACHE_LIMIT = 200;
silenceLoaderWarning();

export class CellCompiler {
  private readonly cache = new Map<string, { generation: number; cell: CompiledCell }>();
  private scripts = 0;

  constructor(private readonly service: CellService) {}

  /** `label` names the cell in tracebacks, e.g. "In [3]". */
  compile(code: string, label = "cell"): CompiledCell {
    const cached = this.cache.get(code);
    if (cached && cached.generation === this.service.generation) return cached.cell;

    const declared = topLevelNames(code);
    this.service.setCell(code, declared);
    const diagnostics = this.service.diagnostics();
    if (diagnostics.length > 0) throw new CompileError(diagnostics);

    const program = this.service.program();
    const sf = this.service.sourceFile();
    let js = "";
    let dts = "";
    const result = program.emit(
      sf,
      (file, text) => {
        if (file.endsWith(".d.ts")) dts = text;
        else if (file.endsWith(".js")) js = text;
      },
      undefined,
      false,
      { before: [cellTransformer(program.getTypeChecker(), this.service.codeLength)] },
    );
    if (!js) throw new Error(`TypeScript emitted no JavaScript for the cell (${result.diagnostics.length} emit diagnostics)`);
    this.service.commit(dts, declared);

    const cell = this.toScript(js, label);
    if (declared.size === 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(code, { generation: this.service.generation, cell });
    }
    return cell;
  }

  private toScript(js: string, label: string): CompiledCell {
    const mapComment = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(js);
    const body = (mapComment ? js.slice(0, mapComment.index) : js).replace(/^export \{\};?\s*$/m, "");
    const n = ++this.scripts;
    // Same line as the first line of code, so line numbers (and the source map) still match.
    const prefix = `(async function (${SCOPE}, ${RUNTIME}) { "use strict"; `;
    const text = `${prefix}${body}\n})(globalThis[Symbol.for("symtune.cell.args")][0], globalThis[Symbol.for("symtune.cell.args")][1])`;
    // The loader resolves the cell's imports relative to this name: the user's directory.
    const filename = path.join(this.service.dir, `__symtune_cell_${n}.js`);
    const map = mapComment ? parseSourceMap(mapComment[1]!) : undefined;
    if (map) cellMaps.set(filename, { map, label, prefixLength: prefix.length });
    const script = new vm.Script(text, {
      filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    // breakOnSigint starts and joins a watchdog thread per run (~0.1 ms idle, several ms on a
    // busy machine). Only code that calls, constructs or loops can run long enough to need it.
    const breakOnSigint = /[(`]|\b(?:for|while|do|new)\b/.test(body);
    return {
      run(scope, runtime) {
        cellArgs[0] = scope;
        cellArgs[1] = runtime;
        return script.runInThisContext({ breakOnSigint }) as Promise<unknown>;
      },
    };
  }
}

/**
 * Node flags USE_MAIN_CONTEXT_DEFAULT_LOADER as experimental the first time a cell imports;
 * in a notebook's log that line is noise, so only that warning is dropped.
 */
function silenceLoaderWarning(): void {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("USE_MAIN_CONTEXT_DEFAULT_LOADER")) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}
