/**
 * The kernel's sockets, in a worker thread of their own. A cell that blocks the main thread
 * (a synchronous loop, a long tfjs op) cannot stop this thread from answering heartbeats,
 * kernel_info and interrupt_request; everything else is handed to the main thread's
 * dispatcher (kernel/kernel.ts) with postMessage, and what it sends comes back the same way.
 *
 * zeromq.js aborts the process if its sockets are still open when a thread exits
 * (zeromq/zeromq.js#411), so shutdown always goes through `close` below first.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { InterruptFlag, type ReplyContents } from "../protocol.ts";
import { endpoint, type Channel, type ConnectionInfo } from "./connection.ts";
import { makeHeader, parse, serialize, SignatureHistory, Signer, wallClock, type Envelope, type Message } from "./message.ts";
import { MainThreadStopper } from "./stopper.ts";
import type { FromWorker, ToWorker } from "./wire.ts";

interface WorkerData {
  connection: ConnectionInfo;
  flagBuffer: SharedArrayBuffer;
  kernelInfo: ReplyContents["kernel_info_reply"];
  session: string;
}

const { connection, flagBuffer, kernelInfo, session } = workerData as WorkerData;
const port = parentPort!;
const signer = new Signer(connection.key, connection.signature_scheme);
const flag = new InterruptFlag(flagBuffer);
const signatures = new SignatureHistory();
const post = (message: FromWorker) => port.postMessage(message);
const stopper = new MainThreadStopper(flag, (kind, cell) => post(kind === "terminated" ? { kind, cell: cell! } : { kind }));

const STREAM_BATCH_MS = 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One socket's outgoing messages, sent one at a time (zeromq allows one pending send). */
class Outbox {
  private queue: Envelope[] = [];
  private sending: Promise<void> | null = null;
  constructor(private readonly socket: zmq.Writable) {}

  push(envelope: Envelope): void {
    this.queue.push(envelope);
    // Printing in a loop: wait a moment so the lines leave as one stream message, not thousands.
    const delay = envelope.msg.header.msg_type === "stream" ? STREAM_BATCH_MS : 0;
    this.sending ??= delay ? sleep(delay).then(() => this.drain()) : this.drain();
  }

  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const next = coalesceStreams(this.queue.shift()!, this.queue);
        await this.socket.send(serialize(next, signer));
      }
    } catch (error) {
      console.error(`symtune kernel: send failed: ${(error as Error).message}`);
    } finally {
      this.sending = null;
    }
  }
}

/** Many console.log calls in a tight loop become one stream message per socket turn. */
function coalesceStreams(first: Envelope, rest: Envelope[]): Envelope {
  const { msg } = first;
  if (msg.header.msg_type !== "stream") return first;
  while (rest.length > 0) {
    const next = rest[0]!.msg;
    if (
      next.header.msg_type !== "stream" ||
      next.content.name !== msg.content.name ||
      next.parent_header.msg_id !== msg.parent_header.msg_id
    ) {
      break;
    }
    msg.content.text += next.content.text;
    rest.shift();
  }
  return first;
}

function socketWithLinger<T extends zmq.Socket>(socket: T): T {
  socket.linger = 1000; // let replies already queued (shutdown_reply) leave before close
  return socket;
}

const sockets = {
  shell: socketWithLinger(new zmq.Router()),
  control: socketWithLinger(new zmq.Router()),
  stdin: socketWithLinger(new zmq.Router()),
  iopub: socketWithLinger(new zmq.Publisher()),
  hb: socketWithLinger(new zmq.Reply()),
};
const outboxes = {
  shell: new Outbox(sockets.shell),
  control: new Outbox(sockets.control),
  stdin: new Outbox(sockets.stdin),
  iopub: new Outbox(sockets.iopub),
};
type Outgoing = keyof typeof outboxes;

/** Whether the main thread is running a request (tracked from the status it publishes). */
let mainBusy = false;

function send(channel: Outgoing, ids: Uint8Array[], msg: Message): void {
  if (channel === "iopub") {
    if (msg.header.msg_type === "status") mainBusy = msg.content.execution_state === "busy";
    if (ids.length === 0) ids = [Buffer.from(`kernel.${session}.${msg.header.msg_type}`)];
  }
  outboxes[channel].push({ ids, msg });
}

function reply<T extends keyof ReplyContents>(channel: Outgoing, request: Envelope, msgType: T, content: ReplyContents[T]): void {
  send(channel, request.ids, {
    header: makeHeader(msgType, session),
    parent_header: request.msg.header,
    metadata: {},
    content,
    buffers: [],
  });
}

function status(state: "busy" | "idle", parent: Message): void {
  outboxes.iopub.push({
    ids: [Buffer.from(`kernel.${session}.status`)],
    msg: { header: makeHeader("status", session), parent_header: parent.header, metadata: {}, content: { execution_state: state }, buffers: [] },
  });
}

/** Requests answered here, never waiting for the main thread. */
function answerInWorker(channel: Channel, request: Envelope): boolean {
  const type = request.msg.header.msg_type;
  if (type === "kernel_info_request" && (channel === "shell" || channel === "control")) {
    // While a cell runs, an extra busy/idle pair would make front-ends show the kernel idle.
    if (!mainBusy) status("busy", request.msg);
    reply(channel, request, "kernel_info_reply", kernelInfo);
    if (!mainBusy) status("idle", request.msg);
    return true;
  }
  if (type === "interrupt_request" && channel === "control") {
    reply(channel, request, "interrupt_reply", { status: "ok" });
    stopper.interrupt();
    return true;
  }
  return false;
}

async function serve(channel: "shell" | "control" | "stdin", socket: zmq.Router): Promise<void> {
  try {
    for await (const frames of socket) {
      let request: Envelope;
      try {
        request = parse(frames, signer, signatures);
      } catch (error) {
        // Never executed: a message we cannot verify may come from anyone on the network.
        console.error(`symtune kernel: dropped a message on ${channel}: ${(error as Error).message}`);
        continue;
      }
      if (!answerInWorker(channel, request)) post({ kind: "request", channel, ids: request.ids, msg: request.msg, arrived: wallClock() });
    }
  } catch (error) {
    if (!closing) console.error(`symtune kernel: ${channel} socket failed: ${(error as Error).message}`);
  }
}

async function heartbeat(): Promise<void> {
  try {
    for await (const frames of sockets.hb) await sockets.hb.send(frames);
  } catch (error) {
    if (!closing) console.error(`symtune kernel: heartbeat failed: ${(error as Error).message}`);
  }
}

let closing = false;
let closed: Promise<void> | null = null;

function close(): Promise<void> {
  closing = true;
  closed ??= (async () => {
    await Promise.all(Object.values(outboxes).map((o) => o.flushed()));
    stopper.close();
    for (const socket of Object.values(sockets)) socket.close();
    // Let the sockets' pending receives settle before the thread is terminated: one still in
    // flight when the process exits makes zeromq abort (`terminate called … Napi::Error`).
    await new Promise((resolve) => setTimeout(resolve, 20));
    post({ kind: "closed" });
  })();
  return closed;
}

/**
 * Jupyter sets JPY_PARENT_PID; a kernel whose client died should not linger. Watched here,
 * not on the main thread, because a cell may be blocking that one forever: the main thread
 * gets a few seconds to stop cleanly, then the process is killed (sockets closed first).
 */
function watchParent(): void {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!parent || parent === 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      post({ kind: "orphaned" });
      setTimeout(() => void close().then(() => process.kill(process.pid, "SIGKILL")), 3000);
    }
  }, 2000);
}

port.on("message", (message: ToWorker) => {
  if (message.kind === "send") send(message.channel, message.ids, message.msg);
  else if (message.kind === "close") void close();
});

async function start(): Promise<void> {
  try {
    await Promise.all(
      (Object.keys(sockets) as Channel[]).map((channel) => sockets[channel].bind(endpoint(connection, channel))),
    );
  } catch (error) {
    for (const socket of Object.values(sockets)) socket.close();
    post({ kind: "failed", message: (error as Error).message });
    return;
  }
  void serve("shell", sockets.shell);
  void serve("control", sockets.control);
  void serve("stdin", sockets.stdin);
  void heartbeat();
  watchParent();
  post({ kind: "ready", sigint: stopper.watchSigint() });
}

void start();
