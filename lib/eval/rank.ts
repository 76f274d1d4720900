/**
 * Rank classification: each candidate answer is scored by the log-likelihood the model gives
 * it after the prompt (likelihood.ts: `BOS prompt SEP candidate EOS`, EOS included so a
 * candidate that is a prefix of another is not favoured), and the most likely one is the
 * prediction. This is how FLAN, T0 and lm-evaluation-harness score classification; unlike
 * free generation + exact match it has a chance level (1 / number of candidates) that every
 * table and figure shows.
 *
 * Candidates are the task's label set, or the labels shown in an in-context prompt (symbols
 * included). Two scores per candidate: the sum of log p (the default ranking) and the
 * per-token mean (length-normalised, for candidates of different lengths). An item is refused,
 * and counted, when any of its candidates does not fit the context.
 */
import { toPrompt } from "../prompts/format.ts";
import type { Row } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { scorePairs, type LikelihoodOptions } from "./likelihood.ts";

export interface RankItem {
  prompt: string;
  candidates: readonly string[];
  /** The correct candidate (must be one of `candidates`). */
  answer: string;
  /** Grouping for per-task results; default "all". */
  task?: string;
}

export interface CandidateScore {
  candidate: string;
  /** Sum of log p over the candidate's tokens and EOS (nats). */
  logprob: number;
  /** logprob / tokens. */
  mean: number;
  tokens: number;
}

export interface RankedItem {
  task: string;
  answer: string;
  /** The candidate with the highest summed log-likelihood. */
  prediction: string;
  /** Credit in [0, 1]: 1 when the answer alone ranks first; 1/m when it ties with m − 1 others. */
  correct: number;
  /** The same by per-token mean log-likelihood. */
  correctByMean: number;
  /** 1 / number of candidates. */
  chance: number;
  scores: CandidateScore[];
}

export interface RankGroup {
  task: string;
  /** Items scored. */
  n: number;
  /** Items refused because a candidate did not fit the context. */
  refused: number;
  /** Percent correct by summed log-likelihood. */
  accuracy: number;
  /** Percent correct by per-token mean log-likelihood. */
  accuracyByMean: number;
  /** Percent a uniform guess among the candidates gets. */
  chance: number;
}

export interface RankReport extends RankGroup {
  /** Per task in first-seen order (only when there are several tasks). */
  byTask: RankGroup[];
  items: (RankedItem | undefined)[];
}

/** Candidate scores for one prompt (one forward pass). Throws if a candidate does not fit. */
export async function scoreCandidates(
  model: GPT,
  tokenizer: Tokenizer,
  prompt: string,
  candidates: readonly string[],
): Promise<CandidateScore[]> {
  const scores = await scorePairs(model, tokenizer, candidates.map((c) => ({ prompt, completion: c })), { batchSize: candidates.length });
  return scores.map((s, i) => {
    if (!s) throw new UsageError(`scoreCandidates: prompt + candidate "${candidates[i]}" is longer than the model's context of ${model.config.blockSize} tokens`);
    return { candidate: candidates[i]!, logprob: s.logprob, mean: s.logprob / s.tokens, tokens: s.tokens };
  });
}

/** Ranks every item's candidates, all candidate sequences batched together. */
export async function rankClassify(
  model: GPT,
  tokenizer: Tokenizer,
  items: readonly RankItem[],
  options: LikelihoodOptions = {},
): Promise<RankReport> {
  if (items.length === 0) throw new UsageError("rankClassify: no items to score");
  items.forEach((item, i) => {
    if (item.candidates.length < 2) throw new UsageError(`rankClassify: item ${i} has ${item.candidates.length} candidate(s); give at least two`);
    if (!item.candidates.includes(item.answer)) {
      throw new UsageError(`rankClassify: item ${i}'s answer "${item.answer}" is not among its candidates (${item.candidates.join(", ")})`);
    }
  });
  const pairs = items.flatMap((item) => item.candidates.map((c) => ({ prompt: item.prompt, completion: c })));
  const scores = await scorePairs(model, tokenizer, pairs, options);
  let at = 0;
  const ranked = items.map((item): RankedItem | undefined => {
    const mine = scores.slice(at, (at += item.candidates.length));
    if (mine.some((s) => s === undefined)) return undefined;
    const cands = mine.map((s, j) => ({ candidate: item.candidates[j]!, logprob: s!.logprob, mean: s!.logprob / s!.tokens, tokens: s!.tokens }));
    return {
      task: item.task ?? "all",
      answer: item.answer,
      prediction: cands[argmax(cands.map((c) => c.logprob))]!.candidate,
      correct: credit(cands.map((c) => c.logprob), item.candidates.indexOf(item.answer)),
      correctByMean: credit(cands.map((c) => c.mean), item.candidates.indexOf(item.answer)),
      chance: 1 / item.candidates.length,
      scores: cands,
    };
  });
  const tasks = [...new Set(items.map((item) => item.task ?? "all"))];
  const group = (task: string, idx: number[]): RankGroup => {
    const scored = idx.map((i) => ranked[i]).filter((r): r is RankedItem => r !== undefined);
    return {
      task,
      n: scored.length,
      refused: idx.length - scored.length,
      accuracy: percentOf(scored.map((r) => r.correct)),
      accuracyByMean: percentOf(scored.map((r) => r.correctByMean)),
      chance: percentOf(scored.map((r) => r.chance)),
    };
  };
  const all = items.map((_, i) => i);
  const byTask = tasks.length > 1 ? tasks.map((t) => group(t, all.filter((i) => (items[i]!.task ?? "all") === t))) : [];
  return { ...group("all", all), byTask, items: ranked };
}

/** A classification row as a rank item: candidates from meta.labels (shown labels) or `labels`. */
export function rankItemOf(row: Row, labels?: readonly string[]): RankItem {
  const shown = row.meta.labels && typeof row.meta.labels === "object" ? Object.values(row.meta.labels as Record<string, string>) : undefined;
  const candidates = labels ?? shown;
  if (!candidates) throw new UsageError(`rankItemOf: row of task "${row.task}" has no meta.labels; pass its label set`);
  return { prompt: toPrompt(row).prompt, candidates, answer: row.output, task: row.task };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

// A tie splits the credit, as a random tie-break would on average: an untrained model whose
// scores are all equal sits exactly at chance instead of always picking the first candidate.
function credit(values: readonly number[], answer: number): number {
  const top = Math.max(...values);
  if (values[answer]! < top) return 0;
  return 1 / values.filter((v) => v === top).length;
}

function percentOf(values: readonly number[]): number {
  return values.length ? (100 * values.reduce((a, b) => a + b, 0)) / values.length : NaN;
}
