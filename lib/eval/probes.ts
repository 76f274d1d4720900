/**
 * Probes of what a model can do before any effect is judged (issue 9 item 5):
 *
 * - `inductionProbe`: loss on the second occurrence of a random token sequence against its
 *   first occurrence. A model that copies from context (an induction circuit) predicts the
 *   repeat far better than the first; one that cannot sits at ≈ ln(pool size) on both.
 * - `scoreChoices` / `choiceAccuracy`: rank classification of rows with candidate answers, in
 *   the framing the rows were trained in — `BOS prompt SEP cand EOS` for questions, or
 *   `BOS SEP context cand` for whole-text episodes (no SEP before the query's label, as before
 *   the exemplars' labels).
 * - `prerequisites`: the three gates (reads the input, copies, general ability) with a verdict.
 *
 * Every probe takes a `LogitModel` (what a GPT is to them: a config and `logits`), batched.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, Rng } from "../rng.ts";
import type { Tokenizer } from "../model/tokenizer.ts";

export interface LogitModel {
  readonly config: { vocabSize: number; blockSize: number };
  logits(idx: tf.Tensor2D): tf.Tensor3D;
}

/** Log-probabilities of each row's next tokens: out[r][t] = log p(ids[t+1] | ids[..t]). */
export async function tokenLogprobs(model: LogitModel, rows: readonly number[][], pad: number, batchSize = 64): Promise<number[][]> {
  const out: number[][] = [];
  const V = model.config.vocabSize;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const T = Math.max(...batch.map((r) => r.length - 1));
    const inp = new Int32Array(batch.length * T).fill(pad);
    batch.forEach((r, b) => r.slice(0, -1).forEach((id, t) => (inp[b * T + t] = id)));
    // Only the log-probability of each actual next token leaves the tensor world.
    const at = new Int32Array(batch.length * T).map((_, i) => i * V); // flat index of (row, position, next token)
    batch.forEach((r, b) => r.slice(1).forEach((id, t) => (at[b * T + t] += id)));
    const picked = tf.tidy(() => {
      const lp = tf.logSoftmax(tf.reshape(model.logits(tf.tensor2d(inp, [batch.length, T], "int32")), [batch.length * T, V]));
      return tf.gather(tf.reshape(lp, [-1]), tf.tensor1d(at, "int32"));
    });
    const data = (await picked.data()) as Float32Array;
    picked.dispose();
    batch.forEach((r, b) => out.push(Array.from(data.subarray(b * T, b * T + r.length - 1))));
  }
  return out;
}

export interface InductionResult {
  /** Mean loss (nats) on the first occurrence, after its first token. */
  first: number;
  /** Mean loss on the repeat, after its first token. */
  repeat: number;
  /** ln(pool size): the loss of a model that guesses uniformly among the pool. */
  uniform: number;
  sequences: number;
}

/**
 * Random sequences of `length` distinct tokens from `pool` (default: every non-special id),
 * written twice in a row after BOS SEP; the loss on each occurrence, skipping its first token
 * (which nothing in the context predicts).
 */
export async function inductionProbe(model: LogitModel, tokenizer: Tokenizer, options: { n?: number; length?: number; seed?: number; pool?: readonly number[] } = {}): Promise<InductionResult> {
  const { n = 64, length = 10, seed = 0 } = options;
  const s = tokenizer.special;
  const pool = options.pool ?? Array.from({ length: tokenizer.vocabSize }, (_, i) => i).filter((i) => ![s.pad, s.bos, s.eos, s.sep].includes(i));
  if (pool.length < length) throw new RangeError(`inductionProbe: the pool has ${pool.length} tokens, fewer than the sequence length ${length}.`);
  if (2 + 2 * length > model.config.blockSize + 1) throw new RangeError(`inductionProbe: two copies of ${length} tokens do not fit a context of ${model.config.blockSize}.`);
  const rng = new Rng(deriveSeed(seed, 31));
  const rows = Array.from({ length: n }, () => {
    // Distinct tokens: a token twice in one sequence would make its successor ambiguous.
    const seq = rng.shuffle([...pool]).slice(0, length);
    return [s.bos, s.sep, ...seq, ...seq];
  });
  const lps = await tokenLogprobs(model, rows, s.pad);
  let first = 0, repeat = 0;
  for (const lp of lps) {
    // lp[t] predicts row[t+1]; the first copy is row[2..2+length), the repeat row[2+length..].
    for (let t = 2; t < 1 + length; t++) first -= lp[t]!;
    for (let t = 2 + length; t < 1 + 2 * length; t++) repeat -= lp[t]!;
  }
  const count = n * (length - 1);
  return { first: first / count, repeat: repeat / count, uniform: Math.log(pool.length), sequences: n };
}

/** A row to rank: the context and the candidates, scored as continuations in one framing. */
export interface ChoiceRow {
  /** "question": BOS prompt SEP cand EOS; "text": BOS SEP prompt cand (an episode's next label). */
  framing: "question" | "text";
  prompt: string;
  candidates: readonly string[];
  answer: number;
}

/**
 * Sum of log-probabilities of each candidate after its row's context; `undefined` for a row
 * refused because its longest candidate does not fit the context (no silent truncation).
 */
export async function scoreChoices(model: LogitModel, tokenizer: Tokenizer, rows: readonly ChoiceRow[]): Promise<(number[] | undefined)[]> {
  const s = tokenizer.special;
  const flat: number[][] = [];
  const spans: [number, number][] = [];
  const fits = rows.map((row) => {
    const ctx = row.framing === "question" ? [s.bos, ...tokenizer.encode(row.prompt), s.sep] : [s.bos, s.sep, ...tokenizer.encode(row.prompt)];
    const encoded = row.candidates.map((c) => [...ctx, ...tokenizer.encode(c), ...(row.framing === "question" ? [s.eos] : [])]);
    if (Math.max(...encoded.map((e) => e.length)) > model.config.blockSize + 1) return false;
    for (const e of encoded) {
      flat.push(e);
      spans.push([ctx.length - 1, e.length - 1]);
    }
    return true;
  });
  const lps = await tokenLogprobs(model, flat, s.pad);
  let at = 0;
  return rows.map((row, i) => {
    if (!fits[i]) return undefined;
    return row.candidates.map(() => {
      const [from, to] = spans[at]!;
      const lp = lps[at++]!;
      let sum = 0;
      for (let t = from; t < to; t++) sum += lp[t]!;
      return sum;
    });
  });
}

export interface ChoiceAccuracy {
  /** Fraction right among the rows that fit (0–1). */
  accuracy: number;
  /** Rows scored. */
  n: number;
  /** Rows refused because they do not fit the context. */
  refused: number;
  /** Expected accuracy of guessing (mean of 1/|candidates| over the rows scored). */
  chance: number;
  /** Per row: 1 right, 0 wrong, undefined refused. */
  correct: (number | undefined)[];
}

/** Rank classification: the candidate with the highest log-likelihood is the prediction. */
export async function choiceAccuracy(model: LogitModel, tokenizer: Tokenizer, rows: readonly ChoiceRow[]): Promise<ChoiceAccuracy> {
  const scores = await scoreChoices(model, tokenizer, rows);
  const correct = scores.map((sc, i) => (sc ? (sc.indexOf(Math.max(...sc)) === rows[i]!.answer ? 1 : 0) : undefined));
  let n = 0, right = 0, chance = 0;
  correct.forEach((c, i) => {
    if (c === undefined) return;
    n++;
    right += c;
    chance += 1 / rows[i]!.candidates.length;
  });
  return { accuracy: n ? right / n : NaN, n, refused: rows.length - n, chance: n ? chance / n : NaN, correct };
}

export interface Gate {
  name: string;
  value: number;
  threshold: number;
  passed: boolean;
  detail: string;
}

/** The copy gate: the repeat's loss must be below a quarter of the first occurrence's. */
export function copyGate(r: InductionResult): Gate {
  const threshold = r.first / 4;
  return { name: "copies from context (induction probe)", value: r.repeat, threshold, passed: r.repeat < threshold,
    detail: `loss on the repeat ${r.repeat.toFixed(2)} nats vs ${r.first.toFixed(2)} on the first occurrence (uniform ${r.uniform.toFixed(2)}); needs < ${threshold.toFixed(2)}` };
}

/** An accuracy gate: at least `margin` above chance. */
export function accuracyGate(name: string, a: ChoiceAccuracy, margin = 0.15): Gate {
  const threshold = a.chance + margin;
  return { name, value: a.accuracy, threshold, passed: a.accuracy >= threshold,
    detail: `${(100 * a.accuracy).toFixed(1)}% on ${a.n} rows (chance ${(100 * a.chance).toFixed(1)}%); needs ≥ ${(100 * threshold).toFixed(1)}%` };
}

/** One line per gate, then whether all passed: what a notebook prints before a verdict. */
export function formatGates(gates: readonly Gate[]): string {
  return gates.map((g) => `${g.passed ? "✓" : "✗"} ${g.name}: ${g.detail}`).join("\n");
}
