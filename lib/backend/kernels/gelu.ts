/**
 * tanh-GELU as one wasm kernel, for inference on small tensors (a decoding step's (B, 4C)
 * activations): as tfjs ops it is seven kernels, and at one token a step each kernel's fixed
 * cost is most of the time. Large tensors keep the tfjs ops, whose wasm Sigmoid is vectorised
 * (JavaScript's Math.exp per element is slower than that at scale).
 */
import * as tf from "@tensorflow/tfjs";
import { type WasmBackend, f32 } from "./wasm-access.ts";

export const GELU_KERNEL = "SymtuneGelu";
const K = 2 * Math.sqrt(2 / Math.PI);

function gelu(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const backend = args.backend as WasmBackend;
  const out = backend.makeOutput(x.shape, "float32");
  const src = f32(backend, x);
  const dst = f32(backend, out);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    // 0.5·v·(1 + tanh(√(2/π)(v + 0.044715v³))) = v·σ(2√(2/π)(v + 0.044715v³))
    dst[i] = v / (1 + Math.exp(-K * (v + 0.044715 * v * v * v)));
  }
  return out;
}

export function registerGelu(): void {
  if (tf.getKernel(GELU_KERNEL, "wasm")) return;
  tf.registerKernel({ kernelName: GELU_KERNEL, backendName: "wasm", kernelFunc: gelu as unknown as tf.KernelFunc });
}
