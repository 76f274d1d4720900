/**
 * The main thread's end of the socket worker (worker.ts): starts it, forwards what the
 * dispatcher sends, and turns what arrives into calls on the dispatcher's handlers.
 */
import { Worker } from "node:worker_threads";
import type { InterruptFlag, IopubContents, ReplyContents, StdinContents } from "../protocol.ts";
import type { ConnectionInfo } from "./connection.ts";
import { createRequire } from "node:module";
import { makeHeader, type Content, type Envelope, type Message } from "./message.ts";

export type RequestChannel = "shell" | "control" | "stdin";
export type SendChannel = RequestChannel | "iopub";

export type ToWorker =
  | { kind: "send"; channel: SendChannel; ids: Uint8Array[]; msg: Message }
  | { kind: "close" };

export type FromWorker =
  | { kind: "ready"; sigint: boolean }
  | { kind: "failed"; message: string }
  | { kind: "request"; channel: RequestChannel; ids: Uint8Array[]; msg: Message; arrived: number }
  | { kind: "interrupt" }
  | { kind: "ping" }
  | { kind: "terminated"; cell: number }
  | { kind: "orphaned" }
  | { kind: "closed" };

/** When the socket worker received it (epoch ms): stop_on_error aborts what arrived before an error. */
export type Arrived = Envelope & { arrived: number };

export interface WireHandlers {
  request(channel: RequestChannel, request: Arrived): void;
  /** `terminatedCell`: the worker stopped that cell's JavaScript by force (wire/stopper.ts). */
  interrupt(terminatedCell?: number): void;
  /** The process that started the kernel (JPY_PARENT_PID) is gone. */
  orphaned(): void;
}

export interface WireOptions {
  connection: ConnectionInfo;
  flag: InterruptFlag;
  kernelInfo: ReplyContents["kernel_info_reply"];
  session: string;
}

/**
 * The worker is TypeScript too, and module hooks do not carry over into workers. tsx's
 * CommonJS loader runs in the worker's own thread (its ESM hooks would start yet another
 * thread), which makes the worker ready ~150 ms sooner; hence no top-level await in worker.ts.
 */
function workerSource(): string {
  const tsxCjs = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const worker = new URL("./worker.ts", import.meta.url).href;
  return `require(${JSON.stringify(tsxCjs)}).require(${JSON.stringify(worker)}, ${JSON.stringify(worker)});`;
}

export class Wire {
  private closed: Promise<void> | null = null;
  /** The socket worker watches SIGINT itself (so a blocked main thread still hears it). */
  watchesSigint = false;

  private constructor(
    private readonly worker: Worker,
    readonly session: string,
  ) {}

  static start(options: WireOptions, handlers: WireHandlers): Promise<Wire> {
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData: {
        connection: options.connection,
        flagBuffer: options.flag.buffer,
        kernelInfo: options.kernelInfo,
        session: options.session,
      },
    });
    const wire = new Wire(worker, options.session);
    return new Promise((resolve, reject) => {
      worker.on("error", reject);
      worker.on("message", (message: FromWorker) => {
        switch (message.kind) {
          case "ready":
            worker.off("error", reject);
            wire.watchesSigint = message.sigint;
            worker.on("error", (error) => console.error(`symtune kernel: socket worker failed: ${error.stack}`));
            resolve(wire);
            break;
          case "failed":
            reject(new Error(`cannot bind the kernel's sockets: ${message.message}`));
            break;
          case "request":
            handlers.request(message.channel, { ids: message.ids, msg: message.msg, arrived: message.arrived });
            break;
          case "interrupt":
            options.flag.pong();
            handlers.interrupt();
            break;
          case "ping":
            options.flag.pong(); // the main thread's event loop turns (wire/stopper.ts)
            break;
          case "terminated":
            handlers.interrupt(message.cell);
            break;
          case "orphaned":
            handlers.orphaned();
            break;
        }
      });
    });
  }

  send(channel: SendChannel, ids: Uint8Array[], msgType: string, content: Content, parent?: Message, metadata: Record<string, unknown> = {}, buffers: Uint8Array[] = []): void {
    const msg: Message = {
      header: makeHeader(msgType, this.session),
      parent_header: parent?.header ?? {},
      metadata,
      content,
      buffers,
    };
    try {
      this.worker.postMessage({ kind: "send", channel, ids, msg } satisfies ToWorker);
    } catch {
      // A bundle holding functions or class instances cannot be cloned; JSON is what goes on the wire anyway.
      msg.content = JSON.parse(JSON.stringify(content));
      msg.metadata = JSON.parse(JSON.stringify(metadata));
      this.worker.postMessage({ kind: "send", channel, ids, msg } satisfies ToWorker);
    }
  }

  /** Replies go back on the request's socket to the identities it came from; the content is checked against the spec's (ReplyContents). */
  reply<T extends keyof ReplyContents>(channel: RequestChannel, request: Envelope, msgType: T, content: ReplyContents[T], metadata?: Record<string, unknown>): void {
    this.send(channel, request.ids, msgType, content, request.msg, metadata);
  }

  /** A request to the front-end on stdin, to the identities of the request it belongs to. */
  ask<T extends keyof StdinContents>(request: Envelope, msgType: T, content: StdinContents[T]): void {
    this.send("stdin", request.ids, msgType, content, request.msg);
  }

  publish<T extends keyof IopubContents>(msgType: T, content: IopubContents[T], parent?: Message, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): void {
    this.send("iopub", [], msgType, content, parent, metadata, buffers);
  }

  /** Flushes queued messages and closes the sockets; only then may the process exit. */
  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => {
      this.worker.on("message", (message: FromWorker) => {
        if (message.kind === "closed") void this.worker.terminate().then(() => resolve());
      });
      this.worker.postMessage({ kind: "close" } satisfies ToWorker);
    });
    return this.closed;
  }
}
