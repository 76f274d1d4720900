/**
 * One AdamW update of one parameter tensor as a single wasm kernel: a loop over the heap
 * instead of ~14 tfjs kernels (each a pass and a dispatch) per tensor — for the benchmark's
 * small models the optimizer's dispatches were a sizeable part of a step.
 *
 * Inputs p, g, m, v (same shape); attrs lr, beta1, beta2, eps, correction1, correction2 and
 * decay (lr × weight decay, 0 when the tensor is not decayed). Outputs [p′, m′, v′]:
 *   m′ = β₁m + (1 − β₁)g,  v′ = β₂v + (1 − β₂)g²,  p′ = p(1 − decay) − lr·(m′/c₁)/(√(v′/c₂) + ε)
 */
import * as tf from "@tensorflow/tfjs";
import { simdKernels } from "../simd/module.ts";
import { type WasmBackend, f32, offsetOf } from "./wasm-access.ts";

export const ADAMW_KERNEL = "SymtuneAdamW";

function adamw(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { p, g, m, v } = args.inputs as Record<string, tf.TensorInfo>;
  const { lr, beta1, beta2, eps, correction1, correction2, decay } = args.attrs as Record<string, number>;
  const backend = args.backend as WasmBackend;
  const outs = [p, m, v].map((t) => backend.makeOutput(t.shape, "float32"));
  const n = tf.util.sizeFromShape(p.shape);
  const simd = n >= 4 ? simdKernels(backend) : null;
  if (simd) {
    // One SIMD pass (../simd/source.ts), in float32 throughout: the last bits may differ from the loop below.
    const [P, G, M, V, P2, M2, V2] = [p, g, m, v, ...outs].map((t) => offsetOf(backend, t));
    simd.adamw(P, G, M, V, P2, M2, V2, n, lr / correction1, beta1, beta2, eps, 1 / correction2, 1 - decay);
    return outs;
  }
  // Views after the allocations: growing the heap replaces its buffer.
  const [P, G, M, V, P2, M2, V2] = [p, g, m, v, ...outs].map((t) => f32(backend, t));
  const keep = 1 - decay;
  for (let i = 0; i < P.length; i++) {
    const gi = G[i];
    const mi = beta1 * M[i] + (1 - beta1) * gi;
    const vi = beta2 * V[i] + (1 - beta2) * gi * gi;
    M2[i] = mi;
    V2[i] = vi;
    P2[i] = P[i] * keep - (lr * (mi / correction1)) / (Math.sqrt(vi / correction2) + eps);
  }
  return outs;
}

export function registerAdamW(): void {
  if (tf.getKernel(ADAMW_KERNEL, "wasm")) return;
  tf.registerKernel({ kernelName: ADAMW_KERNEL, backendName: "wasm", kernelFunc: adamw as unknown as tf.KernelFunc });
}
