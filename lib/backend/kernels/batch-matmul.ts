/**
 * BatchMatMul for wasm that never falls into tfjs's scalar loop.
 *
 * tfjs's wasm kernel uses XNNPACK only for a single, untransposed product; every transposed or
 * batched one (all of backprop, all of attention) falls into a scalar loop that took 91–96% of
 * a training step. Here products go, in order of preference, to native MLAS
 * (native-matmul.ts: a whole batch, transposes included, in one call), to JavaScript when tiny
 * (KV-cache decoding), or to XNNPACK: transposed operands are transposed physically first (O(n²) against
 * the product's O(n³)), or, when that moves fewer floats, the transposed product
 * Cᵀ = op(B)ᵀ·op(A)ᵀ is computed and transposed back; a batch against one shared matrix is
 * folded into the rows of a single product; other batches (broadcast included) run one fast
 * product per batch entry on zero-copy views of the heap.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeMatmulStatus, nativeProduct } from "../native-matmul.ts";
import { transposeInfo } from "./layout.ts";
import {
  type WasmBackend,
  f32,
  heapBuffer,
  offsetOf,
  originalWasmKernel,
  registerView,
  releaseView,
  replaceWasmKernel,
  wasmId,
} from "./wasm-access.ts";

type RawMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: number, transposeB: number, outId: number,
) => void;

let rawMatMul: RawMatMul | null = null;

function setup(backend: tf.KernelBackend): void {
  const wasm = (backend as WasmBackend).wasm;
  rawMatMul = wasm.cwrap("BatchMatMul", null, [
    "number", "array", "number", "number", "array", "number", "number", "number", "number",
  ]) as unknown as RawMatMul;
}

const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

/** out (rows, n) = a (rows, k) @ b (k, n), all given by C-side ids: the XNNPACK path. */
function fastProduct(aId: number, bId: number, outId: number, rows: number, k: number, n: number): void {
  rawMatMul!(aId, shapeBytes([1, rows, k]), 3, bId, shapeBytes([1, k, n]), 3, 0, 0, outId);
}

/**
 * Below this many multiply-adds a product is done in JavaScript: XNNPACK's per-call cost
 * (packing the right-hand matrix, building an operator) is ~60 µs, which a batched
 * matrix-vector product of KV-cached decoding (M = 1) pays once per head.
 */
const SMALL_PRODUCT = 16384;

/** out (M, N) = a (M, K) @ b (K, N) on heap views, row by row (the inner loop is contiguous). */
function smallProduct(heap: Float32Array, aAt: number, bAt: number, outAt: number, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const o = outAt + i * N;
    heap.fill(0, o, o + N);
    for (let k = 0; k < K; k++) {
      const x = heap[aAt + i * K + k];
      if (x === 0) continue;
      const row = bAt + k * N;
      for (let j = 0; j < N; j++) heap[o + j] += x * heap[row + j];
    }
  }
}

/** Index into a (right-aligned, size-1-broadcast) batch shape for flat index `o` of `outBatch`. */
function broadcastIndex(o: number, outBatch: number[], batch: number[]): number {
  let index = 0;
  let stride = 1;
  for (let i = outBatch.length - 1, j = batch.length - 1; i >= 0; i--, j--) {
    const coord = o % outBatch[i];
    o = Math.floor(o / outBatch[i]);
    if (j >= 0) {
      if (batch[j] !== 1) index += coord * stride;
      stride *= batch[j];
    }
  }
  return index;
}

/** Physical transpose of the last two axes. */
function transposeLastTwo(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  const perm = [...x.shape.keys()];
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transposeInfo(backend, x, perm);
}

/** op(a) @ op(b) with the transposes made physical first; a and b keep their ownership. */
function productOf(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  const aT = transposeA ? transposeLastTwo(backend, a) : a; // (..., M, K)
  const bT = transposeB ? transposeLastTwo(backend, b) : b; // (..., K, N)
  try {
    return plainProduct(backend, aT, bT);
  } finally {
    if (aT !== a) backend.disposeData(aT.dataId);
    if (bT !== b) backend.disposeData(bT.dataId);
  }
}

/** a (..., M, K) @ b (..., K, N) with broadcast batch axes, on XNNPACK. */
function plainProduct(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const [M, K] = a.shape.slice(-2);
  const [K2, N] = b.shape.slice(-2);
  if (K !== K2) {
    throw new Error(`Error in matMul: inner shapes (${K}) and (${K2}) of Tensors with shapes ${a.shape} and ${b.shape} must match.`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const outBatch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
  const out = backend.makeOutput([...outBatch, M, N], "float32");
  const count = tf.util.sizeFromShape(outBatch);
  if (count === 0 || M * N === 0) return out;
  if (tf.util.sizeFromShape(batchB) === 1) {
    // One shared right-hand matrix: stack every batch's rows into one product.
    fastProduct(wasmId(backend, a), wasmId(backend, b), wasmId(backend, out), count * M, K, N);
    return out;
  }
  const [aBase, bBase, outBase] = [offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out)];
  if (M * K * N <= SMALL_PRODUCT) {
    const heap = new Float32Array(heapBuffer(backend));
    for (let o = 0; o < count; o++) {
      const aAt = aBase / 4 + broadcastIndex(o, outBatch, batchA) * M * K;
      const bAt = bBase / 4 + broadcastIndex(o, outBatch, batchB) * K * N;
      smallProduct(heap, aAt, bAt, outBase / 4 + o * M * N, M, K, N);
    }
    return out;
  }
  for (let o = 0; o < count; o++) {
    const aView = registerView(backend, aBase + broadcastIndex(o, outBatch, batchA) * M * K * 4, M * K);
    const bView = registerView(backend, bBase + broadcastIndex(o, outBatch, batchB) * K * N * 4, K * N);
    const outView = registerView(backend, outBase + o * M * N * 4, M * N);
    try {
      fastProduct(aView, bView, outView, M, K, N);
    } finally {
      // Releasing the right-hand view also drops the operator XNNPACK cached for it.
      [aView, bView, outView].forEach((id) => releaseView(backend, id));
    }
  }
  return out;
}

/** Row counts up to which a product against a shared weight stays on XNNPACK (see below). */
const FEW_ROWS = 16;

/**
 * The product on native MLAS (native-matmul.ts) when it is available, the product is not tiny,
 * and the batch axes flatten to one broadcastable axis; otherwise null.
 */
function nativeBatchMatMul(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo | null {
  // The native side refuses the threaded build's shared heap (prepareWasm loads the plain one
  // whenever native products are available).
  if (!nativeMatmulStatus().available || heapBuffer(backend) instanceof SharedArrayBuffer) return null;
  const [ra, ca] = a.shape.slice(-2);
  const [rb, cb] = b.shape.slice(-2);
  const [M, K] = transposeA ? [ca, ra] : [ra, ca];
  const [K2, N] = transposeB ? [cb, rb] : [rb, cb];
  if (K !== K2 || M * K * N <= SMALL_PRODUCT) return null;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const nA = tf.util.sizeFromShape(batchA);
  const nB = tf.util.sizeFromShape(batchB);
  // A few rows against one untransposed matrix (a decoding step against a weight): XNNPACK
  // keeps the weight packed between calls, where MLAS would repack it every time.
  if (nB === 1 && !transposeB && nA * M <= FEW_ROWS) return null;
  const outBatch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
  const sameBatch = nA === nB && tf.util.sizeFromShape(outBatch) === nA;
  if (!sameBatch && nA !== 1 && nB !== 1) return null; // batch axes that broadcast both ways
  const out = backend.makeOutput([...outBatch, M, N], "float32");
  // The plain heap is read and written in place (views made after the output's allocation).
  nativeProduct(f32(backend, a), [nA, ra, ca], f32(backend, b), [nB, rb, cb], transposeA, transposeB, f32(backend, out));
  return out;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as WasmBackend;
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) {
    return originalWasmKernel("BatchMatMul")(args) as tf.TensorInfo;
  }
  const native = nativeBatchMatMul(backend, a, b, transposeA, transposeB);
  if (native) return native;
  const sizeA = tf.util.sizeFromShape(a.shape);
  const sizeB = tf.util.sizeFromShape(b.shape);
  const unbatched = sizeA === a.shape.at(-1)! * a.shape.at(-2)! && sizeB === b.shape.at(-1)! * b.shape.at(-2)!;
  if (unbatched && (transposeA || transposeB)) {
    const M = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
    const N = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
    const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0);
    const flipped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + M * N;
    if (flipped < direct) {
      // Cᵀ = op(B)ᵀ · op(A)ᵀ, then one transpose of the (smaller) result.
      const a2 = { ...a, shape: a.shape.slice(-2) };
      const b2 = { ...b, shape: b.shape.slice(-2) };
      const outT = productOf(backend, b2, a2, !transposeB, !transposeA); // (N, M)
      try {
        const out = transposeInfo(backend, outT, [1, 0]);
        out.shape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), M, N];
        return out;
      } finally {
        backend.disposeData(outT.dataId);
      }
    }
  }
  return productOf(backend, a, b, transposeA, transposeB);
}

export function registerBatchMatMul(): void {
  replaceWasmKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    setupFunc: setup as unknown as tf.KernelSetupFunc,
    kernelFunc: batchMatMul as unknown as tf.KernelFunc,
  });
}
