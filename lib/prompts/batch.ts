/**
 * Encoded examples → padded batches, in a seeded, resumable order.
 *
 * A batch's examples are length-bucketed, then packed (optional): several short examples share
 * a row, kept apart by segment ids (the model's block-diagonal mask, positions restarting per
 * example), so a row carries less padding and a batch fewer rows, with the same per-example
 * losses and gradients. Each epoch shuffles the examples
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
  /** (B, T) int32 when packed: each example's positions share an id (padding has its own). */
  segments?: tf.Tensor2D;
}

/**
 * Rows for packing: examples (by index) first-fit, longest first, into rows of `width`
 * positions (the longest example's length, so no example is cut and no row is wider than
 * padding would make it).
 */
function packRows(lengths: number[], width: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const rows: { used: number; items: number[] }[] = [];
  for (const i of order) {
    const row = rows.find((r) => r.used + lengths[i]! <= width);
    if (row) {
      row.used += lengths[i]!;
      row.items.push(i);
    } else rows.push({ used: lengths[i]!, items: [i] });
  }
  return rows.map((r) => r.items);
}

/**
 * Encoded examples into one batch, right-padded (padding sits after the text, so causal
 * attention never sees it). With `pack`, examples share rows when that saves rows (see
 * packRows); otherwise one example per row and no segments.
 */
export function makeBatch(rows: readonly EncodedExample[], pad: number, options: { pack?: boolean } = {}): Batch {
  const T = Math.max(...rows.map((r) => r.ids.length - 1));
  const packed = options.pack ? packRows(rows.map((r) => r.ids.length - 1), T) : rows.map((_, i) => [i]);
  const B = packed.length;
  const inputs = new Int32Array(B * T).fill(pad);
  const targets = new Int32Array(B * T).fill(pad);
  const mask = new Float32Array(B * T);
  const segments = new Int32Array(B * T).fill(-1);
  let targetCount = 0;
  let tokenCount = 0;
  packed.forEach((items, b) => {
    let at = b * T;
    items.forEach((index, segment) => {
      const row = rows[index]!;
      const n = row.ids.length - 1;
      tokenCount += n;
      for (let t = 0; t < n; t++, at++) {
        inputs[at] = row.ids[t]!;
        targets[at] = row.ids[t + 1]!;
        segments[at] = segment;
        if (t + 1 >= row.completionStart) {
          mask[at] = 1;
          targetCount++;
        }
      }
    });
  });
  return {
    inputs: tf.tensor2d(inputs, [B, T], "int32"),
    targets: tf.tensor2d(targets, [B, T], "int32"),
    mask: tf.tensor2d(mask, [B, T], "float32"),
    targetCount,
    tokenCount,
    segments: B < rows.length ? tf.tensor2d(segments, [B, T], "int32") : undefined,
  };
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.inputs, batch.targets, batch.mask, ...(batch.segments ? [batch.segments] : [])]);
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
