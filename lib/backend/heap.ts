/**
 * The wasm heap is capped at 4 GB and tfjs keeps every intermediate of a training step until
 * the step ends. When a step does not fit, the user needs to hear what to change (a smaller
 * micro-batch with gradient accumulation), and the kernel must stay alive.
 */
import * as tf from "@tensorflow/tfjs";
import { TrainingError } from "../errors.ts";

export const WASM_HEAP_LIMIT_BYTES = 4 * 1024 ** 3;

/** An allocation on the wasm heap failed. Thrown by our wasm backend (wasm-node.ts). */
export class HeapExhaustedError extends Error {
  override name = "HeapExhaustedError";
  constructor(readonly requestedBytes: number) {
    super(`the wasm heap could not allocate ${formatBytes(requestedBytes)} (limit ${formatBytes(WASM_HEAP_LIMIT_BYTES)})`);
  }
}

const HEAP_MESSAGES = [
  /memory access out of bounds/i,
  /Cannot enlarge memory/i,
  /Out of memory/i,
  /Array buffer allocation failed/i,
  /could not allocate/i,
  /Invalid typed array length/i, // a JavaScript-side array of a step too large for any heap
];

/** True for the errors that mean the tensor heap ran out, whichever layer noticed first. */
export function isHeapExhaustion(error: unknown): boolean {
  if (error instanceof HeapExhaustedError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return HEAP_MESSAGES.some((pattern) => pattern.test(message));
}

/** What to tell the user when a step does not fit in memory. */
export function heapAdvice(context?: { microBatch?: number; blockSize?: number }): string {
  const batch = context?.microBatch;
  const smaller = batch && batch > 1 ? ` (e.g. ${Math.max(1, Math.floor(batch / 2))} instead of ${batch})` : "";
  return (
    `training ran out of tensor memory on the ${tf.getBackend()} backend` +
    `${tf.getBackend() === "wasm" ? ` (the wasm heap stops at ${formatBytes(WASM_HEAP_LIMIT_BYTES)})` : ""}; ` +
    `use a smaller micro-batch${smaller} with gradient accumulation to keep the effective batch` +
    `${context?.blockSize ? `, or a shorter context than ${context.blockSize}` : ""}`
  );
}

/**
 * Runs one training step (or any tensor work); heap exhaustion becomes a TrainingError with
 * advice, other errors pass through unchanged. Works for sync and async steps.
 */
export function withHeapGuard<T>(step: () => T, context?: { microBatch?: number; blockSize?: number }): T {
  const translate = (error: unknown): never => {
    if (isHeapExhaustion(error)) {
      const wrapped = new TrainingError(heapAdvice(context));
      (wrapped as Error & { cause?: unknown }).cause = error;
      throw wrapped;
    }
    throw error;
  };
  try {
    const result = step();
    if (result instanceof Promise) return result.catch(translate) as T;
    return result;
  } catch (error) {
    return translate(error);
  }
}

export interface MemoryUse {
  backend: string;
  /** Bytes of live tensors as tfjs counts them. */
  tensorBytes: number;
  numTensors: number;
  /** Size of the wasm heap (it only grows), when the backend is wasm. */
  wasmHeapBytes?: number;
  rssBytes: number;
}

export function memoryUse(): MemoryUse {
  const m = tf.memory();
  const use: MemoryUse = { backend: tf.getBackend(), tensorBytes: m.numBytes, numTensors: m.numTensors, rssBytes: process.memoryUsage().rss };
  if (use.backend === "wasm") {
    const wasm = (tf.backend() as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory; HEAPU8?: Uint8Array } }).wasm;
    use.wasmHeapBytes = wasm?.wasmMemory?.buffer.byteLength ?? wasm?.HEAPU8?.buffer.byteLength;
  }
  return use;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
