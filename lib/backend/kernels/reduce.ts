/**
 * Sum and Identity for wasm.
 *
 * tfjs's wasm Sum reduces only innermost axes and gets there through its slow generic
 * transpose; the bias, gain and broadcast gradients of a GPT all reduce the leading (batch ×
 * position) axis. Leading-axis sums here add rows straight off the heap; other layouts go
 * through our fast transpose and then tfjs's innermost-axis Sum.
 *
 * tfjs's wasm Identity copies the tensor; the engine clones every output it saves for the
 * backward pass through Identity, so a training step copied all its activations once more.
 * Tensors are immutable, so sharing the data with a reference count (as the cpu backend does)
 * is enough.
 */
import * as tf from "@tensorflow/tfjs";
import { transposeInfo } from "./layout.ts";
import { simdKernels } from "../simd/module.ts";
import { type WasmBackend, f32, offsetOf, originalWasmKernel, replaceWasmKernel } from "./wasm-access.ts";

type Args = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

function sum(args: Args): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const backend = args.backend as WasmBackend;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const innermost = tf.backend_util.getAxesPermutation(axes, rank) === null;
  if (x.dtype !== "float32" || innermost || axes.length === 0) {
    return originalWasmKernel("Sum")(args) as tf.TensorInfo;
  }
  const kept = x.shape.filter((_, i) => !axes.includes(i));
  const finalShape = keepDims ? tf.backend_util.expandShapeToKeepDim(kept, axes) : kept;
  const leading = axes.every((a, i) => a === i);
  if (leading) {
    const rows = tf.util.sizeFromShape(axes.map((a) => x.shape[a]));
    const width = tf.util.sizeFromShape(kept);
    const out = backend.makeOutput(kept, "float32");
    const simd = width % 4 === 0 ? simdKernels(backend) : null;
    if (simd) {
      simd.sum_rows(offsetOf(backend, x), offsetOf(backend, out), rows, width);
      out.shape = finalShape;
      return out;
    }
    const src = f32(backend, x);
    const dst = f32(backend, out);
    dst.fill(0);
    for (let r = 0; r < rows; r++) {
      const base = r * width;
      for (let c = 0; c < width; c++) dst[c] += src[base + c];
    }
    out.shape = finalShape;
    return out;
  }
  const perm = tf.backend_util.getAxesPermutation(axes, rank)!;
  const moved = transposeInfo(backend, x, perm);
  try {
    const inner = tf.backend_util.getInnerMostAxes(axes.length, rank);
    const out = originalWasmKernel("Sum")({ inputs: { x: moved }, backend, attrs: { axis: inner, keepDims: false } }) as tf.TensorInfo;
    out.shape = finalShape;
    return out;
  } finally {
    backend.disposeData(moved.dataId);
  }
}

function identity(args: Args): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === "string") return originalWasmKernel("Identity")(args) as tf.TensorInfo;
  (args.backend as WasmBackend & { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function registerReduceKernels(): void {
  replaceWasmKernel({ kernelName: "Sum", backendName: "wasm", kernelFunc: sum as unknown as tf.KernelFunc });
  replaceWasmKernel({ kernelName: "Identity", backendName: "wasm", kernelFunc: identity as unknown as tf.KernelFunc });
}
