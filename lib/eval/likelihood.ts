/**
 * Teacher-forced scoring of `{prompt, completion}` pairs: the log-likelihood the model gives
 * the completion (and its EOS) after the prompt, under the training framing
 * `BOS prompt SEP completion EOS` (lib/prompts/encode.ts), and how many of those tokens are the
 * model's argmax. One forward pass per batch of sequences; no generation.
 *
 * Rank classification (rank.ts) and the graded measures of generative tasks (graded.ts) both
 * stand on this. A pair that does not fit the context is refused, never cut: a cut prompt loses
 * its instruction or definitions and would be scored as something it is not.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { encodeExample, type EncodedExample, type Example } from "../prompts/encode.ts";

export interface PairScore {
  /** Sum of log p over the completion's tokens and EOS (nats, ≤ 0). */
  logprob: number;
  /** Completion tokens scored, EOS included. */
  tokens: number;
  /** How many of those tokens were the model's most likely next token. */
  argmaxHits: number;
}

export interface LikelihoodOptions {
  /** Sequences per forward pass (default 32). */
  batchSize?: number;
  signal?: AbortSignal;
}

/** The encoded pair, or undefined when it does not fit the model's context. */
export function encodeToFit(tokenizer: Tokenizer, example: Example, blockSize: number): EncodedExample | undefined {
  const row = encodeExample(tokenizer, example, blockSize);
  return row.truncated ? undefined : row;
}

/**
 * Scores of each pair in order; `undefined` for a pair that does not fit the context (the
 * caller counts and reports those). Batches hold sequences of similar length.
 */
export async function scorePairs(
  model: GPT,
  tokenizer: Tokenizer,
  pairs: readonly Example[],
  options: LikelihoodOptions = {},
): Promise<(PairScore | undefined)[]> {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a positive integer, got ${batchSize}`);
  const rows = pairs.map((p) => encodeToFit(tokenizer, p, model.config.blockSize));
  const order = rows
    .map((r, i) => [r ? r.ids.length : -1, i] as const)
    .filter(([n]) => n >= 0)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, i]) => i);
  const out: (PairScore | undefined)[] = new Array(pairs.length).fill(undefined);
  for (let start = 0; start < order.length; start += batchSize) {
    if (options.signal?.aborted) throw new UsageError("scoring interrupted");
    const batch = order.slice(start, start + batchSize);
    const scores = await scoreBatch(model, batch.map((i) => rows[i]!), tokenizer.special.pad);
    batch.forEach((i, j) => (out[i] = scores[j]));
  }
  return out;
}

/** One forward pass over right-padded rows: per-position log p(target) and argmax hits. */
async function scoreBatch(model: GPT, rows: readonly EncodedExample[], pad: number): Promise<PairScore[]> {
  const T = Math.max(...rows.map((r) => r.ids.length - 1));
  const B = rows.length;
  const V = model.config.vocabSize;
  const inputs = new Int32Array(B * T).fill(pad);
  const targets = new Int32Array(B * T).fill(0);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length - 1; t++) {
      inputs[b * T + t] = r.ids[t]!;
      targets[b * T + t] = r.ids[t + 1]!;
    }
  });
  const [logpT, hitT] = tf.tidy(() => {
    const logits = tf.reshape(model.logits(tf.tensor2d(inputs, [B, T], "int32")), [B * T, V]) as tf.Tensor2D;
    const target = tf.tensor1d(targets, "int32");
    // log p(target) = logit(target) − logsumexp(logits), the target's logit gathered from the
    // flat (N·V) logits: no (N, V) one-hot.
    const flat = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) flat[i] = i * V + targets[i]!;
    const picked = tf.gather(tf.reshape(logits, [B * T * V]), tf.tensor1d(flat, "int32"));
    const logp = tf.sub(picked, tf.logSumExp(logits, 1));
    const hit = tf.equal(tf.argMax(logits, 1), target);
    return [logp, hit];
  });
  const [logp, hit] = await Promise.all([logpT.data(), hitT.data()]);
  tf.dispose([logpT, hitT]);
  return rows.map((r, b) => {
    let logprob = 0;
    let argmaxHits = 0;
    // Position t predicts ids[t + 1]; the completion starts at ids[completionStart].
    for (let t = r.completionStart - 1; t < r.ids.length - 1; t++) {
      logprob += logp[b * T + t]!;
      argmaxHits += hit[b * T + t]!;
    }
    return { logprob, tokens: r.ids.length - r.completionStart, argmaxHits };
  });
}
