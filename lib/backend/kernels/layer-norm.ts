/**
 * LayerNorm's forward pass as one wasm kernel: per row, mean and variance in one read, then
 * the normalised row, the output and 1/σ. As tfjs ops it was nine kernels (nine passes and,
 * when decoding one token, nine times tfjs's per-op cost). It also returns what the
 * backward pass needs (x̂ and 1/σ); the gradient itself is tfjs ops (lib/model/ops.ts).
 *
 * Inputs x (N, C), gain (C), bias (C); attr eps. Outputs [y (N, C), x̂ (N, C), 1/σ (N, 1)].
 */
import * as tf from "@tensorflow/tfjs";
import { type WasmBackend, f32 } from "./wasm-access.ts";

export const LAYER_NORM_KERNEL = "SymtuneLayerNorm";

function layerNorm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x, gain, bias } = args.inputs as { x: tf.TensorInfo; gain: tf.TensorInfo; bias: tf.TensorInfo };
  const { eps } = args.attrs as { eps: number };
  const backend = args.backend as WasmBackend;
  const C = x.shape[x.shape.length - 1];
  const N = tf.util.sizeFromShape(x.shape) / C;
  const y = backend.makeOutput(x.shape, "float32");
  const normed = backend.makeOutput(x.shape, "float32");
  const rstd = backend.makeOutput([...x.shape.slice(0, -1), 1], "float32");
  // Views after the allocations: growing the heap replaces its buffer.
  const [src, g, b, out, xhat, r] = [x, gain, bias, y, normed, rstd].map((t) => f32(backend, t));
  for (let i = 0; i < N; i++) {
    const row = i * C;
    let sum = 0;
    let sumSq = 0;
    for (let c = 0; c < C; c++) {
      const v = src[row + c];
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / C;
    const inv = 1 / Math.sqrt(Math.max(sumSq / C - mean * mean, 0) + eps);
    r[i] = inv;
    for (let c = 0; c < C; c++) {
      const h = (src[row + c] - mean) * inv;
      xhat[row + c] = h;
      out[row + c] = h * g[c] + b[c];
    }
  }
  return [y, normed, rstd];
}

export function registerLayerNorm(): void {
  if (tf.getKernel(LAYER_NORM_KERNEL, "wasm")) return;
  tf.registerKernel({ kernelName: LAYER_NORM_KERNEL, backendName: "wasm", kernelFunc: layerNorm as unknown as tf.KernelFunc });
}
