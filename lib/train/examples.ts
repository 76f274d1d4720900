/**
 * Examples → token rows → padded batches.
 *
 * The unit of training data is an example `{prompt, completion}`. It becomes the token row
 * `BOS prompt SEP completion EOS`; the model reads row[0..L-2] and is scored on row[1..L-1]
 * only where the target is a completion token or the final EOS (the prompt and SEP are
 * context, never targets). Generation feeds `BOS prompt SEP` and reads until EOS.
 *
 * Batching is length-bucketed padding, not packing: packing would let one example attend to
 * another (the model has no per-document attention mask). Each epoch shuffles the examples
 * with the run's seed, sorts windows of 8 batches by length so a batch pads little, then
 * shuffles the batches. The position in that order is the data cursor a checkpoint stores.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { deriveSeed, Rng } from "../collections/rng.ts";

export interface Example {
  prompt: string;
  completion: string;
}

export interface EncodedExample {
  /** BOS prompt SEP completion EOS, cut to fit the context. */
  ids: number[];
  /** Index in `ids` of the first token that is a target (the first completion token). */
  completionStart: number;
  /** True when the example was longer than blockSize + 1 and was cut. */
  truncated: boolean;
}

/**
 * The token ids generation starts from: BOS prompt SEP, in at most `room` tokens. A long
 * prompt loses its beginning, as encodeExample cuts it in training, so the model sees BOS and
 * SEP where it learnt them.
 */
export function promptIds(tokenizer: Tokenizer, prompt: string, room = Infinity): number[] {
  const body = tokenizer.encode(prompt);
  const keep = Math.max(0, room - 2);
  return [tokenizer.special.bos, ...body.slice(Math.max(0, body.length - keep)), tokenizer.special.sep];
}

/**
 * Encodes one example to fit `blockSize` model positions (a row of at most blockSize + 1
 * tokens). A long prompt loses its beginning (the part nearest the completion matters most);
 * if the completion alone does not fit, its end is cut and EOS dropped, so the model is never
 * taught to stop where the text did not.
 */
export function encodeExample(tokenizer: Tokenizer, example: Example, blockSize: number): EncodedExample {
  const { bos, sep, eos } = tokenizer.special;
  let prompt = tokenizer.encode(example.prompt);
  let completion = [...tokenizer.encode(example.completion), eos];
  const room = blockSize + 1;
  let truncated = false;
  if (2 + prompt.length + completion.length > room) {
    truncated = true;
    const promptRoom = Math.max(0, room - 2 - completion.length);
    prompt = prompt.slice(prompt.length - promptRoom);
    if (2 + prompt.length + completion.length > room) completion = completion.slice(0, Math.max(1, room - 2));
  }
  return { ids: [bos, ...prompt, sep, ...completion], completionStart: prompt.length + 2, truncated };
}

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
