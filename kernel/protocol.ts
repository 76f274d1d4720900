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
  /** input_request on stdin; rejects with a clear error when the client set allow_stdin=false. */
  input(prompt: string, password: boolean): Promise<string>;
  /** Adds a pager payload ({source: "page", data, start: 0}) to this cell's execute_reply. */
  page(bundle: MimeBundle): void;
  /** Aborted when the cell is interrupted (interrupt_request or SIGINT). */
  signal: AbortSignal;
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
  /** Called on the main thread when an interrupt arrives and the event loop is free. */
  interrupt(): void;
  /** TypeScript version reported in kernel_info. */
  readonly languageVersion: string;
}

/**
 * A flag shared between the wire worker and the main thread. The worker raises it on
 * interrupt_request; code compiled from cells checks it at loop heads and after awaits, so a
 * synchronous `while (true)` stops even though the main thread never yields.
 */
export class InterruptFlag {
  readonly view: Int32Array;
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.view = new Int32Array(buffer);
  }
  raise(): void {
    Atomics.store(this.view, 0, 1);
  }
  clear(): void {
    Atomics.store(this.view, 0, 0);
  }
  get raised(): boolean {
    return Atomics.load(this.view, 0) === 1;
  }
}
