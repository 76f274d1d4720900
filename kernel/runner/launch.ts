/**
 * Starting a kernel as a child process with a fresh connection file, as jupyter_client does:
 * free ports, a random HMAC key, and JPY_PARENT_PID so the kernel exits if we die.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectionInfo } from "../wire/connection.ts";
import type { Message } from "../wire/message.ts";
import { KernelClient } from "./client.ts";

const BIN = fileURLToPath(new URL("../../bin/symtune.js", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function newConnection(): Promise<ConnectionInfo> {
  const ports: number[] = [];
  while (ports.length < 5) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = ports as [number, number, number, number, number];
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port,
    iopub_port,
    stdin_port,
    control_port,
    hb_port,
    key: randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "symtune",
  };
}

export interface LaunchOptions {
  /** The command for a connection file; default: this checkout's `symtune kernel`. */
  argv?: (connectionFile: string) => string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Echo the kernel's own stderr (its log) to ours as it comes. */
  echoStderr?: boolean;
}

export class KernelProcess {
  /** Everything the kernel process wrote to stderr: its log. */
  stderr = "";
  private exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly client: KernelClient,
    readonly connectionFile: string,
    private readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  static async start(options: LaunchOptions = {}): Promise<KernelProcess> {
    const connection = await newConnection();
    const dir = mkdtempSync(join(tmpdir(), "symtune-kernel-"));
    const file = join(dir, "kernel.json");
    writeFileSync(file, JSON.stringify(connection, null, 2));
    const argv = options.argv?.(file) ?? [process.execPath, BIN, "kernel", "--connection-file", file];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, JPY_PARENT_PID: String(process.pid) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kernel = new KernelProcess(child, new KernelClient(connection), file, dir);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (options.echoStderr) process.stderr.write(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      kernel.stderr += chunk.toString();
      if (options.echoStderr) process.stderr.write(chunk);
    });
    const died = kernel.exited.then((code) => {
      throw new Error(`the kernel exited (code ${code}) before it was ready:\n${kernel.stderr}`);
    });
    try {
      await Promise.race([kernel.client.ready(), died]);
    } catch (error) {
      await kernel.kill();
      throw error;
    }
    died.catch(() => {});
    return kernel;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code when the process ends. */
  waitExit(): Promise<number | null> {
    return this.exited;
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /**
   * A polite shutdown_request; kills the process if it has not exited 5 s later. A kernel
   * that never answers (its cell ignores every interrupt) gets the same 5 s, not forever.
   */
  async shutdown(): Promise<Message | null> {
    let reply: Message | null = null;
    if (this.alive) {
      const noAnswer = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000).unref());
      reply = await Promise.race([this.client.shutdown(false), this.exited.then(() => null), noAnswer]);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    this.cleanup();
    return reply;
  }

  async kill(): Promise<void> {
    if (this.alive) {
      this.child.kill("SIGKILL");
      await this.exited;
    }
    this.cleanup();
  }

  private cleanup(): void {
    this.client.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
