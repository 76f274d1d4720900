/**
 * The embedding lookup on wasm, both ways.
 *
 * UnsortedSegmentSum: the gradient of tf.gather (the token embedding), the one kernel GPT
 * training needs that tfjs's wasm backend lacks. out[s, :] = Σ x[i, :] over i with
 * segmentIds[i] = s; ids outside [0, numSegments) are dropped, as TensorFlow does.
 *
 * GatherV2 along axis 0 (rows of a table): one block copy per index on the heap. tfjs's wasm
 * kernel took ~10 ms for a (2048 → 128 × 128) lookup (a copy of the indices, a closure per index
 * and a per-element index computation); other gathers still go to it.
 */
import * as tf from "@tensorflow/tfjs";
import { simdKernels } from "../simd/module.ts";
import { type WasmBackend, f32, heapBuffer, i32, offsetOf, originalWasmKernel, replaceWasmKernel } from "./wasm-access.ts";

function gatherRows(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
  const backend = args.backend as WasmBackend;
  const rowsOnly = tf.util.parseAxisParam(axis, x.shape)[0] === 0 && !batchDims;
  if (!rowsOnly || indices.dtype !== "int32" || (x.dtype !== "float32" && x.dtype !== "int32") || x.shape.length === 0) {
    return originalWasmKernel("GatherV2")(args) as tf.TensorInfo;
  }
  const rows = x.shape[0]!;
  const width = tf.util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after makeOutput: an allocation may have grown (and replaced) the heap buffer.
  const ids = i32(backend, indices);
  const heap = new Int32Array(heapBuffer(backend)); // 4-byte words; a plain copy for either dtype
  const from = offsetOf(backend, x) / 4;
  const to = offsetOf(backend, out) / 4;
  for (let i = 0; i < ids.length; i++) {
    const r = ids[i]!;
    if (!(r >= 0 && r < rows)) {
      backend.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
    }
    heap.copyWithin(to + i * width, from + r * width, from + (r + 1) * width);
  }
  return out;
}

function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as { numSegments: number };
  const backend = args.backend as WasmBackend;
  if (x.dtype !== "float32") throw new Error(`UnsortedSegmentSum on wasm supports float32, got ${x.dtype}`);
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const width = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], "float32");
  const simd = width % 4 === 0 ? simdKernels(backend) : null;
  if (simd) {
    simd.segment_sum(offsetOf(backend, x), offsetOf(backend, segmentIds), offsetOf(backend, out), rows, width, numSegments);
    return out;
  }
  // Views after makeOutput: an allocation may have grown (and replaced) the heap buffer.
  const src = f32(backend, x);
  const ids = i32(backend, segmentIds);
  const dst = f32(backend, out);
  dst.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const from = r * width;
    const to = s * width;
    for (let c = 0; c < width; c++) dst[to + c] += src[from + c];
  }
  return out;
}

export function registerEmbeddingKernels(): void {
  replaceWasmKernel({ kernelName: "GatherV2", backendName: "wasm", kernelFunc: gatherRows as unknown as tf.KernelFunc });
  replaceWasmKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
  });
}
