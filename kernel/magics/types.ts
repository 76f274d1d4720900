/**
 * Magics follow IPython's model: one declaration of a magic's arguments parses `%name args`,
 * prints `%name?` help and lists it in `%lsmagic`. Magics are thin: parse, call a library
 * function, display. A user mistake throws UsageError (lib/errors.ts).
 *
 * Domain magics live in kernel/magics/<name>.ts, call `registerMagic(...)` from
 * kernel/magics/registry.ts at import time, and are imported by kernel/magics/index.ts.
 */
import type { DisplayOptions, MimeBundle } from "../../lib/display/protocol.ts";

export type ArgType = "string" | "number" | "integer" | "boolean";

export interface ArgSpec {
  /** `name` for a positional, `--name` style options are declared with option: true. */
  name: string;
  help: string;
  option?: boolean;
  /** Short alias for an option, e.g. "n" for -n. */
  short?: string;
  type?: ArgType;
  choices?: readonly string[];
  /** Numeric arguments: the smallest and largest values allowed (both included). */
  min?: number;
  max?: number;
  default?: unknown;
  /** How `%name?` shows a default the library derives (e.g. "3% of steps"); `default` stays unset. */
  defaultText?: string;
  required?: boolean;
  /** A positional that takes the rest of the words. */
  variadic?: boolean;
  /** An option that takes no value (a flag). */
  flag?: boolean;
  /**
   * The last positional takes the rest of the line verbatim, unsplit and unquoted (code for
   * %time/%timeit). Options are only recognised before it.
   */
  raw?: boolean;
}

export interface MagicContext {
  /** The cell body after the `%%name args` line, for cell magics. */
  body?: string;
  /** Aborted when the user interrupts the cell; long work (training) must watch it. */
  signal: AbortSignal;
  /** Runs TypeScript in the cell's scope (used by %time, %timeit, %%train bodies). */
  evaluate(code: string): Promise<unknown>;
  display(value: unknown, options?: DisplayOptions): void;
  print(text: string): void;
  /** The user's global scope: magics may read or define variables (e.g. `--as name`). */
  scope: Record<string, unknown>;
  /** The notebook's directory, where relative paths (`%load_ext ./x.ts`) resolve; default process.cwd(). */
  cwd?: string;
  /** Raw output streams (no newline added), for output that arrives in pieces (shell commands). */
  stdout?(text: string): void;
  stderr?(text: string): void;
  /** Runs `work` with the cell's output held back (the parts in `pass` still shown); %%capture. */
  capture?(work: () => Promise<unknown>, pass?: { stdout?: boolean; stderr?: boolean; display?: boolean }): Promise<CapturedOutput>;
  /** The names the user and magics defined (not the kernel's own names), in definition order. */
  variables?(): string[];
}

/** What %%capture kept: the text streams and the rich outputs, and `show()` to display them after all. */
export interface CapturedOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: readonly MimeBundle[];
  show(): void;
}

/**
 * Parsed arguments by key (options camelCased), every positional word in `_`, and in
 * `_typed` the keys the user actually typed, so a magic can tell "typed 200" from "default
 * 200" (a %%train body may set what the line left at its default, never what it typed).
 */
export type MagicArgs = Record<string, unknown> & { _: string[]; _typed: string[] };

export interface MagicSpec {
  name: string;
  /** line: `%name`, cell: `%%name`, both: either. */
  mode: "line" | "cell" | "both";
  /** One line for %lsmagic. */
  summary: string;
  /** Longer text for `%name?`, after the generated usage line. */
  help?: string;
  args: ArgSpec[];
  /** The value returned is displayed like a last expression (through the display protocol). */
  run(args: MagicArgs, ctx: MagicContext): unknown | Promise<unknown>;
}

export type { MimeBundle };
