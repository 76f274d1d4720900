/**
 * Jupyter comms, both ways: a front-end opens a comm on a target a cell registered
 * (`comms.register("target", (comm, data) => ...)`), or a cell opens one itself
 * (`comms.open("target", data)`). The user-facing object is `comms` in every cell's scope.
 */
import { randomUUID } from "node:crypto";
import { UsageError } from "../lib/errors.ts";
import type { IopubContents } from "./protocol.ts";

export type CommData = Record<string, unknown>;

export interface Comm {
  readonly id: string;
  readonly targetName: string;
  send(data?: CommData, metadata?: CommData, buffers?: Uint8Array[]): void;
  close(data?: CommData): void;
  /** Called for each comm_msg from the front-end. */
  onMsg(handler: (data: CommData, buffers: Uint8Array[]) => void): void;
  onClose(handler: (data: CommData) => void): void;
}

export type CommTarget = (comm: Comm, data: CommData, buffers: Uint8Array[]) => void | Promise<void>;

/** What a cell sees as `comms`. */
export interface CommsApi {
  register(targetName: string, handler: CommTarget): void;
  unregister(targetName: string): void;
  open(targetName: string, data?: CommData, metadata?: CommData): Comm;
}

/** How comm messages leave the kernel (on iopub, with the current request as parent). */
export type CommPublish = <T extends "comm_open" | "comm_msg" | "comm_close">(msgType: T, content: IopubContents[T], metadata?: CommData, buffers?: Uint8Array[]) => void;

class KernelComm implements Comm {
  private msgHandlers: ((data: CommData, buffers: Uint8Array[]) => void)[] = [];
  private closeHandlers: ((data: CommData) => void)[] = [];
  closed = false;

  constructor(
    readonly id: string,
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  send(data: CommData = {}, metadata: CommData = {}, buffers: Uint8Array[] = []): void {
    if (this.closed) throw new UsageError(`comm ${this.id} (target "${this.targetName}") is closed; open a new one to send`);
    this.manager.publish("comm_msg", { comm_id: this.id, data }, metadata, buffers);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.manager.publish("comm_close", { comm_id: this.id, data });
    this.manager.forget(this, data);
  }

  onMsg(handler: (data: CommData, buffers: Uint8Array[]) => void): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: (data: CommData) => void): void {
    this.closeHandlers.push(handler);
  }

  deliver(data: CommData, buffers: Uint8Array[]): void {
    for (const handler of this.msgHandlers) handler(data, buffers);
  }

  closedBy(data: CommData): void {
    this.closed = true;
    for (const handler of this.closeHandlers) handler(data);
  }
}

export class CommManager {
  private targets = new Map<string, CommTarget>();
  private comms = new Map<string, KernelComm>();

  constructor(readonly publish: CommPublish) {}

  readonly api: CommsApi = {
    register: (targetName, handler) => {
      if (typeof handler !== "function") throw new UsageError(`comms.register("${targetName}", handler): handler must be a function (comm, data) => void`);
      this.targets.set(targetName, handler);
    },
    unregister: (targetName) => {
      this.targets.delete(targetName);
    },
    open: (targetName, data = {}, metadata = {}) => {
      const comm = new KernelComm(randomUUID(), targetName, this);
      this.comms.set(comm.id, comm);
      this.publish("comm_open", { comm_id: comm.id, target_name: targetName, data }, metadata);
      return comm;
    },
  };

  forget(comm: KernelComm, data: CommData): void {
    this.comms.delete(comm.id);
    comm.closedBy(data);
  }

  /** comm_open from the front-end: an unknown target is closed straight away, as ipykernel does. */
  async handleOpen(content: Record<string, any>, buffers: Uint8Array[]): Promise<void> {
    const { comm_id: id, target_name: targetName, data = {} } = content;
    const target = this.targets.get(targetName);
    if (!target) {
      console.error(`symtune kernel: no comm target "${targetName}"; closing comm ${id}`);
      this.publish("comm_close", { comm_id: id, data: {} });
      return;
    }
    const comm = new KernelComm(id, targetName, this);
    this.comms.set(id, comm);
    try {
      await target(comm, data, buffers);
    } catch (error) {
      console.error(`symtune kernel: comm target "${targetName}" failed: ${(error as Error).stack}`);
      comm.close();
    }
  }

  handleMsg(content: Record<string, any>, buffers: Uint8Array[]): void {
    const comm = this.comms.get(content.comm_id);
    if (!comm) return console.error(`symtune kernel: comm_msg for unknown comm ${content.comm_id}`);
    try {
      comm.deliver(content.data ?? {}, buffers);
    } catch (error) {
      console.error(`symtune kernel: comm ${comm.id} handler failed: ${(error as Error).stack}`);
    }
  }

  handleClose(content: Record<string, any>): void {
    const comm = this.comms.get(content.comm_id);
    if (comm) this.forget(comm, content.data ?? {});
  }

  /** comm_info_reply's `comms`, optionally for one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const comm of this.comms.values()) {
      if (!targetName || comm.targetName === targetName) out[comm.id] = { target_name: comm.targetName };
    }
    return out;
  }
}
