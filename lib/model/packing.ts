/**
 * Sequence packing, model side: several examples share one row of a batch, each seeing only
 * itself. From segment ids (B, T) — equal ids mark one example's positions, in order — come
 * the block-diagonal causal mask and position ids that restart at 0 for each example, so a
 * packed row gives every example the same logits it would get alone.
 */
import * as tf from "@tensorflow/tfjs";
import { HeapExhaustedError, WASM_HEAP_LIMIT_BYTES } from "../backend/heap.ts";

const NEG_INF = -1e9;

export interface PackedLayout {
  /** (B, 1, T, T) additive: 0 where position i may attend to j (j ≤ i, same segment), −1e9 elsewhere. */
  mask: tf.Tensor4D;
  /** (B·T) int32: each position's index within its example. */
  positions: tf.Tensor1D;
}

/** The mask and position ids for packed rows with segment ids `segments` (B, T) int32. */
export function packedLayout(segments: tf.Tensor2D): PackedLayout {
  const [B, T] = segments.shape;
  // A mask the tensor heap can never hold is refused before gigabytes are filled on the JS side.
  if (B * T * T * 4 >= WASM_HEAP_LIMIT_BYTES) throw new HeapExhaustedError(B * T * T * 4);
  const seg = segments.dataSync();
  const mask = new Float32Array(B * T * T).fill(NEG_INF);
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let start = 0;
    for (let i = 0; i < T; i++) {
      const id = seg[b * T + i];
      if (i > 0 && id !== seg[b * T + i - 1]) start = i;
      positions[b * T + i] = i - start;
      // An example's positions are contiguous: row i may see start…i.
      mask.fill(0, (b * T + i) * T + start, (b * T + i) * T + i + 1);
    }
  }
  return { mask: tf.tensor4d(mask, [B, 1, T, T]), positions: tf.tensor1d(positions, "int32") };
}
