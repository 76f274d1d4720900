/**
 * A thrown value → the `error` outcome of execute_reply. User errors (UsageError, DataError,
 * TrainingError), interrupts and type errors are one line each; anything else is our bug or
 * the user's code's, shown with its stack trimmed to the cell and library frames, with cell
 * positions mapped back to the TypeScript source.
 */
import { inspect } from "node:util";
import { isUserError } from "../../lib/errors.ts";
import type { ExecOutcome } from "../protocol.ts";
import { CompileError, cellPosition } from "./compile.ts";
import { KeyboardInterrupt } from "./runtime.ts";

type ErrorOutcome = Extract<ExecOutcome, { status: "error" }>;

export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof CompileError) {
    return { status: "error", ename: error.name, evalue: error.message, traceback: error.lines.map((l) => `${error.name}: ${l}`) };
  }
  if (error instanceof KeyboardInterrupt || (error as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    return { status: "error", ename: "KeyboardInterrupt", evalue: "Execution interrupted", traceback: ["KeyboardInterrupt: Execution interrupted"] };
  }
  if (isUserError(error) || isUserErrorByName(error)) {
    return { status: "error", ename: error.name, evalue: error.message, traceback: [`${error.name}: ${error.message}`] };
  }
  if (isErrorLike(error)) {
    const ename = error.name || "Error";
    const head = `${ename}: ${error.message}`;
    return { status: "error", ename, evalue: error.message, traceback: [head, ...frames(error.stack ?? "")] };
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

const CELL_FRAME = /([^\s()]*__symtune_cell_\d+\.js):(\d+):(\d+)/;

/**
 * Stack frames worth showing: from the throw down to the last cell frame (the caller's
 * frames below it are the executor's), cell positions mapped to TypeScript, Node internals
 * dropped.
 */
function frames(stack: string): string[] {
  const lines = stack.split("\n").filter((l) => /^\s+at /.test(l));
  let last = -1;
  lines.forEach((l, i) => {
    if (CELL_FRAME.test(l)) last = i;
  });
  const kept = last >= 0 ? lines.slice(0, last + 1) : lines.filter((l) => !l.includes("/kernel/exec/"));
  return kept
    .filter((l) => !l.includes("node:internal") && !l.includes("node:vm"))
    .map((l) => {
      const m = CELL_FRAME.exec(l);
      return m ? l.replace(m[0], cellPosition(m[1]!, Number(m[2]), Number(m[3])) ?? "") : l;
    })
    .filter((l) => !/ \(?$/.test(l)) // the cell's own wrapper call: no TypeScript line
    .map((l) =>
      l
        .replace(/^(\s+at )Object\.(?=\S+ \()/, "$1")
        .replace(/^(\s+at )(In \[|cell)/, "$1<cell> ($2")
        .replace(/^(\s+at <cell> \(.*[^)])$/, "$1)"),
    );
}
