/**
 * Softmax cross-entropy, loss and gradient in one kernel (the SIMD module's `xent`): one read
 * of the logits for the row maxima, one for e^(x − max) written straight into the gradient,
 * one to scale it — instead of logSoftmax, a one-hot matrix, products and sums as tfjs ops
 * forward and the same again backward.
 *
 *   SymtuneSoftmaxXent  logits (N, V), targets (N) int32, mask? (N)  →  [loss (), dlogits (N, V)]
 *
 * loss = Σᵢ wᵢ·(log Σⱼ e^(Lᵢⱼ) − Lᵢ,tᵢ) with wᵢ = maskᵢ / max(Σ mask, 1) (1/N without a mask),
 * dlogits = its gradient. A target outside [0, V) adds nothing, as with tf.oneHot's empty row.
 * Registered always; runs only where the SIMD module can (`xentAvailable`).
 */
import * as tf from "@tensorflow/tfjs";
import { simdKernels } from "../simd/module.ts";
import { type WasmBackend, f32, i32, offsetOf } from "./wasm-access.ts";

export const XENT_KERNEL = "SymtuneSoftmaxXent";

function xent(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo[] {
  const { logits, targets, mask } = args.inputs as { logits: tf.TensorInfo; targets: tf.TensorInfo; mask?: tf.TensorInfo };
  const backend = args.backend as WasmBackend;
  const simd = simdKernels(backend);
  if (!simd) throw new Error(`${XENT_KERNEL} needs the SIMD module (check xentAvailable() first)`);
  const [N, V] = logits.shape;
  const loss = backend.makeOutput([], "float32");
  const dlogits = backend.makeOutput([N, V], "float32");
  const weights = backend.makeOutput([N], "float32");
  const stats = backend.makeOutput([N, 2], "float32");
  try {
    // Views after every allocation: growing the heap replaces its buffer.
    const w = f32(backend, weights);
    const t = i32(backend, targets);
    if (mask) {
      const m = mask.dtype === "float32" ? f32(backend, mask) : i32(backend, mask);
      let total = 0;
      for (let i = 0; i < N; i++) total += m[i]!;
      const scale = 1 / Math.max(total, 1);
      for (let i = 0; i < N; i++) w[i] = m[i]! * scale;
    } else {
      w.fill(1 / N);
    }
    for (let i = 0; i < N; i++) if (!(t[i]! >= 0 && t[i]! < V)) w[i] = 0;
    simd.xent(offsetOf(backend, logits), offsetOf(backend, targets), offsetOf(backend, weights), offsetOf(backend, dlogits), offsetOf(backend, stats), N, V);
    const s = f32(backend, stats);
    const l = f32(backend, logits);
    let total = 0;
    for (let i = 0; i < N; i++) {
      if (w[i] !== 0) total += w[i]! * (s[2 * i]! + Math.log(s[2 * i + 1]!) - l[i * V + t[i]!]!);
    }
    f32(backend, loss)[0] = total;
    return [loss, dlogits];
  } finally {
    backend.disposeData(weights.dataId);
    backend.disposeData(stats.dataId);
  }
}

/** Whether the fused cross-entropy can run on the active backend now. */
export function xentAvailable(): boolean {
  return tf.getBackend() === "wasm" && tf.getKernel(XENT_KERNEL, "wasm") !== undefined && simdKernels(tf.backend() as WasmBackend) !== null;
}

export function registerXent(): void {
  if (tf.getKernel(XENT_KERNEL, "wasm")) return;
  tf.registerKernel({ kernelName: XENT_KERNEL, backendName: "wasm", kernelFunc: xent as unknown as tf.KernelFunc });
}
