/** Starting kernels for the kernel's integration tests: the real one, or the wire around a toy executor. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelProcess } from "../../kernel/runner/launch.ts";
import type { Message } from "../../kernel/wire/message.ts";

const TOY = fileURLToPath(new URL("./fixtures/toy-kernel.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

export function tempHistory(): string {
  return join(mkdtempSync(join(tmpdir(), "symtune-history-")), "history.jsonl");
}

/** The real kernel sockets and dispatcher with a small JavaScript executor (fixtures/toy-kernel.ts). */
export function startToyKernel(history = tempHistory()): Promise<KernelProcess> {
  return KernelProcess.start({
    argv: (file) => [process.execPath, "--import", TSX, TOY, file],
    env: { SYMTUNE_HISTORY: history },
  });
}

/** `symtune kernel` as Jupyter starts it. */
export function startKernel(history = tempHistory()): Promise<KernelProcess> {
  return KernelProcess.start({ env: { SYMTUNE_HISTORY: history } });
}

export function textOf(outputs: Message[], msgType: string, name?: string): string {
  return outputs
    .filter((m) => m.header.msg_type === msgType && (name === undefined || m.content.name === name))
    .map((m) => (msgType === "stream" ? m.content.text : m.content.data?.["text/plain"]))
    .join("");
}

export function until<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const value = check();
      if (value !== undefined) {
        clearInterval(timer);
        resolve(value);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`gave up waiting for ${what}`));
      }
    }, 20);
  });
}
