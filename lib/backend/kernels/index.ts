// tfjs's own wasm kernels register on import; ours replace some of them, so they must exist first.
import "@tensorflow/tfjs-backend-wasm";
/** Every kernel we add to or replace in tfjs's wasm backend (each checked against cpu in tests/backend). */
import { registerAdamW } from "./adamw.ts";
import { registerBatchMatMul } from "./batch-matmul.ts";
import { registerFusedKernels } from "./fused.ts";
import { registerGelu } from "./gelu.ts";
import { registerLayerNorm } from "./layer-norm.ts";
import { registerLayoutKernels } from "./layout.ts";
import { registerReduceKernels } from "./reduce.ts";
import { registerEmbeddingKernels } from "./embedding.ts";
import { registerXent } from "./xent.ts";

/** Idempotent: kernels already in place are left alone. */
export function registerWasmKernels(): void {
  registerEmbeddingKernels();
  registerLayoutKernels();
  registerReduceKernels();
  registerBatchMatMul();
  registerLayerNorm();
  registerGelu();
  registerFusedKernels();
  registerAdamW();
  registerXent();
}
