/**
 * The seam between the wire (zeromq sockets, running in a worker thread so heartbeats and
 * interrupts are answered while a cell blocks the main thread) and the executor (TypeScript
 * cells, on the main thread). The wire's main-thread dispatcher builds a CellIO per
 * execute_request and calls the Executor; the Executor never touches sockets.
 */
import type { MimeBundle, DisplayOptions } from "../lib/display/protocol.ts";

export interface CellIO {
  stdout(text: string): void;
  stderr(text: string): void;
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  update(displayId: string, bundle: MimeBundle, metadata?: Record<string, unknown>): void;
  clearOutput(wait: boolean): void;
  /**
   * input_request on stdin; rejects with a clear error when the client set allow_stdin=false,
   * and when `signal` (the cell's, from the executor) aborts.
   */
  input(prompt: string, password: boolean, signal?: AbortSignal): Promise<string>;
  /** Adds a pager payload ({source: "page", data, start: 0}) to this cell's execute_reply. */
  page(bundle: MimeBundle): void;
}

export interface ExecuteOptions {
  silent: boolean;
  storeHistory: boolean;
  executionCount: number;
}

export type ExecOutcome =
  | { status: "ok"; result?: MimeBundle }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

export interface CompleteResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  metadata?: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
}

export type IsCompleteStatus = "complete" | "incomplete" | "invalid" | "unknown";

export interface Executor {
  execute(code: string, io: CellIO, options: ExecuteOptions): Promise<ExecOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult>;
  isComplete(code: string): Promise<{ status: IsCompleteStatus; indent?: string }>;
  /**
   * Called on the main thread when an interrupt arrives and the event loop is free.
   * `terminatedCell`: the wire worker already stopped that cell's JavaScript by force (it
   * had blocked the main thread; the number is InterruptFlag.cell's), so it ends now, without
   * a grace period.
   */
  interrupt(terminatedCell?: number): void;
  /** TypeScript version reported in kernel_info. */
  readonly languageVersion: string;
}

/**
 * The interrupt state shared between the wire worker and the main thread (one
 * SharedArrayBuffer, read with Atomics, so the worker sees it while a cell blocks the main
 * thread and compiled cells see the worker's raise without yielding):
 *
 * - `raised`: an interrupt is pending; compiled loops and awaits check it.
 * - `cell`: the number of the cell the executor runs now (0 between cells).
 * - `running`: user code of that cell may be on the main thread's stack (cleared while
 *   TypeScript compiles or a module loads). Only then may the worker stop the main thread by
 *   force: never inside the checker, a module's evaluation, or the kernel's own code.
 * - `outlived`: the number of an ended cell whose work still runs (the executor gave up
 *   waiting for it); it may be stopped by force as if it were running.
 * - pings: the worker counts the pings it posts, the main thread stores the last one it
 *   handled; an old unanswered ping means the main thread's event loop is stuck.
 */
export class InterruptFlag {
  readonly view: Int32Array;
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * SLOTS)) {
    this.view = new Int32Array(buffer);
  }
  raise(): void {
    Atomics.store(this.view, RAISED, 1);
  }
  clear(): void {
    Atomics.store(this.view, RAISED, 0);
  }
  get raised(): boolean {
    return Atomics.load(this.view, RAISED) === 1;
  }
  set running(value: boolean) {
    Atomics.store(this.view, RUNNING, value ? 1 : 0);
  }
  get running(): boolean {
    return Atomics.load(this.view, RUNNING) === 1;
  }
  set cell(value: number) {
    Atomics.store(this.view, CELL, value);
  }
  get cell(): number {
    return Atomics.load(this.view, CELL);
  }
  set outlived(value: number) {
    Atomics.store(this.view, OUTLIVED, value);
  }
  get outlived(): number {
    return Atomics.load(this.view, OUTLIVED);
  }
  /** Worker side: the number of a new ping. */
  ping(): number {
    return Atomics.add(this.view, PING, 1) + 1;
  }
  /** Main side: every ping so far is answered (the event loop is turning). */
  pong(): void {
    Atomics.store(this.view, PONG, Atomics.load(this.view, PING));
  }
  answered(ping: number): boolean {
    return Atomics.load(this.view, PONG) >= ping;
  }
}

const [RAISED, RUNNING, CELL, OUTLIVED, PING, PONG, SLOTS] = [0, 1, 2, 3, 4, 5, 6];

/**
 * The contents of the requests a client sends (Jupyter messaging spec 5.3), as the kernel
 * reads them. Every field is optional: a client may omit or mistype any of them, so readers
 * default and coerce. What the kernel sends is typed below (ReplyContents, IopubContents).
 */
export interface RequestContents {
  execute_request: {
    code?: string;
    silent?: boolean;
    store_history?: boolean;
    user_expressions?: Record<string, string>;
    allow_stdin?: boolean;
    stop_on_error?: boolean;
  };
  complete_request: { code?: string; cursor_pos?: number };
  inspect_request: { code?: string; cursor_pos?: number; detail_level?: number };
  is_complete_request: { code?: string };
  history_request: {
    output?: boolean;
    raw?: boolean;
    hist_access_type?: string;
    session?: number;
    start?: number;
    stop?: number;
    n?: number;
    pattern?: string;
    unique?: boolean;
  };
  comm_info_request: { target_name?: string };
  shutdown_request: { restart?: boolean };
  input_reply: { value?: string };
  comm_open: { comm_id?: string; target_name?: string; data?: Record<string, unknown> };
  comm_msg: { comm_id?: string; data?: Record<string, unknown> };
  comm_close: { comm_id?: string; data?: Record<string, unknown> };
}

/** Any reply may be an error instead (spec: "status": "error" with ename, evalue, traceback). */
export interface ErrorReply {
  status: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

type Bundle = Record<string, unknown>;
/** A history entry: (session, line, input) or (session, line, [input, output]). */
export type HistoryEntry = [number, number, string | [string, string | null]];

/**
 * The contents of the replies the kernel sends on shell and control (spec 5.3): what a
 * front-end may rely on. Wire.reply takes the type and checks the content against it.
 */
export interface ReplyContents {
  execute_reply:
    | { status: "ok"; execution_count: number; payload: Record<string, unknown>[]; user_expressions: Record<string, unknown> }
    | (ErrorReply & { execution_count: number; payload: Record<string, unknown>[] })
    | { status: "aborted"; execution_count: null };
  complete_reply: { status: "ok"; matches: string[]; cursor_start: number; cursor_end: number; metadata: Record<string, unknown> } | ErrorReply;
  inspect_reply: { status: "ok"; found: boolean; data: Bundle; metadata: Record<string, unknown> } | ErrorReply;
  is_complete_reply: { status: IsCompleteStatus; indent?: string } | ErrorReply;
  history_reply: { status: "ok"; history: HistoryEntry[] } | ErrorReply;
  comm_info_reply: { status: "ok"; comms: Record<string, { target_name: string }> } | ErrorReply;
  shutdown_reply: { status: "ok"; restart: boolean } | ErrorReply;
  interrupt_reply: { status: "ok" } | ErrorReply;
  kernel_info_reply: {
    status: "ok";
    protocol_version: string;
    implementation: string;
    implementation_version: string;
    language_info: { name: string; version: string; mimetype: string; file_extension: string; pygments_lexer?: string; codemirror_mode?: unknown };
    banner: string;
    debugger: boolean;
    help_links: { text: string; url: string }[];
  };
}

/** What the kernel asks on stdin (spec 5.3): a prompt for `input()`. */
export interface StdinContents {
  input_request: { prompt: string; password: boolean };
}

/** The contents of the messages the kernel publishes on iopub (spec 5.3). */
export interface IopubContents {
  status: { execution_state: "starting" | "busy" | "idle" };
  execute_input: { code: string; execution_count: number };
  execute_result: { execution_count: number; data: Bundle; metadata: Record<string, unknown> };
  error: { ename: string; evalue: string; traceback: string[] };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: { data: Bundle; metadata: Record<string, unknown>; transient: { display_id?: string } };
  update_display_data: { data: Bundle; metadata: Record<string, unknown>; transient: { display_id?: string } };
  clear_output: { wait: boolean };
  /** Also sent on iopub, so every front-end of the kernel sees it go. */
  shutdown_reply: { status: "ok"; restart: boolean };
  comm_open: { comm_id: string; target_name: string; data: Record<string, unknown> };
  comm_msg: { comm_id: string; data: Record<string, unknown> };
  comm_close: { comm_id: string; data: Record<string, unknown> };
}

/** A request's content with its type's fields (see RequestContents). */
export function contentOf<T extends keyof RequestContents>(msg: { content: Record<string, unknown> }, _type: T): RequestContents[T] {
  return msg.content as RequestContents[T];
}
