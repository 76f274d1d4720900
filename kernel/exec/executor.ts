/**
 * The kernel's Executor (kernel/protocol.ts): runs TypeScript cells on the main thread.
 *
 * The executor alone sets up a cell: its interrupt state and AbortSignal (one CellInterrupt),
 * console, display sink and the ambient signal library code sees (lib/cell.ts). Then it either
 * answers a help request (pager), runs a cell magic, or compiles the cell (line magics become
 * calls) and runs it. Once interrupted, the cell gets a short grace period to stop on its own,
 * so a cell stuck on a promise (or a display) that never settles still ends with
 * KeyboardInterrupt; a cell whose JavaScript the wire worker stopped by force ends at once.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setCellSignal } from "../../lib/cell.ts";
import { toMimeBundle } from "../../lib/display/mime.ts";
import { clearOutput, display } from "../../lib/display/display.ts";
import { setDisplaySink, type DisplayOptions } from "../../lib/display/protocol.ts";
import { staticExportKeptWarm, warmStaticExport } from "../../lib/plot/static.ts";
import type { MagicContext } from "../magics/types.ts";
import type { CellIO, ExecOutcome, ExecuteOptions, Executor, InterruptFlag } from "../protocol.ts";
import { isCompleteCode } from "./assist.ts";
import { prepareCell } from "./cellsource.ts";
import { CheckerClient } from "./checker-client.ts";
import { rememberExportNames } from "./cjs-names.ts";
import { emitCell } from "./compile.ts";
import { routeConsole } from "./console.ts";
import { MAGIC_CALL, globalsDeclarations } from "./globals.ts";
import { HISTORY_DECLARATIONS, OutputHistory, capturedOutput, capturingIO, hidesResult, isHistoryName } from "./habits.ts";
import { CellInterrupt } from "./interrupt.ts";
import { completeMagicLine } from "./magiccomplete.ts";
import { cellMagicArgs, magicAt, parseCellMagic, parseHelpRequest, rewriteLineMagics } from "./magiclines.ts";
import { topLevelNames } from "./names.ts";
import { CompileError, errorOutcome } from "./outcome.ts";
import { isDeclarableName } from "./storable.ts";
import { CellRuntime, ensureTypeScriptLoader } from "./runtime.ts";
import { cellScript, type CompiledCell } from "./script.ts";
import { CellService } from "./service.ts";
import { describeValue } from "./valuetypes.ts";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

type Registry = typeof import("../magics/registry.ts");

export interface ExecutorOptions {
  flag: InterruptFlag;
  globals: Record<string, unknown>;
  /** The notebook's directory: imports and the type checker resolve from here. */
  cwd?: string;
  /** Parse lib and @types in the background right after start (default true). */
  warmUp?: boolean;
  /**
   * "run": cells that arrive before the type checker is warm run at once, only parsed, and
   * their type errors are printed when the checker is ready (an interactive kernel's first
   * cells answer in milliseconds). "check" (default): the first cell waits for the checker.
   */
  coldCells?: "run" | "check";
  /**
   * Build and run the type checker in a worker thread (the kernel does), so the seconds it
   * takes to warm never hold up a cell. Default: on this thread, warmed when idle.
   */
  checkerThread?: boolean;
}

/** How long the kernel must be idle before it warms the type checker (which blocks ~1-2 s). */
const WARM_WHEN_IDLE_MS = 400;
/** The same right after start: a frontend sends its first cell a moment after kernel_info. */
const WARM_AFTER_START_MS = 1000;
const CACHE_LIMIT = 200;

export async function createExecutor(options: ExecutorOptions): Promise<Executor> {
  const [{ default: ts }] = await Promise.all([import("./ts.ts"), ensureTypeScriptLoader()]);
  return new TypeScriptExecutor(options, ts.version);
}

class TypeScriptExecutor implements Executor {
  readonly scope: Record<string, unknown>;
  /** The main thread's view of the cells: a light program (syntax only) for cells that run unchecked. */
  private readonly mirror: CellService;
  private readonly checker: CheckerClient;
  /** Compiled cells that declare nothing, by source, while no declaration changes (`%timeit`, re-runs). */
  private readonly cache = new Map<string, { generation: number; cell: CompiledCell }>();
  private storedGeneration = 0;
  /** What the checker's thread said about itself (it died), for the next cell's stderr. */
  private notice: string | null = null;
  /** The process's directory when last seen; a change means `%cd` (followDirectory). */
  private seenDirectory = process.cwd();
  private readonly runtime: CellRuntime;
  private readonly interruption: CellInterrupt;
  private io: CellIO | null = null;
  private label = "cell";
  private registry: Registry | null = null;
  private warm: ReturnType<typeof setTimeout> | undefined;
  private readonly runCold: boolean;
  private readonly threaded: boolean;
  /** Whether symtune and the magics are still to be loaded in an idle moment (cold mode). */
  private preload: boolean;
  private busy = false;
  private readonly history: OutputHistory;
  /** Values magics stored (`--as`), to declare with their real types once the checker can. */
  private stored = new Map<string, unknown>();
  /** The names the kernel put in the scope (not the user's variables: %who skips them). */
  private readonly kernelNames: Set<string>;

  constructor(
    options: ExecutorOptions,
    readonly languageVersion: string,
  ) {
    const dir = options.cwd ?? process.cwd();
    this.interruption = new CellInterrupt(options.flag);
    this.runtime = new CellRuntime(this.interruption, PROJECT_ROOT, dir);
    this.runCold = options.coldCells === "run";
    this.threaded = options.checkerThread ?? false;
    const declarations =
      globalsDeclarations(PROJECT_ROOT, Object.keys(options.globals)) +
      `${HISTORY_DECLARATIONS}\n/** Clears this cell's output (IPython's name for clearOutput). */\ndeclare function clear_output(wait?: boolean): void;\n`;
    this.mirror = new CellService(dir, PROJECT_ROOT, declarations);
    this.checker = new CheckerClient(
      { dir, projectRoot: PROJECT_ROOT, declarations, library: this.runCold },
      {
        warm: () => this.declareStored(),
        failed: (message) => this.tell(message),
        declarations: () => this.mirror.declarationsText(),
      },
      this.threaded,
    );
    // No prototype: a user's `let constructor` or `toString` is just a name here.
    this.scope = Object.assign(Object.create(null) as Record<string, unknown>, {
      ...options.globals,
      display,
      input: (prompt = "", password = false) => this.cellIO().input(String(prompt), Boolean(password), this.interruption.signal),
      prompt: (message = "") => this.cellIO().input(String(message), false, this.interruption.signal),
      [MAGIC_CALL]: (name: string, args: string) => this.magics().then((r) => this.noteStores(() => r.runLineMagic(name, args, this.magicContext()))),
      clear_output: (wait = false) => clearOutput(Boolean(wait)),
    });
    this.history = new OutputHistory(this.scope);
    // `cellSignal` is the running cell's AbortSignal, for library calls that stop cleanly
    // (train({ signal: cellSignal })). A getter, so it follows the cell; assignable like any name.
    Object.defineProperty(this.scope, "cellSignal", {
      get: () => this.interruption.signal,
      set: (value) => Object.defineProperty(this.scope, "cellSignal", { value, writable: true, enumerable: true, configurable: true }),
      enumerable: true,
      configurable: true,
    });
    this.kernelNames = new Set(Object.keys(this.scope));
    this.preload = this.runCold && process.env.SYMTUNE_PRELOAD !== "0";
    if (options.warmUp !== false) this.scheduleWarmUp(this.runCold ? WARM_AFTER_START_MS : 0);
  }

  async execute(code: string, io: CellIO, options: ExecuteOptions): Promise<ExecOutcome> {
    if (this.runCold) clearTimeout(this.warm);
    else this.warmUp();
    this.busy = true;
    this.interruption.begin();
    this.io = io;
    this.label = `In [${options.executionCount}]`;
    this.useIO(io);
    if (this.notice) io.stderr(`${this.notice}\n`);
    this.notice = null;
    setCellSignal(this.interruption.signal);
    if (options.storeHistory) this.history.input(options.executionCount, code);
    try {
      // The cell and its display each run guarded: user code may be stopped by force there.
      const value = await this.interruption.guard(() => this.run(code));
      if (value === undefined || hidesResult(code)) return { status: "ok" };
      if (options.storeHistory) this.history.result(options.executionCount, value);
      return { status: "ok", result: await this.interruption.guard(() => this.interruption.userCode(() => toMimeBundle(value))) };
    } catch (error) {
      return errorOutcome(error);
    } finally {
      this.interruption.end();
      this.busy = false;
      // Magics may define variables (`--as name`); later cells must be able to name them.
      rememberExportNames(); // what this cell loaded (a no-op for what is known)
      const names = Object.keys(this.scope);
      this.mirror.declareUntyped(names);
      this.checker.declareUntyped(names);
      if (this.runCold && !this.checker.warm) this.scheduleWarmUp(WARM_WHEN_IDLE_MS);
      else if (this.checker.warm) this.declareStored();
    }
  }

  interrupt(terminatedCell?: number): void {
    this.interruption.interrupt(terminatedCell);
  }

  // Jupyter counts cursor positions in code points; JavaScript strings in UTF-16 units.
  async complete(code: string, cursorPos: number) {
    const registry = code.includes("%") ? await this.magics() : null;
    if (registry) {
      const cursor = toUtf16(code, cursorPos);
      const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
      const inMagic = await completeMagicLine(code.slice(lineStart, cursor), {
        spec: (name) => registry.getMagic(name),
        variables: () => this.userVariables(),
        families: async () => (await import("../../lib/collections/registry.ts")).listFamilies().map((f) => f.name),
        runIds: async () => (await import("../../lib/runs/registry.ts")).listRuns().map((r) => r.id),
      });
      if (inMagic) return { matches: inMagic.matches, cursorStart: toCodePoints(code, lineStart + inMagic.start), cursorEnd: cursorPos, metadata: {} };
    }
    // Completion needs the checker: warming it now also gives magic-stored variables their types.
    this.warmUp();
    this.followDirectory();
    this.declareStored();
    const result = await this.checker.complete(code, toUtf16(code, cursorPos), registry?.magicNames() ?? { line: [], cell: [] });
    return { ...result, cursorStart: toCodePoints(code, result.cursorStart), cursorEnd: toCodePoints(code, result.cursorEnd) };
  }

  async inspect(code: string, cursorPos: number, _detailLevel: 0 | 1) {
    const cursor = toUtf16(code, cursorPos);
    const magic = magicAt(code, cursor);
    if (magic) {
      try {
        return { found: true, data: { "text/plain": (await this.magics()).magicHelp(magic) } };
      } catch {
        return { found: false, data: {} };
      }
    }
    this.warmUp();
    this.followDirectory();
    this.declareStored();
    return await this.checker.inspect(code, cursor);
  }

  async isComplete(code: string) {
    return isCompleteCode(code);
  }

  /** Points console, display and the magics' output at `io`. */
  private useIO(io: CellIO): void {
    this.io = io;
    routeConsole(io);
    setDisplaySink({
      display: (bundle, opts) => io.display(bundle, opts),
      update: (id, bundle, metadata) => io.update(id, bundle, metadata),
      clear: (wait) => io.clearOutput(wait),
      stdout: (text) => io.stdout(text),
    });
  }

  /** Is `name` a variable of the notebook (for `$name` in magic arguments)? */
  private knownName(code: string): (name: string) => boolean {
    let own: Set<string> | undefined;
    return (name) => this.mirror.declares(name) || (own ??= topLevelNames(code)).has(name);
  }

  /** Compiles and runs TypeScript in the cell scope; the value of its last expression. */
  async evaluate(code: string): Promise<unknown> {
    const io = this.io;
    const label = this.label;
    const late = (lines: string[]) => io?.stderr(`${label} ran before the type checker was ready; checked now:\n${lines.join("\n")}\n`);
    this.followDirectory();
    const cell = await this.interruption.protect(() => this.compile(prepareCell(rewriteLineMagics(code, this.knownName(code))), label, late));
    return await this.interruption.userCode(() => cell.run(this.scope, this.runtime));
  }

  /**
   * Checked by the checker and compiled there; or, while it is not warm yet (an interactive
   * kernel's first cells), only parsed here and run at once, the checker told to check it later.
   */
  private async compile(code: string, label: string, late: (lines: string[]) => void): Promise<CompiledCell> {
    const generation = this.mirror.generation + this.storedGeneration;
    const cached = this.cache.get(code);
    if (cached && cached.generation === generation) return cached.cell;
    const declared = topLevelNames(code);
    const cold = this.runCold && !this.checker.warm;
    const emitted = cold ? emitCell(this.mirror, code, declared) : await this.checker.compile(code);
    if ("diagnostics" in emitted) throw new CompileError(emitted.diagnostics, label, code);
    if (cold) this.checker.cold(code, label, late);
    else this.mirror.commit(emitted.dts, declared);
    const cell = cellScript(emitted.js, this.runtime.dir, label, code);
    if (declared.size === 0 && !cold) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(code, { generation, cell });
    }
    return cell;
  }

  /**
   * Once the process's directory changes (`%cd`, `process.chdir`), relative imports in later
   * cells resolve from it, at run time and in the type checker alike (IPython's imports
   * follow its working directory too). Until then they resolve from the notebook's folder.
   */
  private followDirectory(): void {
    const cwd = process.cwd();
    if (cwd === this.seenDirectory) return;
    this.seenDirectory = cwd;
    this.runtime.dir = cwd;
    this.checker.setBase(cwd);
  }

  /** Says `message` in the running cell's output, or else the next cell's. */
  private tell(message: string): void {
    if (this.busy && this.io) this.io.stderr(`${message}\n`);
    else this.notice = message;
  }

  private async run(code: string): Promise<unknown> {
    const help = parseHelpRequest(code);
    if (help) {
      if (help.kind !== "magic") this.declareStored();
      const bundle = help.kind === "magic" ? { "text/plain": (await this.magics()).magicHelp(help.name) } : await this.checker.symbolHelp(help.expression);
      this.cellIO().page(bundle);
      return undefined;
    }
    const cellMagic = parseCellMagic(code);
    if (cellMagic) {
      const registry = await this.magics();
      // The body starts on the cell's second line: evaluated as is, errors name cell lines.
      const ctx = this.magicContext();
      const headerLines = code.slice(0, code.length - cellMagic.body.length).split("\n").length - 1;
      const evaluate = (body: string) => this.evaluate(body === cellMagic.body ? "\n".repeat(headerLines) + body : body);
      const args = cellMagicArgs(cellMagic.name, cellMagic.args, this.knownName(""));
      const argLine = args.startsWith("`") ? String(await this.evaluate(args)) : cellMagic.args;
      return await this.interruption.userCode(() => this.noteStores(() => registry.runCellMagic(cellMagic.name, argLine, cellMagic.body, { ...ctx, evaluate })));
    }
    return await this.evaluate(code);
  }

  private magicContext(): MagicContext {
    // Output goes to the cell's current IO, so %%capture can hold it back.
    const io = () => this.cellIO();
    return {
      signal: this.interruption.signal,
      evaluate: (code) => this.evaluate(code),
      display: (value: unknown, options?: DisplayOptions) => void display(value, options),
      print: (text) => io().stdout(text.endsWith("\n") ? text : text + "\n"),
      stdout: (text) => io().stdout(text),
      stderr: (text) => io().stderr(text),
      scope: this.scope,
      capture: async (work, pass = {}) => {
        const outer = io();
        const { io: inner, kept } = capturingIO(outer, pass);
        this.useIO(inner);
        try {
          await work();
        } finally {
          this.useIO(outer);
        }
        return capturedOutput(kept, io);
      },
      variables: () => this.userVariables(),
    };
  }

  /** The names the user and magics defined (not the kernel's own), in definition order. */
  private userVariables(): string[] {
    return Object.keys(this.scope).filter((n) => !this.kernelNames.has(n) && !isHistoryName(n) && !n.startsWith("__symtune"));
  }

  /** The magic registry and the built-in magics, loaded on first use. */
  private async magics(): Promise<Registry> {
    if (!this.registry) {
      this.registry = await this.interruption.protect(async () => {
        await import("../magics/index.ts");
        return await import("../magics/registry.ts");
      });
    }
    return this.registry;
  }

  private cellIO(): CellIO {
    if (!this.io) throw new Error("no cell is running");
    return this.io;
  }

  private scheduleWarmUp(delayMs: number): void {
    clearTimeout(this.warm);
    this.warm = setTimeout(() => void this.idleWork(), delayMs);
    this.warm.unref?.();
  }

  /**
   * What the kernel does when idle: load symtune and the magics (nearly every notebook's first
   * import and magic; ~1.2 s of CPU, mostly tfjs), then warm the type checker.
   */
  private async idleWork(): Promise<void> {
    // A checker in its own thread warms beside the preload (on a second core, if there is one).
    if (this.threaded) this.checker.warmUp();
    if (this.preload) {
      this.preload = false;
      await Promise.all([import("../../lib/index.ts"), this.magics()]).catch(() => {});
      rememberExportNames();
      // The browser for static figures would start 3 s after the plotting module loaded
      // (lib/plot/figure.ts), perhaps under the user's next cell; start it in this idle moment.
      if (staticExportKeptWarm() && process.env.SYMTUNE_HEADLESS !== "1") warmStaticExport();
      if (this.busy) return; // a cell came: the checker warms at the next idle moment
    }
    this.warmUp();
  }

  /** In-thread checker: builds it now (its `warm` event declares what magics stored). */
  private warmUp(): void {
    clearTimeout(this.warm);
    this.checker.warmUp();
  }

  /** Runs a magic and notes the names it stored in the scope. */
  private async noteStores<T>(magic: () => Promise<T>): Promise<T> {
    const before = new Map(Object.entries(this.scope));
    try {
      return await magic();
    } finally {
      for (const [name, value] of Object.entries(this.scope)) {
        if (before.get(name) !== value && !this.kernelNames.has(name) && !isHistoryName(name)) this.stored.set(name, value);
      }
    }
  }

  /**
   * Declares what magics stored with the types of their values (a name reassigned since keeps
   * its own type): when the checker is warm, or before it answers an editor request (it types
   * them once warm, before the answer: `model.tra<Tab>` right after `%train … --as model`).
   */
  private declareStored(): void {
    if (this.stored.size === 0) return;
    const stored = [...this.stored].filter(([name, value]) => isDeclarableName(name) && this.scope[name] === value);
    this.stored.clear();
    this.checker.declareStored(stored.map(([name, value]) => [name, describeValue(value)]));
    this.storedGeneration++;
  }
}

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

function toUtf16(code: string, codePoints: number): number {
  if (!ASTRAL.test(code)) return codePoints;
  return [...code].slice(0, codePoints).join("").length;
}

function toCodePoints(code: string, utf16: number): number {
  if (!ASTRAL.test(code)) return utf16;
  return [...code.slice(0, utf16)].length;
}
