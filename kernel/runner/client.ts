/**
 * A Jupyter client in TypeScript: connects to a kernel's five sockets, sends requests, and
 * matches replies and iopub output to them by parent msg_id. `symtune run` and the kernel's
 * own integration tests both use it, so no Python is needed to drive a kernel.
 */
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "../wire/connection.ts";
import { makeHeader, parse, serialize, Signer, type Content, type Message } from "../wire/message.ts";

export type ClientChannel = "shell" | "control" | "stdin";

export interface ExecuteOptions {
  allowStdin?: boolean;
  stopOnError?: boolean;
  silent?: boolean;
  storeHistory?: boolean;
  /** Answers input_request; without it input requests get an empty string. */
  onInput?: (prompt: string, password: boolean) => string | Promise<string>;
  /** Called for each iopub message of this execution, as it arrives. */
  onOutput?: (msg: Message) => void;
}

export interface ExecuteResult {
  reply: Message;
  /** iopub messages of this execution between busy and idle, without status and execute_input. */
  outputs: Message[];
}

interface Waiter {
  resolve(msg: Message): void;
  reject(error: Error): void;
}

/** Collects one request's iopub messages until its idle status. */
interface Collector {
  outputs: Message[];
  onOutput?: (msg: Message) => void;
  idle: Promise<void>;
  markIdle(): void;
}

export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly sockets: { shell: zmq.Dealer; control: zmq.Dealer; stdin: zmq.Dealer; iopub: zmq.Subscriber; hb: zmq.Request };
  private readonly replies = new Map<string, Waiter>();
  private readonly collectors = new Map<string, Collector>();
  private readonly inputHandlers = new Map<string, NonNullable<ExecuteOptions["onInput"]>>();
  private readonly iopubListeners = new Set<(msg: Message) => void>();
  private readonly sendQueues = new Map<zmq.Writable, Promise<unknown>>();
  private closed = false;

  constructor(readonly connection: ConnectionInfo) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
    const withLinger = <T extends zmq.Socket>(s: T) => ((s.linger = 0), s);
    this.sockets = {
      shell: withLinger(new zmq.Dealer({ routingId: this.session })),
      control: withLinger(new zmq.Dealer({ routingId: this.session })),
      stdin: withLinger(new zmq.Dealer({ routingId: this.session })),
      iopub: withLinger(new zmq.Subscriber()),
      hb: withLinger(new zmq.Request({ receiveTimeout: 1000, relaxed: true, correlate: true })),
    };
    for (const [channel, socket] of Object.entries(this.sockets)) socket.connect(endpoint(connection, channel as never));
    this.sockets.iopub.subscribe();
    for (const channel of ["shell", "control", "stdin"] as const) void this.listen(channel);
    void this.listenIopub();
  }

  /**
   * Waits until the kernel answers kernel_info and its iopub messages reach us (a SUB socket
   * misses what is published before its subscription arrives).
   */
  async ready(timeoutMs = 30_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const msg = this.message("kernel_info_request", {});
      const collector = this.collect(msg.header.msg_id);
      const reply = this.waitReply(msg.header.msg_id);
      await this.send("shell", msg);
      const got = await Promise.race([reply.then((r) => collector.idle.then(() => r)), sleep(250).then(() => null)]);
      this.collectors.delete(msg.header.msg_id);
      this.replies.delete(msg.header.msg_id);
      if (got) return got;
    }
    throw new Error(`the kernel did not answer kernel_info within ${timeoutMs / 1000} s`);
  }

  message(msgType: string, content: Content, metadata: Record<string, unknown> = {}): Message {
    return { header: makeHeader(msgType, this.session, "symtune-client"), parent_header: {}, metadata, content, buffers: [] };
  }

  /** Sends a request and resolves with its reply. */
  async request(channel: "shell" | "control", msgType: string, content: Content = {}): Promise<Message> {
    const msg = this.message(msgType, content);
    const reply = this.waitReply(msg.header.msg_id);
    await this.send(channel, msg);
    return reply;
  }

  /** Sends a request; resolves with its reply and the iopub output it caused. */
  async requestWithOutput(channel: "shell" | "control", msgType: string, content: Content, options: Pick<ExecuteOptions, "onInput" | "onOutput"> = {}): Promise<ExecuteResult> {
    const msg = this.message(msgType, content);
    const id = msg.header.msg_id;
    const collector = this.collect(id, options.onOutput);
    if (options.onInput) this.inputHandlers.set(id, options.onInput);
    try {
      const reply = this.waitReply(id);
      await this.send(channel, msg);
      const result = await reply;
      await collector.idle;
      return { reply: result, outputs: collector.outputs };
    } finally {
      this.collectors.delete(id);
      this.inputHandlers.delete(id);
    }
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    return this.requestWithOutput(
      "shell",
      "execute_request",
      {
        code,
        silent: options.silent ?? false,
        store_history: options.storeHistory ?? true,
        user_expressions: {},
        allow_stdin: options.allowStdin ?? options.onInput !== undefined,
        stop_on_error: options.stopOnError ?? true,
      },
      options,
    );
  }

  interrupt(): Promise<Message> {
    return this.request("control", "interrupt_request");
  }

  shutdown(restart = false): Promise<Message> {
    return this.request("control", "shutdown_request", { restart });
  }

  onIopub(listener: (msg: Message) => void): () => void {
    this.iopubListeners.add(listener);
    return () => this.iopubListeners.delete(listener);
  }

  /** Sends frames as given, e.g. a message with a forged signature. */
  sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void> {
    return this.enqueue(this.sockets[channel], frames);
  }

  /** One heartbeat round trip; false when the kernel did not echo within a second. */
  async heartbeat(): Promise<boolean> {
    try {
      await this.sockets.hb.send("ping");
      const [echo] = await this.sockets.hb.receive();
      return echo?.toString() === "ping";
    } catch {
      return false;
    }
  }

  send(channel: ClientChannel, msg: Message): Promise<void> {
    return this.sendFrames(channel, serialize({ ids: [], msg }, this.signer));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of Object.values(this.sockets)) socket.close();
    for (const waiter of this.replies.values()) waiter.reject(new Error("the client was closed"));
    this.replies.clear();
  }

  /** zeromq allows one pending send per socket. */
  private enqueue(socket: zmq.Writable, frames: Buffer[]): Promise<void> {
    const previous = this.sendQueues.get(socket) ?? Promise.resolve();
    const next = previous.then(() => socket.send(frames));
    this.sendQueues.set(socket, next.catch(() => {}));
    return next;
  }

  private waitReply(msgId: string): Promise<Message> {
    return new Promise((resolve, reject) => this.replies.set(msgId, { resolve, reject }));
  }

  private collect(msgId: string, onOutput?: (msg: Message) => void): Collector {
    let markIdle!: () => void;
    const idle = new Promise<void>((resolve) => (markIdle = resolve));
    const collector: Collector = { outputs: [], onOutput, idle, markIdle };
    this.collectors.set(msgId, collector);
    return collector;
  }

  private async listen(channel: ClientChannel): Promise<void> {
    try {
      for await (const frames of this.sockets[channel]) {
        const msg = this.parseOrWarn(channel, frames);
        if (!msg) continue;
        const parentId = msg.parent_header.msg_id as string | undefined;
        if (channel === "stdin") {
          if (msg.header.msg_type === "input_request") void this.answerInput(msg);
          continue;
        }
        const waiter = parentId ? this.replies.get(parentId) : undefined;
        if (waiter) {
          this.replies.delete(parentId!);
          waiter.resolve(msg);
        }
      }
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  private async listenIopub(): Promise<void> {
    try {
      for await (const frames of this.sockets.iopub) {
        const msg = this.parseOrWarn("iopub", frames);
        if (!msg) continue;
        for (const listener of this.iopubListeners) listener(msg);
        const collector = this.collectors.get(msg.parent_header.msg_id as string);
        if (!collector) continue;
        const type = msg.header.msg_type;
        if (type === "status") {
          if (msg.content.execution_state === "idle") collector.markIdle();
        } else if (type !== "execute_input") {
          collector.outputs.push(msg);
          collector.onOutput?.(msg);
        }
      }
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  private async answerInput(request: Message): Promise<void> {
    const handler = this.inputHandlers.get(request.parent_header.msg_id as string);
    const value = handler ? await handler(String(request.content.prompt ?? ""), request.content.password === true) : "";
    const reply = this.message("input_reply", { value });
    reply.parent_header = request.header;
    await this.send("stdin", reply);
  }

  private parseOrWarn(channel: string, frames: Buffer[]): Message | null {
    try {
      return parse(frames, this.signer).msg;
    } catch (error) {
      console.error(`symtune client: dropped a message on ${channel}: ${(error as Error).message}`);
      return null;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
