/**
 * symtune's SIMD kernel module (source.ts, assembled to kernels.wasm), instantiated on the
 * active tfjs wasm backend's own memory so that its kernels read and write tensors where they
 * lie. One instance per heap. Unavailable — callers keep their ONNX-graph or tfjs path — when
 * the heap is not a plain exported memory (the threaded build), or SYMTUNE_SIMD=0.
 */
import { readFileSync } from "node:fs";
import type { WasmBackend } from "../kernels/wasm-access.ts";

/** The module's exports; every pointer is a byte offset on the heap. */
export interface SimdKernels {
  gelu_bwd(h: number, b: number, dy: number, dh: number, db: number, rows: number, cols: number): void;
  layer_norm_fwd(x: number, g: number, b: number, y: number, mean: number, rstd: number, rows: number, cols: number, eps: number): void;
  layer_norm_bwd(x: number, g: number, mean: number, rstd: number, dy: number, dx: number, dg: number, db: number, rows: number, cols: number): void;
  xent(logits: number, targets: number, weights: number, dlogits: number, stats: number, rows: number, cols: number): void;
  adamw(p: number, g: number, m: number, v: number, p2: number, m2: number, v2: number, n: number,
    lrc: number, b1: number, b2: number, eps: number, ic2: number, keep: number): void;
  sum_rows(src: number, dst: number, rows: number, cols: number): void;
  segment_sum(src: number, ids: number, dst: number, rows: number, cols: number, segments: number): void;
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();
let enabled = process.env.SYMTUNE_SIMD !== "0";

/** For tests and comparisons: use the SIMD kernels (true, the default) or not. */
export function enableSimdKernels(on: boolean): void {
  enabled = on;
}

/** The kernels on this backend's heap, or null where they cannot run. */
export function simdKernels(backend: WasmBackend): SimdKernels | null {
  if (!enabled) return null;
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || memory.buffer instanceof SharedArrayBuffer) return null;
  let kernels = instances.get(memory);
  if (!kernels) {
    compiled ??= new WebAssembly.Module(readFileSync(new URL("./kernels.wasm", import.meta.url)));
    kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
