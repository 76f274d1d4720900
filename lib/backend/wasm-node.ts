/**
 * The tfjs wasm backend, set up for training in Node:
 * - multithreaded: tfjs turns threads off in Node because it starts the pthread worker from a
 *   `blob:` URL, which Node's worker_threads cannot load. We build the threaded SIMD module
 *   ourselves with the worker written to a real file, then hand it to tfjs's BackendWasm.
 * - heap-checked: a failed allocation on the 4 GB wasm heap becomes a clear error instead of
 *   a tensor at address 0 (see heap.ts).
 * - with our kernel fills registered (kernels/).
 */
import * as tf from "@tensorflow/tfjs";
import * as wasmBackend from "@tensorflow/tfjs-backend-wasm";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { HeapExhaustedError, WASM_HEAP_LIMIT_BYTES } from "./heap.ts";
import { registerWasmKernels } from "./kernels/index.ts";
import { nativeMatmulStatus, setNativeThreads } from "./native-matmul.ts";

const require = createRequire(import.meta.url);
const WASM_PRIORITY = 2;

export interface WasmSetup {
  threads: number;
  /** Why threads could not be used, when they could not. */
  threadNote?: string;
}

// tfjs's module type is internal; we use only these members.
interface WasmModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  _malloc(n: number): number;
  PThread?: unknown;
  tfjs?: Record<string, unknown>;
}

/**
 * XNNPACK threads to start with: SYMTUNE_THREADS when set, else one per core — unless the
 * cores are already busy (1-minute load ≥ cores − 0.5), where a second spinning pool thread
 * only fights other processes: measured here at load 10 on 2 cores, 1 thread trained 1.5–1.7×
 * faster than 2, while on an idle box 2 threads are faster.
 */
export function defaultThreads(): number {
  const env = Number(process.env.SYMTUNE_THREADS);
  if (Number.isInteger(env) && env > 0) return Math.min(env, 8);
  const cores = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
  return cores > 1 && os.loadavg()[0] >= cores - 0.5 ? 1 : cores;
}

/**
 * Loads tfjs's wasm module: the threaded SIMD build with `threads` XNNPACK threads, or the
 * single-threaded SIMD build. The C++ side caps the pool at (logical cores / 2), read from
 * os.cpus() while its static constructors run, so we report 2·threads cores for that moment.
 */
async function loadModule(threads: number): Promise<WasmModule> {
  const before = {
    uncaughtException: process.listeners("uncaughtException"),
    unhandledRejection: process.listeners("unhandledRejection"),
  };
  try {
    return await instantiate(threads);
  } finally {
    // Emscripten's Node glue adds handlers that rethrow every uncaught error and unhandled
    // rejection: that would take the kernel down (and print the minified glue as the source
    // line). The kernel has its own handling; drop theirs.
    for (const event of ["uncaughtException", "unhandledRejection"] as const) {
      const emitter = process as unknown as { listeners(e: string): unknown[]; removeListener(e: string, l: unknown): void };
      const added = emitter.listeners(event).filter((l) => !(before[event] as unknown[]).includes(l));
      for (const listener of added) emitter.removeListener(event, listener);
    }
  }
}

async function instantiate(threads: number): Promise<WasmModule> {
  const outDir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js"));
  if (threads <= 1) {
    const factory = require(join(outDir, "tfjs-backend-wasm.js")) as (config: object) => Promise<WasmModule>;
    // The plain glue loads SIMD and non-SIMD binaries alike; Node 20 has SIMD.
    return factory({ locateFile: (file: string) => join(outDir, file.replace(/\.wasm$/, "-simd.wasm")) });
  }
  const gluePath = join(outDir, "tfjs-backend-wasm-threaded-simd.js");
  const { wasmWorkerContents } = require(join(outDir, "tfjs-backend-wasm-threaded-simd.worker.js")) as {
    wasmWorkerContents: string;
  };
  const factory = require(gluePath) as (config: object) => Promise<WasmModule>;
  const dir = mkdtempSync(join(os.tmpdir(), "symtune-wasm-"));
  const workerPath = join(dir, "tfjs-backend-wasm-threaded-simd.worker.cjs");
  // The worker source sits in a template literal whose "\n" escapes became real newlines.
  writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, "\\n"));
  const realCpus = os.cpus;
  const oneCpu = realCpus()[0];
  os.cpus = () => Array.from({ length: 2 * threads }, () => oneCpu);
  try {
    return await factory({
      locateFile: (file: string) => (file.endsWith(".worker.js") ? workerPath : join(outDir, file)),
      // The worker imports the module's JavaScript from here (a file path, not a blob).
      mainScriptUrlOrBlob: gluePath,
    });
  } finally {
    os.cpus = realCpus;
  }
}

/** The cwrap'd entry points BackendWasm expects on `module.tfjs` (as tfjs's own init sets). */
function attachTfjsApi(module: WasmModule): void {
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
}

type BackendWasmClass = new (module: WasmModule) => tf.KernelBackend;

/** BackendWasm whose allocations throw HeapExhaustedError when the heap is full. */
function checkedBackendClass(): BackendWasmClass {
  const Base = (wasmBackend as unknown as { BackendWasm: BackendWasmClass }).BackendWasm;
  return class CheckedBackendWasm extends Base {
    move(dataId: object, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void {
      const bytes = dtype === "string" ? 0 : tf.util.sizeFromShape(shape) * 4;
      // The heap's malloc takes a 32-bit size: larger requests would wrap around, not fail.
      if (bytes >= WASM_HEAP_LIMIT_BYTES) throw new HeapExhaustedError(bytes);
      (Base.prototype as unknown as { move: Function }).move.call(this, dataId, values, shape, dtype, refCount);
      const self = this as unknown as { dataIdMap: { get(d: object): { memoryOffset: number } } };
      if (bytes > 0 && self.dataIdMap.get(dataId).memoryOffset === 0) {
        this.disposeData(dataId, true);
        throw new HeapExhaustedError(bytes);
      }
    }
  };
}

/**
 * XNNPACK's pool threads wait forever for work; as referenced worker_threads they would keep
 * Node from exiting when a script or command is done. Unreferenced, they end with the process.
 */
function letProcessExit(module: WasmModule): void {
  const pthreads = module.PThread as { runningWorkers?: { unref?(): void }[]; unusedWorkers?: { unref?(): void }[] } | undefined;
  for (const worker of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) worker.unref?.();
}

let setup: Promise<WasmSetup> | null = null;

/**
 * Replaces tfjs's registration of "wasm" with ours (threaded when possible, heap-checked,
 * kernel fills added). Idempotent; does not switch the active backend. When our loader fails,
 * tfjs's own (single-threaded) registration stays.
 */
export function prepareWasm(threads = defaultThreads()): Promise<WasmSetup> {
  setup ??= (async () => {
    registerWasmKernels();
    setNativeThreads(threads);
    if ((tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm) {
      // Tensors already live on tfjs's own wasm backend: replacing it would drop them.
      return { threads: 1, threadNote: "tfjs's own wasm backend was started before initBackend, so it stays (one thread)" };
    }
    const Backend = checkedBackendClass();
    const notes: string[] = [];
    // With native matrix products the threads belong to MLAS; XNNPACK threads only ever ran
    // matmuls, and the single-threaded build's heap is a plain ArrayBuffer that the native
    // side can read in place (it refuses the threaded build's SharedArrayBuffer).
    const xnnThreads = nativeMatmulStatus().available ? 1 : threads;
    for (const n of xnnThreads > 1 ? [xnnThreads, 1] : [1]) {
      try {
        const module = await loadModule(n);
        attachTfjsApi(module);
        tf.removeBackend("wasm");
        wasmBackend.setThreadsCount(n);
        tf.registerBackend(
          "wasm",
          () => {
            const backend = new Backend(module);
            letProcessExit(module);
            return backend;
          },
          WASM_PRIORITY,
        );
        return { threads: n, threadNote: notes.join("; ") || undefined };
      } catch (error) {
        notes.push(`${n}-thread wasm failed to load (${(error as Error)?.message ?? error})`);
      }
    }
    return { threads: 1, threadNote: notes.join("; ") + "; using tfjs's own wasm loader" };
  })();
  return setup;
}

/** Threads XNNPACK actually runs with (after the backend is active). */
export function activeWasmThreads(): number {
  try {
    return wasmBackend.getThreadsCount();
  } catch {
    return 0;
  }
}
