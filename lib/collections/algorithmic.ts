/**
 * The toy analogues of symbol tuning's algorithmic evaluations (Wei et al. 2023: BIG-bench
 * List Functions and Simple Turing Concepts), in the feature world's one-line format so the
 * base's word tokenizer reads every piece (digits, ":", "\n", the evaluation symbols):
 *
 *   list functions    "3 7 1 4: 4 1 7 3\n" × 4 exemplars of one function, then "5 2 8:";
 *                     rank over the query's output under the true function and under three
 *                     other functions of the pool (distinct outputs; chance 25%);
 *   Turing concepts   "0110: baz\n" × 4 exemplars per class of one binary concept, labels an
 *                     arbitrary symbol pair, then "1011:"; rank over the two symbols (chance 50%).
 *
 * Every list function keeps the list's length, so all candidates are the same number of tokens
 * and a sum of log-probabilities cannot favour a candidate for being short. Every distractor
 * function disagrees with the true one on at least one exemplar, so the exemplars always single
 * out the answer. None of these functions or concepts is in any training data of the bases or
 * the arms (they train on feature-world tasks only). Answers are balanced by construction: in a
 * set, every function has its right candidate at each position in turn, and every concept
 * queries each class in turn.
 */
import { deriveSeed, Rng } from "../rng.ts";
import type { Episode } from "./feature-world.ts";
import { symbolPair } from "./feature-world.ts";

export interface ListFunction {
  name: string;
  /** The output list; always the input's length, digits 0–9. */
  apply(xs: readonly number[]): number[];
}

const fn = (name: string, apply: (xs: readonly number[]) => number[]): ListFunction => ({ name, apply });
const each = (f: (x: number) => number) => (xs: readonly number[]) => xs.map(f);

export const LIST_FUNCTIONS: readonly ListFunction[] = [
  fn("reverse", (xs) => [...xs].reverse()),
  fn("sort_ascending", (xs) => [...xs].sort((a, b) => a - b)),
  fn("sort_descending", (xs) => [...xs].sort((a, b) => b - a)),
  fn("add_one", each((x) => (x + 1) % 10)),
  fn("subtract_one", each((x) => (x + 9) % 10)),
  fn("add_two", each((x) => (x + 2) % 10)),
  fn("nine_minus", each((x) => 9 - x)),
  fn("double_last_digit", each((x) => (2 * x) % 10)),
  fn("parity_bits", each((x) => x % 2)),
  fn("rotate_left", (xs) => [...xs.slice(1), xs[0]!]),
  fn("rotate_right", (xs) => [xs.at(-1)!, ...xs.slice(0, -1)]),
  fn("swap_ends", (xs) => [xs.at(-1)!, ...xs.slice(1, -1), xs[0]!]),
  fn("swap_first_two", (xs) => [xs[1]!, xs[0]!, ...xs.slice(2)]),
  fn("all_first", (xs) => xs.map(() => xs[0]!)),
  fn("all_last", (xs) => xs.map(() => xs.at(-1)!)),
  fn("all_max", (xs) => xs.map(() => Math.max(...xs))),
  fn("all_min", (xs) => xs.map(() => Math.min(...xs))),
  fn("running_max", (xs) => xs.map((_, i) => Math.max(...xs.slice(0, i + 1)))),
];

export interface BinaryConcept {
  name: string;
  /** Whether a string of 0s and 1s is in the concept (class 1). */
  test(bits: string): boolean;
}

const ones = (s: string) => [...s].filter((c) => c === "1").length;
const concept = (name: string, test: (s: string) => boolean): BinaryConcept => ({ name, test });

export const TURING_CONCEPTS: readonly BinaryConcept[] = [
  concept("starts_one", (s) => s[0] === "1"),
  concept("ends_zero", (s) => s.at(-1) === "0"),
  concept("second_one", (s) => s[1] === "1"),
  concept("has_11", (s) => s.includes("11")),
  concept("has_00", (s) => s.includes("00")),
  concept("has_010", (s) => s.includes("010")),
  concept("even_ones", (s) => ones(s) % 2 === 0),
  concept("more_ones", (s) => 2 * ones(s) > s.length),
  concept("three_ones", (s) => ones(s) >= 3),
  concept("same_ends", (s) => s[0] === s.at(-1)),
  concept("palindrome", (s) => [...s].reverse().join("") === s),
  concept("alternating", (s) => ![...s].some((c, i) => i > 0 && c === s[i - 1])),
];

export const LIST_SHOTS = 4;
export const LIST_CANDIDATES = 4;
/** Exemplars per class of a concept episode (as the feature world's held-out ICL). */
export const CONCEPT_SHOTS = 4;

/** "3 7 1": digits separated by single spaces (each digit one token, " 7" with its space). */
export const listText = (xs: readonly number[]) => xs.join(" ");

/** 3–5 distinct digits, so reverse and sort are unambiguous and most functions differ. */
function drawList(rng: Rng): number[] {
  return rng.sample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], rng.int(3, 5));
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A list-function episode of `f`: LIST_SHOTS exemplars, then the query; candidates are f's
 * output and LIST_CANDIDATES − 1 others', all distinct, the right one at position `answer`.
 */
export function listEpisode(rng: Rng, f: ListFunction, answer: number): Episode {
  for (;;) {
    const inputs: number[][] = [];
    while (inputs.length < LIST_SHOTS + 1) {
      const xs = drawList(rng);
      if (!inputs.some((ys) => same(xs, ys))) inputs.push(xs);
    }
    const query = inputs.pop()!;
    const truth = f.apply(query);
    // A distractor must disagree with f on an exemplar (else the exemplars cannot rule it out)
    // and give a query output unlike the truth and the other distractors.
    const outputs: number[][] = [truth];
    for (const g of rng.shuffle(LIST_FUNCTIONS.filter((h) => h !== f))) {
      if (outputs.length === LIST_CANDIDATES) break;
      const out = g.apply(query);
      if (inputs.every((xs) => same(g.apply(xs), f.apply(xs))) || outputs.some((o) => same(o, out))) continue;
      outputs.push(out);
    }
    if (outputs.length < LIST_CANDIDATES) continue;
    const others = rng.shuffle(outputs.slice(1));
    const ordered = [...others.slice(0, answer), truth, ...others.slice(answer)];
    const context = inputs.map((xs) => `${listText(xs)}: ${listText(f.apply(xs))}\n`).join("") + `${listText(query)}:`;
    return { task: f.name, context, candidates: ordered.map((o) => ` ${listText(o)}`), answer };
  }
}

/** A string of 4–6 bits in class `cls` of concept `c` (rejection sampling; every class has members at every length). */
function drawBits(rng: Rng, c: BinaryConcept, cls: 0 | 1): string {
  for (;;) {
    const s = Array.from({ length: rng.int(4, 6) }, () => (rng.chance(0.5) ? "1" : "0")).join("");
    if (c.test(s) === (cls === 1)) return s;
  }
}

/**
 * A concept episode: CONCEPT_SHOTS exemplars per class in random order, labelled by `labels`
 * (class 0, class 1), then a query of class `cls`; all strings distinct. No instruction.
 */
export function conceptEpisode(rng: Rng, c: BinaryConcept, labels: readonly [string, string], cls: 0 | 1): Episode {
  const classes = rng.shuffle([...Array(CONCEPT_SHOTS).fill(0), ...Array(CONCEPT_SHOTS).fill(1)] as (0 | 1)[]);
  const seen = new Set<string>();
  const fresh = (k: 0 | 1) => {
    for (;;) {
      const s = drawBits(rng, c, k);
      if (!seen.has(s)) return seen.add(s), s;
    }
  };
  let context = "";
  for (const k of classes) context += `${fresh(k)}: ${labels[k]}\n`;
  context += `${fresh(cls)}:`;
  return { task: c.name, context, candidates: labels.map((l) => ` ${l}`), answer: cls };
}

/** `n` list-function episodes spread evenly over the pool (reproducible from `seed`). */
export function listFunctionSet(seed: number, n: number): Episode[] {
  const rng = new Rng(deriveSeed(seed, 91));
  // Each function in turn gets LIST_CANDIDATES prompts, its answer once at every position.
  return Array.from({ length: n }, (_, i) => listEpisode(rng, LIST_FUNCTIONS[Math.floor(i / LIST_CANDIDATES) % LIST_FUNCTIONS.length]!, i % LIST_CANDIDATES));
}

/** `n` concept episodes spread evenly over the pool, labels a fresh pair from `symbols` each time. */
export function conceptSet(seed: number, n: number, symbols: readonly string[]): Episode[] {
  const rng = new Rng(deriveSeed(seed, 92));
  // Each concept in turn gets two prompts, a query of each class.
  return Array.from({ length: n }, (_, i) => conceptEpisode(rng, TURING_CONCEPTS[Math.floor(i / 2) % TURING_CONCEPTS.length]!, symbolPair(rng, symbols), (i % 2) as 0 | 1));
}
