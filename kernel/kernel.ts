/**
 * The kernel's main-thread dispatcher. The socket worker (wire/worker.ts) hands it requests;
 * it runs shell requests one at a time through the Executor (kernel/protocol.ts), wraps each
 * in busy/idle on iopub, and turns a cell's CellIO calls into iopub messages.
 *
 * Start-up is ordered for speed: the executor (which loads TypeScript) starts loading, then the
 * sockets' worker starts (it answers kernel_info at once, whatever the main thread is doing);
 * shell requests wait in the queue until the executor is ready.
 */
import { randomUUID } from "node:crypto";
import { register } from "node:module";
import type { DisplayOptions, MimeBundle } from "../lib/display/protocol.ts";
import { keepStaticExportWarm } from "../lib/plot/static.ts";
import { UsageError } from "../lib/errors.ts";
import { CommManager } from "./comm.ts";
import { errorOutcome } from "./exec/outcome.ts";
import { History } from "./history.ts";
import { InterruptFlag, contentOf, type CellIO, type ExecOutcome, type Executor, type IopubContents, type ReplyContents } from "./protocol.ts";
import type { ConnectionInfo } from "./wire/connection.ts";
import { kernelInfo } from "./wire/kernel-info.ts";
import { wallClock, type Content, type Envelope, type Message } from "./wire/message.ts";
import { Wire, type Arrived, type RequestChannel } from "./wire/wire.ts";

const exitProcess = process.exit.bind(process);

export type ExecutorFactory = (options: { flag: InterruptFlag; globals: Record<string, unknown> }) => Promise<Executor>;

export interface KernelOptions {
  connection: ConnectionInfo;
  /** Tests pass a small executor; the kernel proper loads kernel/exec/executor.ts. */
  createExecutor?: ExecutorFactory;
  history?: History;
}

const loadExecutor: ExecutorFactory = async (options) => {
  // Before anything imports tfjs: its ESM imports come from remembered names, not Node's lexer.
  if (process.env.SYMTUNE_CODE_CACHE !== "0") register(new URL("./exec/cjs-hooks.ts", import.meta.url));
  const { createExecutor } = await import("./exec/executor.ts");
  // Interactive: the first cells run while the type checker warms (SYMTUNE_COLD_CELLS=check waits),
  // and it warms in a thread of its own (SYMTUNE_CHECKER_THREAD=0: on the main thread when idle).
  return createExecutor({
    ...options,
    coldCells: process.env.SYMTUNE_COLD_CELLS === "check" ? "check" : "run",
    checkerThread: process.env.SYMTUNE_CHECKER_THREAD !== "0",
  });
};

type Handler = (channel: RequestChannel, request: Arrived) => Promise<void> | void;

interface PendingInput {
  resolve(value: string): void;
  reject(error: Error): void;
}

export class Kernel {
  readonly flag = new InterruptFlag();
  readonly session = randomUUID();
  readonly history: History;
  readonly comms: CommManager;
  private wire!: Wire;
  private executor: Promise<Executor>;
  private queue: Arrived[] = [];
  /** execute_requests that reached the sockets before this moment are aborted (stop_on_error). */
  private abortArrivedBefore = 0;
  private draining = false;
  private executionCount = 0;
  /** The request being handled: parent of comm messages and of output from stray callbacks. */
  private parent: Message | undefined;
  private pendingInput: PendingInput | null = null;
  private lastIO: CellIO | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;

  private constructor(private readonly options: KernelOptions) {
    this.history = options.history ?? new History();
    this.comms = new CommManager((type, content, metadata, buffers) => this.wire.publish(type, content, this.parent, metadata, buffers));
    this.executor = new Promise(() => {}); // replaced in start()
  }

  static async start(options: KernelOptions): Promise<Kernel> {
    const kernel = new Kernel(options);
    // The executor (TypeScript, the checker's thread) loads while the socket worker starts:
    // the main thread would only wait for the worker otherwise.
    const create = options.createExecutor ?? loadExecutor;
    kernel.executor = create({ flag: kernel.flag, globals: { comms: kernel.comms.api } });
    kernel.executor.catch((error) => console.error(`symtune kernel: the executor failed to start: ${error?.stack ?? error}`));
    kernel.wire = await Wire.start(
      { connection: options.connection, flag: kernel.flag, kernelInfo: kernelInfo(), session: kernel.session },
      {
        request: (channel, request) => kernel.receive(channel, request),
        interrupt: (terminatedCell) => kernel.interrupt(terminatedCell),
        orphaned: () => void kernel.stop(0),
      },
    );
    kernel.wire.publish("status", { execution_state: "starting" });
    // The socket worker watches SIGINT (wire/stopper.ts), so a blocked main thread still
    // hears it; a handler here would take the signal from it. Without that watchdog, SIGINT
    // is handled here (and never kills the kernel).
    if (!kernel.wire.watchesSigint) {
      process.on("SIGINT", () => {
        kernel.flag.raise();
        kernel.interrupt();
      });
    }
    // A cell's process.exit() must close the sockets first, or zeromq aborts the process.
    process.exit = ((code?: number | string | null) => void kernel.stop(Number(code ?? 0))) as typeof process.exit;
    // Figures' static images: one browser for the kernel's life, not a cold start per figure.
    keepStaticExportWarm();
    process.on("uncaughtException", (error) => kernel.reportStray(error));
    process.on("unhandledRejection", (reason) => kernel.reportStray(reason));
    return kernel;
  }

  private receive(channel: RequestChannel, request: Arrived): void {
    if (channel === "stdin") return this.receiveInput(request);
    if (channel === "control") {
      void this.handle(channel, request);
      return;
    }
    this.queue.push(request);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    while (this.queue.length > 0 && !this.stopping) await this.handle("shell", this.queue.shift()!);
    this.draining = false;
  }

  private async handle(channel: RequestChannel, request: Arrived): Promise<void> {
    const type = request.msg.header.msg_type;
    // Own properties only: a message typed "constructor" or "__proto__" is unknown, not Object's.
    const handler = Object.hasOwn(this.handlers, type) ? this.handlers[type] : undefined;
    if (!handler) {
      console.error(`symtune kernel: ignoring unknown ${channel} message type "${type}"`);
      return;
    }
    this.parent = request.msg;
    this.wire.publish("status", { execution_state: "busy" }, request.msg);
    try {
      await handler(channel, request);
    } catch (error) {
      console.error(`symtune kernel: ${type} failed: ${(error as Error)?.stack ?? error}`);
      if (type.endsWith("_request")) {
        this.wire.reply(channel, request, type.replace(/_request$/, "_reply") as keyof ReplyContents, errorOutcome(error));
      }
    } finally {
      if (!this.stopping) this.wire.publish("status", { execution_state: "idle" }, request.msg);
    }
  }

  private readonly handlers: Record<string, Handler> = {
    execute_request: (channel, request) => this.execute(channel, request),
    complete_request: async (channel, request) => {
      const { code = "", cursor_pos } = contentOf(request.msg, "complete_request");
      const r = await (await this.executor).complete(code, cursor_pos ?? code.length);
      this.wire.reply(channel, request, "complete_reply", {
        status: "ok",
        matches: r.matches,
        cursor_start: r.cursorStart,
        cursor_end: r.cursorEnd,
        metadata: r.metadata ?? {},
      });
    },
    inspect_request: async (channel, request) => {
      const { code = "", cursor_pos, detail_level } = contentOf(request.msg, "inspect_request");
      const r = await (await this.executor).inspect(code, cursor_pos ?? code.length, detail_level === 1 ? 1 : 0);
      this.wire.reply(channel, request, "inspect_reply", { status: "ok", found: r.found, data: r.found ? r.data : {}, metadata: {} });
    },
    is_complete_request: async (channel, request) => {
      const r = await (await this.executor).isComplete(contentOf(request.msg, "is_complete_request").code ?? "");
      this.wire.reply(channel, request, "is_complete_reply", r.indent === undefined ? { status: r.status } : { status: r.status, indent: r.indent });
    },
    history_request: (channel, request) => {
      this.wire.reply(channel, request, "history_reply", { status: "ok", history: this.historyRows(request.msg.content) });
    },
    comm_info_request: (channel, request) => {
      this.wire.reply(channel, request, "comm_info_reply", { status: "ok", comms: this.comms.info(contentOf(request.msg, "comm_info_request").target_name) });
    },
    comm_open: (_channel, request) => this.comms.handleOpen(request.msg.content, request.msg.buffers),
    comm_msg: (_channel, request) => this.comms.handleMsg(request.msg.content, request.msg.buffers),
    comm_close: (_channel, request) => this.comms.handleClose(request.msg.content),
    shutdown_request: (channel, request) => this.shutdown(channel, request),
  };

  private async execute(channel: RequestChannel, request: Arrived): Promise<void> {
    if (request.arrived < this.abortArrivedBefore) {
      this.wire.reply(channel, request, "execute_reply", { status: "aborted", execution_count: null });
      return;
    }
    const content = contentOf(request.msg, "execute_request");
    const code = String(content.code ?? "");
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.wire.publish("execute_input", { code, execution_count: count }, request.msg);

    const payload: Content[] = [];
    const io = this.cellIO(request, content.allow_stdin !== false, payload);
    let outcome: ExecOutcome;
    // From here on an interrupt is this cell's, even while the executor is still loading
    // TypeScript: an earlier, stale flag is cleared now, and one raised meanwhile is kept.
    this.flag.clear();
    try {
      const executor = await this.executor;
      if (this.flag.raised) {
        outcome = { status: "error", ename: "KeyboardInterrupt", evalue: "interrupted before the cell started", traceback: ["KeyboardInterrupt: interrupted before the cell started"] };
      } else {
        this.lastIO = io;
        outcome = await executor.execute(code, io, { silent, storeHistory, executionCount: count });
      }
    } catch (error) {
      outcome = errorOutcome(error);
    }

    if (outcome.status === "ok") {
      // A value with no representation (an empty bundle) is not a result, as IPython shows nothing for None.
      if (outcome.result && Object.keys(outcome.result).length > 0 && !silent) {
        this.wire.publish("execute_result", { execution_count: count, data: outcome.result, metadata: {} }, request.msg);
      }
      const userExpressions = await this.userExpressions(content.user_expressions, count);
      this.wire.reply(channel, request, "execute_reply", { status: "ok", execution_count: count, payload, user_expressions: userExpressions });
    } else {
      const { ename, evalue, traceback } = outcome;
      this.wire.publish("error", { ename, evalue, traceback }, request.msg);
      this.wire.reply(channel, request, "execute_reply", { status: "error", execution_count: count, ename, evalue, traceback, payload });
      // Cells the client sent before it could see this error are not run (ipykernel's stop_on_error);
      // they may still be on their way from the socket worker, hence the arrival time.
      if (content.stop_on_error !== false) this.abortArrivedBefore = wallClock();
    }
    if (storeHistory) {
      const text = outcome.status === "ok" ? outcome.result?.["text/plain"] : undefined;
      this.history.append(count, code, typeof text === "string" ? text : null);
    }
  }

  /** execute_request's user_expressions: each evaluated quietly after the cell, as ipykernel does. */
  private async userExpressions(expressions: unknown, count: number): Promise<Record<string, Content>> {
    const out: Record<string, Content> = {};
    if (!expressions || typeof expressions !== "object") return out;
    const executor = await this.executor;
    const quiet: CellIO = { stdout() {}, stderr() {}, display() {}, update() {}, clearOutput() {}, page() {}, input: () => Promise.reject(new UsageError("user_expressions cannot ask for input")) };
    for (const [name, expression] of Object.entries(expressions)) {
      try {
        const r = await executor.execute(String(expression), quiet, { silent: true, storeHistory: false, executionCount: count });
        out[name] = r.status === "ok" ? { status: "ok", data: r.result ?? {}, metadata: {} } : r;
      } catch (error) {
        out[name] = errorOutcome(error);
      }
    }
    return out;
  }

  private cellIO(request: Envelope, allowStdin: boolean, payload: Content[]): CellIO {
    const parent = request.msg;
    const publish = <T extends keyof IopubContents>(type: T, content: IopubContents[T]) => this.wire.publish(type, content, parent);
    const transient = (displayId?: string) => (displayId ? { display_id: displayId } : {});
    return {
      stdout: (text: string) => text && publish("stream", { name: "stdout", text }),
      stderr: (text: string) => text && publish("stream", { name: "stderr", text }),
      display: (bundle: MimeBundle, options?: DisplayOptions) =>
        publish("display_data", { data: bundle, metadata: options?.metadata ?? {}, transient: transient(options?.displayId) }),
      update: (displayId: string, bundle: MimeBundle, metadata?: Record<string, unknown>) =>
        publish("update_display_data", { data: bundle, metadata: metadata ?? {}, transient: transient(displayId) }),
      clearOutput: (wait: boolean) => publish("clear_output", { wait }),
      input: (prompt: string, password: boolean, signal?: AbortSignal) => this.requestInput(request, allowStdin, prompt, password, signal),
      page: (bundle: MimeBundle) => payload.push({ source: "page", data: bundle, start: 0 }),
    };
  }

  private requestInput(request: Envelope, allowStdin: boolean, prompt: string, password: boolean, signal?: AbortSignal): Promise<string> {
    if (!allowStdin) {
      return Promise.reject(new UsageError("input is not available here: this front-end sent allow_stdin: false (run the cell in a notebook or console that accepts input)"));
    }
    if (this.pendingInput) return Promise.reject(new UsageError("another input request is still waiting for its answer; await it first"));
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        this.pendingInput = null;
        reject(Object.assign(new Error("input was interrupted"), { name: "Interrupted" }));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pendingInput = {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject,
      };
      this.wire.ask(request, "input_request", { prompt, password });
    });
  }

  private receiveInput(request: Envelope): void {
    if (request.msg.header.msg_type !== "input_reply") {
      console.error(`symtune kernel: ignoring stdin message "${request.msg.header.msg_type}"`);
      return;
    }
    const pending = this.pendingInput;
    this.pendingInput = null;
    pending?.resolve(String(contentOf(request.msg, "input_reply").value ?? ""));
  }

  /**
   * From interrupt_request or SIGINT (the worker raised the flag; `terminatedCell`: it also
   * stopped that cell's JavaScript by force). The executor owns the cell and its signal; an
   * executor still loading finds the flag raised and does not start the cell.
   */
  private interrupt(terminatedCell?: number): void {
    void this.executor.then((executor) => executor.interrupt(terminatedCell), () => {});
  }

  private historyRows(content: Content) {
    const output = content.output === true;
    switch (content.hist_access_type) {
      case "tail":
        return this.history.tail(Number(content.n ?? 10), output);
      case "range":
        return this.history.range(Number(content.session ?? 0), Number(content.start ?? 0), Number(content.stop ?? 0), output);
      case "search":
        return this.history.search(String(content.pattern ?? "*"), content.n === undefined ? undefined : Number(content.n), content.unique === true, output);
      default:
        throw new UsageError(`history_request: hist_access_type must be tail, range or search, not "${content.hist_access_type}"`);
    }
  }

  private async shutdown(channel: RequestChannel, request: Arrived): Promise<void> {
    const reply = { status: "ok" as const, restart: contentOf(request.msg, "shutdown_request").restart === true };
    this.stopping = true;
    this.wire.reply(channel, request, "shutdown_reply", reply);
    this.wire.publish("shutdown_reply", reply, request.msg);
    this.wire.publish("status", { execution_state: "idle" }, request.msg);
    await this.stop(0);
  }

  /** Sockets must close before the process exits (see wire/worker.ts). */
  stop(code: number): Promise<void> {
    this.stopping = true;
    this.stopped ??= this.wire.close().then(() => exitProcess(code));
    return this.stopped;
  }

  /** Output from a callback that outlived its cell goes to the last cell, as in IPython. */
  private reportStray(error: unknown): void {
    // The same format as a cell's error (its cell line and caret, no kernel frames or paths).
    const text = `${errorOutcome(error).traceback.join("\n")}\n`;
    if (this.lastIO) this.lastIO.stderr(text);
    else console.error(`symtune kernel: ${text}`);
  }

}
