/**
 * Data-movement kernels for wasm, in JavaScript on heap views.
 *
 * tfjs's wasm Transpose walks every element through a generic index computation (12 ns per
 * float here: a 2048×512 transpose cost as much as the matmul after it), and its Slice first
 * copies the whole input out of the heap (readSync) before taking the slice, so splitting the
 * fused q|k|v projection copied it three times. These versions copy contiguous runs.
 */
import * as tf from "@tensorflow/tfjs";
import { type WasmBackend, heapBuffer, offsetOf, originalWasmKernel, replaceWasmKernel } from "./wasm-access.ts";

type Heap = Float32Array | Int32Array | Uint8Array;

function view(backend: WasmBackend, t: tf.TensorInfo): Heap {
  const size = tf.util.sizeFromShape(t.shape);
  const buffer = heapBuffer(backend);
  const offset = offsetOf(backend, t);
  if (t.dtype === "float32") return new Float32Array(buffer, offset, size);
  if (t.dtype === "int32") return new Int32Array(buffer, offset, size);
  if (t.dtype === "bool") return new Uint8Array(buffer, offset, size);
  throw new Error(`unsupported dtype ${t.dtype}`);
}

/** Drops size-1 axes and merges axes that stay adjacent and in order under perm. */
function simplifyPermutation(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  // Renumber the axes that are not size 1, in input order.
  const renumber = new Map<number, number>();
  shape.forEach((n, axis) => n !== 1 && renumber.set(axis, renumber.size));
  const reducedShape = shape.filter((n) => n !== 1);
  const reducedPerm = perm.filter((p) => shape[p] !== 1).map((p) => renumber.get(p)!);
  const groups: number[][] = [];
  for (const p of reducedPerm) {
    const last = groups.at(-1);
    if (last && last.at(-1)! + 1 === p) last.push(p);
    else groups.push([p]);
  }
  const order = [...groups].sort((a, b) => a[0] - b[0]);
  return {
    shape: order.map((g) => g.reduce((n, p) => n * reducedShape[p], 1)),
    perm: groups.map((g) => order.indexOf(g)),
  };
}

/**
 * dst (cols, rows) = src (rows, cols)ᵀ for `batch` consecutive matrices. Writes run
 * contiguously and reads stride: measured 2–5× faster in V8 than 32×32 tiles, whose strided
 * writes stall on the store buffer.
 */
function transposeMatrices(src: Heap, dst: Heap, batch: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let j = 0; j < cols; j++) {
      const out = base + j * rows;
      for (let i = 0, k = base + j; i < rows; i++, k += cols) dst[out + i] = src[k];
    }
  }
}

/**
 * General permutation: walks the output in order; the innermost output axis is copied as a
 * run (a block copy when it is contiguous in the input).
 */
function permuteGeneral(src: Heap, dst: Heap, shape: number[], perm: number[]): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const n = outShape[rank - 1];
  const step = strides[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  let base = 0;
  let o = 0;
  const total = dst.length;
  while (o < total) {
    if (step === 1 && n >= 256) {
      dst.set(src.subarray(base, base + n), o);
      o += n;
    } else if (step === 1) {
      // Short runs (a head's D floats): a loop beats creating a subarray per run.
      for (let j = 0; j < n; j++) dst[o++] = src[base + j];
    } else {
      for (let j = 0, k = base; j < n; j++, k += step) dst[o++] = src[k];
    }
    // Advance the odometer over the outer output axes.
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      base += strides[axis];
      if (counter[axis] < outShape[axis]) break;
      base -= strides[axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
}

/** out = transpose(x, perm) as a new heap tensor. */
export function transposeInfo(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  const outShape = perm.map((p) => x.shape[p]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(x.shape) === 0) return out;
  const src = view(backend, x);
  const dst = view(backend, out);
  const simple = simplifyPermutation(x.shape, perm);
  const r = simple.shape.length;
  if (r <= 1) {
    dst.set(src);
  } else if (r === 2 && simple.perm[0] === 1) {
    transposeMatrices(src, dst, 1, simple.shape[0], simple.shape[1]);
  } else if (r === 3 && simple.perm[0] === 0 && simple.perm[1] === 2 && simple.perm[2] === 1) {
    transposeMatrices(src, dst, simple.shape[0], simple.shape[1], simple.shape[2]);
  } else {
    permuteGeneral(src, dst, simple.shape, simple.perm);
  }
  return out;
}

function transposeKernel(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { perm } = args.attrs as { perm: number[] };
  return transposeInfo(args.backend as WasmBackend, x, perm);
}

/** dst[to, to + n) = src[from, from + n): a block copy for long runs, a loop for short ones. */
function copyRun(src: Heap, from: number, dst: Heap, to: number, n: number): void {
  if (n >= 256) dst.set(src.subarray(from, from + n), to);
  else for (let j = 0; j < n; j++) dst[to + j] = src[from + j];
}

/** out = x[begin : begin + size] (sizes of -1 mean "to the end"). */
export function sliceInfo(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = backend.makeOutput(s, x.dtype);
  if (tf.util.sizeFromShape(s) === 0) return out;
  const src = view(backend, x);
  const dst = view(backend, out);
  const rank = x.shape.length;
  // The innermost run: trailing axes taken whole, plus the first axis that is cut.
  let inner = rank - 1;
  while (inner > 0 && s[inner] === x.shape[inner]) inner--;
  const runLength = s.slice(inner).reduce((n, d) => n * d, 1);
  const inStrides = tf.util.computeStrides(x.shape).concat([1]);
  let start = 0;
  for (let i = 0; i < rank; i++) start += b[i] * inStrides[i];
  const outer = s.slice(0, inner);
  const counter = new Array<number>(outer.length).fill(0);
  let base = start;
  for (let o = 0; o < dst.length; o += runLength) {
    copyRun(src, base, dst, o, runLength);
    for (let axis = outer.length - 1; axis >= 0; axis--) {
      counter[axis]++;
      base += inStrides[axis];
      if (counter[axis] < outer[axis]) break;
      base -= inStrides[axis] * outer[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

function sliceKernel(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { begin, size } = args.attrs as { begin: number[]; size: number[] };
  return sliceInfo(args.backend as WasmBackend, x, begin, size);
}

function splitVKernel(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((n) => {
    const size = [...x.shape];
    size[$axis] = n;
    const part = sliceInfo(args.backend as WasmBackend, x, [...begin], size);
    begin[$axis] += n;
    return part;
  });
}

function concatKernel(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const backend = args.backend as WasmBackend;
  if (inputs.length === 0 || inputs.some((t) => t.dtype === "string")) return originalWasmKernel("Concat")(args) as tf.TensorInfo;
  const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, inputs[0].shape)[0];
  const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const rows = tf.util.sizeFromShape(outShape.slice(0, axis));
  const widths = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const total = widths.reduce((a, b) => a + b, 0);
  const dst = view(backend, out);
  inputs.forEach((t, i) => {
    if (widths[i] === 0) return;
    const src = view(backend, t);
    const offset = widths.slice(0, i).reduce((a, b) => a + b, 0);
    for (let r = 0; r < rows; r++) copyRun(src, r * widths[i], dst, r * total + offset, widths[i]);
  });
  return out;
}

export function registerLayoutKernels(): void {
  for (const [kernelName, kernelFunc] of [
    ["Transpose", transposeKernel],
    ["Slice", sliceKernel],
    ["SplitV", splitVKernel],
    ["Concat", concatKernel],
  ] as const) {
    replaceWasmKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
