/**
 * IPython's interactive habits that live in the executor: `_`, `__`, `___` (the last three
 * results), `_5` and `Out[5]` (cell 5's result), `In[5]` (its input); a trailing `;` hides
 * a cell's result; `%%capture` holding a cell's output back.
 */
import type { MimeBundle } from "../../lib/display/protocol.ts";
import type { CapturedOutput } from "../magics/types.ts";
import type { CellIO } from "../protocol.ts";

/** The names results and inputs are kept under, declared for the type checker. */
export const HISTORY_DECLARATIONS = [
  "/** The last result (IPython's `_`). */",
  "declare let _: any;",
  "/** The result before the last. */",
  "declare let __: any;",
  "/** The result before that. */",
  "declare let ___: any;",
  "/** Every cell's result by its number: Out[3]. */",
  "declare const Out: Record<number, any>;",
  "/** Every cell's input by its number: In[3] (In[0] is empty). */",
  "declare const In: string[];",
].join("\n");
export const HISTORY_NAMES = new Set(["_", "__", "___", "Out", "In"]);

export function isHistoryName(name: string): boolean {
  return HISTORY_NAMES.has(name) || /^_\d+$/.test(name);
}

export class OutputHistory {
  private readonly inputs: string[] = [""];
  private readonly outputs: Record<number, unknown> = {};
  /** The values this class last put under _, __, ___: a user's own `_` (lodash) is left alone. */
  private readonly mine = new Map<string, unknown>();

  constructor(private readonly scope: Record<string, unknown>) {
    scope.In = this.inputs;
    scope.Out = this.outputs;
    for (const name of ["_", "__", "___"]) this.put(name, undefined);
  }

  input(count: number, code: string): void {
    while (this.inputs.length < count) this.inputs.push("");
    this.inputs[count] = code;
  }

  result(count: number, value: unknown): void {
    if (value === undefined) return;
    this.outputs[count] = value;
    this.scope[`_${count}`] = value;
    this.put("___", this.scope.__);
    this.put("__", this.scope._);
    this.put("_", value);
  }

  private put(name: string, value: unknown): void {
    if (this.mine.has(name) && this.scope[name] !== this.mine.get(name)) return; // the user's now
    this.scope[name] = value;
    this.mine.set(name, value);
  }
}

/** IPython hides the result of a cell whose last line ends with `;` (comments aside). */
export function hidesResult(code: string): boolean {
  const lines = code.split("\n").map((l) => l.replace(/\/\/.*$/, "").trimEnd()).filter((l) => l.trim() !== "");
  return lines.at(-1)?.endsWith(";") ?? false;
}

export interface Passed {
  stdout?: boolean;
  stderr?: boolean;
  display?: boolean;
}

/** A CellIO that keeps what `outer` would have shown (except the parts in `pass`). */
export function capturingIO(outer: CellIO, pass: Passed): { io: CellIO; kept: { stdout: string; stderr: string; outputs: MimeBundle[] } } {
  const kept = { stdout: "", stderr: "", outputs: [] as MimeBundle[] };
  const io: CellIO = {
    ...outer,
    stdout: (text) => (pass.stdout ? outer.stdout(text) : void (kept.stdout += text)),
    stderr: (text) => (pass.stderr ? outer.stderr(text) : void (kept.stderr += text)),
    display: (bundle, options) => (pass.display ? outer.display(bundle, options) : void kept.outputs.push(bundle)),
    update: (id, bundle, metadata) => (pass.display ? outer.update(id, bundle, metadata) : undefined),
    clearOutput: (wait) => (pass.display ? outer.clearOutput(wait) : undefined),
  };
  return { io, kept };
}

export function capturedOutput(kept: { stdout: string; stderr: string; outputs: MimeBundle[] }, current: () => CellIO): CapturedOutput {
  return {
    ...kept,
    show() {
      const io = current();
      if (kept.stdout) io.stdout(kept.stdout);
      if (kept.stderr) io.stderr(kept.stderr);
      for (const bundle of kept.outputs) io.display(bundle);
    },
  };
}
