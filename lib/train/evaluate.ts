/**
 * Validation loss: the same completion-only cross-entropy the trainer minimises, averaged
 * over every scored target of the examples (so a batch of short completions does not count
 * as much as one of long ones). No gradients, no state change.
 */
import * as tf from "@tensorflow/tfjs";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { disposeBatch, makeBatch } from "../prompts/batch.ts";
import { encodeExample, type EncodedExample, type Example } from "../prompts/encode.ts";

export interface EvalResult {
  /** Mean cross-entropy per completion token (nats). */
  loss: number;
  /** Completion tokens scored. */
  targets: number;
}

/** Loss of the model on already-encoded rows, in batches of `batchSize` sorted by length. */
export async function evaluateEncoded(model: GPT, rows: readonly EncodedExample[], pad: number, batchSize: number): Promise<EvalResult> {
  const sorted = [...rows].sort((a, b) => a.ids.length - b.ids.length);
  let weighted = 0;
  let targets = 0;
  for (let i = 0; i < sorted.length; i += batchSize) {
    const batch = makeBatch(sorted.slice(i, i + batchSize), pad);
    const loss = tf.tidy(() => model.loss(batch.inputs, batch.targets, batch.mask));
    const value = (await loss.data())[0]!;
    loss.dispose();
    disposeBatch(batch);
    weighted += value * batch.targetCount;
    targets += batch.targetCount;
  }
  return { loss: targets > 0 ? weighted / targets : NaN, targets };
}

/** Loss of the model on `{prompt, completion}` examples. */
export function evaluateLoss(
  model: GPT,
  tokenizer: Tokenizer,
  examples: readonly Example[],
  batchSize = 16,
): Promise<EvalResult> {
  const rows = examples.map((e) => encodeExample(tokenizer, e, model.config.blockSize));
  return evaluateEncoded(model, rows, tokenizer.special.pad, batchSize);
}
