/**
 * A compiled cell's JavaScript → a script the main thread runs: wrapped in an async function
 * and compiled with vm in the main realm (objects from cells and from the library share one
 * set of built-ins; `instanceof` works across them), its source map registered for tracebacks.
 */
import path from "node:path";
import vm from "node:vm";
import { registerCell } from "./outcome.ts";
import { parseSourceMap } from "./sourcemap.ts";
import { RUNTIME, SCOPE } from "./transform.ts";

/** A compiled cell; `run` may be called again (timeit) without compiling again. */
export interface CompiledCell {
  run(scope: Record<string, unknown>, runtime: unknown): Promise<unknown>;
}

/**
 * Where the script reads its arguments: set right before it runs, read at once. One array
 * for the process, never deleted: deleting a global property makes V8 drop optimised code
 * that depends on the global object (all of TypeScript), which cost milliseconds per cell.
 */
const cellArgs: unknown[] = ((globalThis as Record<symbol, unknown[]>)[Symbol.for("symtune.cell.args")] ??= []);
let scripts = 0;
silenceLoaderWarning();

/** `dir` is the notebook's directory (the loader resolves the cell's imports from the script's name). */
export function cellScript(js: string, dir: string, label: string, source: string): CompiledCell {
  const mapComment = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(js);
  const body = (mapComment ? js.slice(0, mapComment.index) : js).replace(/^export \{\};?\s*$/m, "");
  const n = ++scripts;
  // Same line as the first line of code, so line numbers (and the source map) still match.
  const prefix = `(async function (${SCOPE}, ${RUNTIME}) { "use strict"; `;
  const text = `${prefix}${body}\n})(globalThis[Symbol.for("symtune.cell.args")][0], globalThis[Symbol.for("symtune.cell.args")][1])`;
  const filename = path.join(dir, `__symtune_cell_${n}.js`);
  const map = mapComment ? parseSourceMap(mapComment[1]!) : undefined;
  if (map) registerCell(filename, { map, label, prefixLength: prefix.length, source });
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
