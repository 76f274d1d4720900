/**
 * Token-level generation: greedy (temperature 0) or sampled (temperature, top-k), batched,
 * with the model's KV cache, stopping where the caller says (isDone) or after maxNewTokens.
 * Text in, text out (prompt framing, EOS, stop strings) is lib/prompts/generate.ts.
 *
 * Prompts of different lengths share one batch without padding: all rows advance one
 * position per forward pass, and a row whose prompt is not yet used up is fed its next prompt
 * token instead of a sampled one. So every row sees exactly its own tokens at its own
 * positions, and no attention mask is needed. Once the context (blockSize) is full the cache
 * cannot grow; generation then continues without it over the last blockSize tokens, which is
 * what the no-cache path does from the start — the two agree token for token.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.ts";
import { deriveSeed, Rng } from "../rng.ts";
import type { GPT, KVCache } from "./gpt.ts";

export interface SamplingOptions {
  /** New tokens per row at most (default 64). */
  maxNewTokens?: number;
  /** 0 (default) is greedy; higher samples more freely. */
  temperature?: number;
  /** Sample only among the k likeliest tokens (0 or absent: all). */
  topK?: number;
  /** Seeds the sampler (default 0); greedy ignores it. */
  seed?: number;
  /** Use the KV cache (default true). false recomputes the whole context every token. */
  useCache?: boolean;
}

export interface GenerateIdsOptions extends SamplingOptions {
  /** Only ids below this are ever produced (the tokenizer's vocabSize when the model's is larger). */
  vocabLimit?: number;
  /** Called after each new token of a row; return true to end that row. */
  isDone?: (row: number, generated: readonly number[]) => boolean;
}

/** Continues each prompt (token ids); returns the new ids of each row. */
export async function generateIds(model: GPT, prompts: readonly (readonly number[])[], options: GenerateIdsOptions = {}): Promise<number[][]> {
  const { maxNewTokens = 64, temperature = 0, topK = 0, seed = 0, useCache = true, isDone } = options;
  const V = model.config.vocabSize;
  const vocabLimit = Math.min(options.vocabLimit ?? V, V);
  if (prompts.length === 0) return [];
  if (prompts.some((p) => p.length === 0)) throw new UsageError("generate: every prompt needs at least one token.");
  if (!(temperature >= 0)) throw new UsageError(`generate: temperature must be ≥ 0, got ${temperature}.`);
  const B = prompts.length;
  const rng = new Rng(deriveSeed(seed, 7));
  const minLen = Math.min(...prompts.map((p) => p.length));
  const rows = prompts.map((p) => p.slice(0, minLen)); // every token fed so far, per row
  const generated: number[][] = prompts.map(() => []);
  const done = prompts.map(() => maxNewTokens <= 0);
  const { blockSize } = model.config;
  let cache: KVCache | null = useCache && minLen <= blockSize ? model.newCache(B) : null;
  let fed = minLen;

  const lastLogits = (fresh: number[][]): Float32Array => {
    // fresh: tokens not yet in the cache, same count per row. Returns (B, V) of the last position.
    const logits = tf.tidy(() => {
      let out: tf.Tensor3D;
      if (cache && cache.length + fresh[0]!.length <= blockSize) {
        out = model.step(tf.tensor2d(fresh, [B, fresh[0]!.length], "int32"), cache);
      } else {
        cache?.dispose();
        cache = null;
        const window = rows.map((r) => r.slice(Math.max(0, r.length - blockSize)));
        out = model.logits(tf.tensor2d(window, [B, window[0]!.length], "int32"));
      }
      const T = out.shape[1];
      return tf.reshape(tf.slice(out, [0, T - 1, 0], [B, 1, V]), [B, V]);
    });
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    return values;
  };

  try {
    let logits = done.every(Boolean) ? new Float32Array(0) : lastLogits(rows);
    while (!done.every(Boolean)) {
      const next = rows.map((_, b) => {
        if (fed < prompts[b]!.length) return prompts[b]![fed]!; // still reading the prompt
        if (done[b]) return prompts[b]![0]!; // finished row: any token; its output is ignored
        const id = pick(logits.subarray(b * V, b * V + vocabLimit), temperature, topK, rng);
        generated[b]!.push(id);
        if (generated[b]!.length >= maxNewTokens || isDone?.(b, generated[b]!)) done[b] = true;
        return id;
      });
      if (done.every(Boolean)) break; // the last tokens need no forward pass
      next.forEach((id, b) => rows[b]!.push(id));
      fed++;
      logits = lastLogits(next.map((id) => [id]));
    }
  } finally {
    (cache as KVCache | null)?.dispose();
  }
  return generated;
}

/** Greedy argmax, or a draw from softmax(logits / temperature) over the top k. */
function pick(logits: Float32Array, temperature: number, topK: number, rng: Rng): number {
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  let ids = Array.from(logits.keys());
  if (topK > 0 && topK < ids.length) ids = ids.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, topK);
  const max = Math.max(...ids.map((i) => logits[i]!));
  const weights = ids.map((i) => Math.exp((logits[i]! - max) / temperature));
  let r = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < ids.length; j++) {
    r -= weights[j]!;
    if (r < 0) return ids[j]!;
  }
  return ids[ids.length - 1]!;
}
