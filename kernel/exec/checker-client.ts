/**
 * The type checker seen from the main thread. In a kernel it runs in a worker thread
 * (checker-worker.ts): building the program (lib, @types/node, symtune's sources: seconds of
 * CPU) there means a cell never queues behind it. Until the worker says it is warm, cells run
 * unchecked and are checked later (checker.ts); after, a cell's compile is one round trip.
 * Without a worker (tests) the same LocalChecker runs here.
 *
 * Either way it starts when the executor calls `warmUp` (when the kernel is idle) or when a
 * request needs it: a worker warming up takes CPU from the cells the user is waiting for (on
 * a busy machine Linux shares the CPU per session, not per thread), so not during the first
 * cells sent right after start. Requests that need no answer wait for the start.
 *
 * If the worker dies (out of memory, a crash), the kernel says so once and goes on with an
 * in-thread checker seeded with the declarations the main thread knows: requests in flight
 * are answered by it; cells that ran unchecked and were not reported yet stay unchecked.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { CompleteResult, InspectResult } from "../protocol.ts";
import { LocalChecker, answer, type CheckerOptions, type CheckerRequest, type MagicNames } from "./checker.ts";
import type { Emitted } from "./compile.ts";
import type { ValueShape } from "./valuetypes.ts";

export type FromChecker =
  | { kind: "result"; reply: number; value: unknown }
  | { kind: "error"; reply: number; message: string; stack?: string }
  | { kind: "warm" }
  | { kind: "late"; id: number; lines: string[] }
  | { kind: "log"; message: string };

export interface CheckerEvents {
  /** The checker is warm: cells are checked from now on. */
  warm(): void;
  /** The worker died; `message` says so, for the user. */
  failed(message: string): void;
  /** The declarations the main thread knows, to seed a replacement checker. */
  declarations(): string;
}

type Pending = { request: CheckerRequest; resolve(value: unknown): void; reject(error: Error): void };

/** Module hooks do not carry over into workers: tsx's CommonJS loader runs in the worker's own thread. */
function workerSource(): string {
  const tsxCjs = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const worker = new URL("./checker-worker.ts", import.meta.url).href;
  return `require(${JSON.stringify(tsxCjs)}).require(${JSON.stringify(worker)}, ${JSON.stringify(worker)});`;
}

/** SYMTUNE_CHECKER_HEAP_MB caps the checker thread's heap (it holds the whole program). */
function heapLimit(): { maxOldGenerationSizeMb: number } | undefined {
  const mb = Number(process.env.SYMTUNE_CHECKER_HEAP_MB);
  return Number.isFinite(mb) && mb > 0 ? { maxOldGenerationSizeMb: mb } : undefined;
}

export class CheckerClient {
  private worker: Worker | null = null;
  /** Requests told before the worker started, in order. */
  private waiting: CheckerRequest[] | null = null;
  /** The checker when it runs on this thread (no worker, or the worker died). */
  private local: LocalChecker | null = null;
  private workerWarm = false;
  private replies = 0;
  private ids = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly reports = new Map<number, (lines: string[]) => void>();

  constructor(
    private readonly options: CheckerOptions,
    private readonly events: CheckerEvents,
    thread: boolean,
  ) {
    if (thread) this.waiting = [];
    else this.local = this.localChecker(options.declarations);
  }

  /** Starts the worker (once); it builds the program at once. */
  private start(): void {
    if (!this.waiting) return;
    const waiting = this.waiting;
    this.waiting = null;
    const worker = new Worker(workerSource(), { eval: true, workerData: this.options, resourceLimits: heapLimit() });
    this.worker = worker;
    worker.unref(); // never what keeps the process alive
    worker.on("message", (message: FromChecker) => this.receive(message));
    worker.on("error", (error) => this.died(error.message));
    worker.on("exit", (code) => this.died(`it exited with code ${code}`));
    for (const request of waiting) worker.postMessage(request);
  }

  /** Whether a compile is answered without first building the program. */
  get warm(): boolean {
    return this.local ? this.local.warm : this.workerWarm;
  }

  /** Type-checks and compiles a cell (the program is built first if needed). */
  compile(code: string): Promise<Emitted> {
    return this.ask({ op: "compile", code }) as Promise<Emitted>;
  }

  /** A cell ran before the checker was warm: it is checked once warm, its errors to `late`. */
  cold(code: string, label: string, late: (lines: string[]) => void): void {
    const id = ++this.ids;
    this.reports.set(id, late);
    this.tell({ op: "cold", id, code, label });
  }

  /** Names the scope has without a declaration (a magic's `--as name`), typed `any` for now. */
  declareUntyped(names: string[]): void {
    this.tell({ op: "declareUntyped", names });
  }

  /** Relative imports resolve from `dir` from now on (`%cd`). */
  setBase(dir: string): void {
    this.tell({ op: "base", dir });
  }

  /** Values magics stored: declared with their types once the checker is warm. */
  declareStored(entries: [string, ValueShape][]): void {
    if (entries.length > 0) this.tell({ op: "declareStored", entries });
  }

  /** Starts building the program: in the worker, or now on this thread (which it blocks). */
  warmUp(): void {
    this.start();
    if (!this.local || this.local.warm) return;
    this.local.warmUp();
    this.events.warm();
  }

  complete(code: string, cursor: number, magicNames: MagicNames): Promise<CompleteResult> {
    return this.ask({ op: "complete", code, cursor, magicNames }) as Promise<CompleteResult>;
  }

  inspect(code: string, cursor: number): Promise<InspectResult> {
    return this.ask({ op: "inspect", code, cursor }) as Promise<InspectResult>;
  }

  symbolHelp(expression: string): Promise<Record<string, string>> {
    return this.ask({ op: "symbolHelp", expression }) as Promise<Record<string, string>>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    worker.removeAllListeners("exit");
    worker.removeAllListeners("error");
    await worker.terminate();
  }

  private localChecker(declarations: string): LocalChecker {
    return new LocalChecker({ ...this.options, declarations }, (id, lines) => this.report(id, lines));
  }

  /** A request without an answer; its order among the others is kept. */
  private tell(request: CheckerRequest): void {
    if (this.local) answer(this.local, request);
    else if (this.waiting) this.waiting.push(request);
    else this.worker?.postMessage(request);
  }

  private ask(request: CheckerRequest): Promise<unknown> {
    const local = this.local;
    if (local) return new Promise((resolve) => resolve(answer(local, request)));
    this.start();
    return new Promise((resolve, reject) => {
      const reply = ++this.replies;
      this.pending.set(reply, { request, resolve, reject });
      this.worker!.postMessage({ ...request, reply });
    });
  }

  private receive(message: FromChecker): void {
    switch (message.kind) {
      case "result":
      case "error": {
        const pending = this.pending.get(message.reply);
        this.pending.delete(message.reply);
        if (message.kind === "result") return pending?.resolve(message.value);
        const error = new Error(message.message);
        if (message.stack) error.stack = message.stack;
        return pending?.reject(error);
      }
      case "warm":
        this.workerWarm = true;
        return this.events.warm();
      case "late":
        return this.report(message.id, message.lines);
      case "log":
        return console.error(`symtune kernel: ${message.message}`);
    }
  }

  private report(id: number, lines: string[]): void {
    const late = this.reports.get(id);
    this.reports.delete(id);
    late?.(lines);
  }

  private died(reason: string): void {
    if (!this.worker) return;
    this.worker = null;
    this.local = this.localChecker(this.events.declarations());
    this.reports.clear();
    this.events.failed(`The type checker's thread stopped (${reason}); type checking goes on in the kernel's main thread, which pauses between cells while it warms up.`);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { request, resolve, reject } of pending) this.ask(request).then(resolve, reject);
  }
}
