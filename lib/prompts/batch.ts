/**
 * Encoded examples → padded batches, in a seeded, resumable order.
 *
 * Batching is length-bucketed padding, not packing: packing would let one example attend to
 * another (the model has no per-document attention mask). Each epoch shuffles the examples
 * with the run's seed, sorts windows of 8 batches by length so a batch pads little, then
 * shuffles the batches. The position in that order is the data cursor a checkpoint stores.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.ts";
import { deriveSeed, Rng } from "../rng.ts";
import type { EncodedExample } from "./encode.ts";

export interface Batch {
  /** (B, T) int32 model inputs. */
  inputs: tf.Tensor2D;
  /** (B, T) int32 next-token targets. */
  targets: tf.Tensor2D;
  /** (B, T) float32: 1 where the target counts (completion and EOS), 0 on prompt and padding. */
  mask: tf.Tensor2D;
  /** Number of scored targets (sum of mask). */
  targetCount: number;
  /** Number of real (non-padding) input tokens. */
  tokenCount: number;
}

/** Right-pads encoded examples into one batch (padding sits after the text, so causal attention never sees it). */
export function makeBatch(rows: readonly EncodedExample[], pad: number): Batch {
  const T = Math.max(...rows.map((r) => r.ids.length - 1));
  const B = rows.length;
  const inputs = new Int32Array(B * T).fill(pad);
  const targets = new Int32Array(B * T).fill(pad);
  const mask = new Float32Array(B * T);
  let targetCount = 0;
  let tokenCount = 0;
  rows.forEach((row, b) => {
    const n = row.ids.length - 1;
    tokenCount += n;
    for (let t = 0; t < n; t++) {
      inputs[b * T + t] = row.ids[t]!;
      targets[b * T + t] = row.ids[t + 1]!;
      if (t + 1 >= row.completionStart) {
        mask[b * T + t] = 1;
        targetCount++;
      }
    }
  });
  return {
    inputs: tf.tensor2d(inputs, [B, T], "int32"),
    targets: tf.tensor2d(targets, [B, T], "int32"),
    mask: tf.tensor2d(mask, [B, T], "float32"),
    targetCount,
    tokenCount,
  };
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.inputs, batch.targets, batch.mask]);
}

/** Where the batcher stands: the epoch and the next batch within it. */
export interface DataCursor {
  epoch: number;
  batch: number;
}

const BUCKET_WINDOW = 8; // batches per length-sorting window

/** Deterministic, resumable order of batches over the examples (see the module comment). */
export class Batcher {
  private order: number[][] = [];
  private orderEpoch = -1;
  cursor: DataCursor;

  constructor(
    private readonly examples: readonly EncodedExample[],
    private readonly batchSize: number,
    private readonly seed: number,
    cursor: DataCursor = { epoch: 0, batch: 0 },
  ) {
    if (examples.length === 0) throw new UsageError("the training data has no examples.");
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a positive integer, got ${batchSize}.`);
    this.cursor = { ...cursor };
  }

  /** The next batch's example rows; advances the cursor. */
  next(): EncodedExample[] {
    let batches = this.epochBatches(this.cursor.epoch);
    if (this.cursor.batch >= batches.length) {
      this.cursor = { epoch: this.cursor.epoch + 1, batch: 0 };
      batches = this.epochBatches(this.cursor.epoch);
    }
    const indices = batches[this.cursor.batch++]!;
    return indices.map((i) => this.examples[i]!);
  }

  private epochBatches(epoch: number): number[][] {
    if (epoch === this.orderEpoch) return this.order;
    const rng = new Rng(deriveSeed(this.seed, 1000 + epoch)); // one stream per epoch: the cursor alone restores the order
    const shuffled = rng.shuffle(this.examples.map((_, i) => i));
    const batches: number[][] = [];
    const window = this.batchSize * BUCKET_WINDOW;
    for (let start = 0; start < shuffled.length; start += window) {
      const chunk = shuffled.slice(start, start + window);
      chunk.sort((a, b) => this.examples[a]!.ids.length - this.examples[b]!.ids.length || a - b);
      for (let i = 0; i < chunk.length; i += this.batchSize) batches.push(chunk.slice(i, i + this.batchSize));
    }
    this.order = rng.shuffle(batches);
    this.orderEpoch = epoch;
    return this.order;
  }
}
