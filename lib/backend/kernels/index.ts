/** Every kernel we add to or replace in tfjs's wasm backend (each checked against cpu in tests/backend). */
import { registerBatchMatMul } from "./batch-matmul.ts";
import { registerLayoutKernels } from "./layout.ts";
import { registerReduceKernels } from "./reduce.ts";
import { registerUnsortedSegmentSum } from "./unsorted-segment-sum.ts";

export function registerWasmKernels(): void {
  registerUnsortedSegmentSum();
  registerLayoutKernels();
  registerReduceKernels();
  registerBatchMatMul();
}
