/**
 * UnsortedSegmentSum for wasm: the gradient of tf.gather (the token embedding), the one kernel
 * GPT training needs that tfjs's wasm backend lacks. out[s, :] = Σ x[i, :] over i with
 * segmentIds[i] = s; ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
import * as tf from "@tensorflow/tfjs";
import { type WasmBackend, f32, i32, replaceWasmKernel } from "./wasm-access.ts";

function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as { numSegments: number };
  const backend = args.backend as WasmBackend;
  if (x.dtype !== "float32") throw new Error(`UnsortedSegmentSum on wasm supports float32, got ${x.dtype}`);
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const width = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], "float32");
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

export function registerUnsortedSegmentSum(): void {
  replaceWasmKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
  });
}
