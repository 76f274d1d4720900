/**
 * Graded measures for generative tasks, beside the checker's exact verdict: the reference
 * output teacher-forced after the prompt, scored by its NLL per token and by teacher-forced
 * token accuracy (the share of its tokens, EOS included, that are the model's argmax). A model
 * on its way to writing the right program shows progress here long before exact match moves.
 */
import { toPrompt } from "../prompts/format.ts";
import type { Row } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { scorePairs, type LikelihoodOptions } from "./likelihood.ts";

export interface GradedGroup {
  task: string;
  /** Rows scored. */
  n: number;
  /** Rows refused because prompt + reference does not fit the context. */
  refused: number;
  /** Mean NLL per reference token, pooled over the rows' tokens (nats). */
  nll: number;
  /** Percent of reference tokens that are the model's argmax under teacher forcing. */
  tokenAccuracy: number;
  /** Reference tokens scored (EOS included). */
  tokens: number;
}

export interface GradedReport extends GradedGroup {
  /** Per task (row.meta.source, else row.task) in first-seen order, when there are several. */
  byTask: GradedGroup[];
}

/** Teacher-forced NLL and token accuracy of each row's reference output, per task and overall. */
export async function gradedScores(
  model: GPT,
  tokenizer: Tokenizer,
  rows: readonly Row[],
  options: LikelihoodOptions = {},
): Promise<GradedReport> {
  if (rows.length === 0) throw new UsageError("gradedScores: no rows to score");
  const scores = await scorePairs(model, tokenizer, rows.map((r) => toPrompt(r)), options);
  const family = (r: Row) => (typeof r.meta.source === "string" ? r.meta.source : r.task);
  const group = (task: string, idx: number[]): GradedGroup => {
    let logprob = 0;
    let tokens = 0;
    let hits = 0;
    let n = 0;
    for (const i of idx) {
      const s = scores[i];
      if (!s) continue;
      n++;
      logprob += s.logprob;
      tokens += s.tokens;
      hits += s.argmaxHits;
    }
    return { task, n, refused: idx.length - n, nll: tokens ? -logprob / tokens : NaN, tokenAccuracy: tokens ? (100 * hits) / tokens : NaN, tokens };
  };
  const all = rows.map((_, i) => i);
  const tasks = [...new Set(rows.map(family))];
  const byTask = tasks.length > 1 ? tasks.map((t) => group(t, all.filter((i) => family(rows[i]!) === t))) : [];
  return { ...group("all", all), byTask };
}
