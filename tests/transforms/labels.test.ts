import { describe, expect, it } from "vitest";
import { Rng } from "../../lib/rng.ts";
import { drawSymbols, POOL_SIZES, spreadsheetColumn, symbolPool, wordnetWords } from "../../lib/transforms/labels.ts";

describe("label pools (symbol tuning's 30k / 270k split)", () => {
  const train = symbolPool("train");
  const evalPool = symbolPool("eval");

  it("has the paper's sizes: 30,000 training symbols and 270,000 held-out ones", () => {
    expect(POOL_SIZES).toEqual({ train: 30_000, eval: 270_000 });
    expect(train.all.length).toBe(30_000);
    expect(evalPool.all.length).toBe(270_000);
    expect([train.integers.length, train.letters.length, train.words.length]).toEqual([10_000, 10_000, 10_000]);
    expect([evalPool.integers.length, evalPool.letters.length, evalPool.words.length]).toEqual([90_000, 90_000, 90_000]);
    expect(new Set(train.all).size).toBe(30_000);
    expect(new Set(evalPool.all).size).toBe(270_000);
  });

  it("keeps the training and held-out pools disjoint", () => {
    const seen = new Set(train.all);
    expect(evalPool.all.filter((s) => seen.has(s))).toEqual([]);
  });

  it("uses integers 0–9999 for training and 10000–99999 held out, with their letter forms", () => {
    expect([train.integers[0], train.integers.at(-1)]).toEqual(["0", "9999"]);
    expect([evalPool.integers[0], evalPool.integers.at(-1)]).toEqual(["10000", "99999"]);
    expect(train.letters.slice(0, 3)).toEqual(["A", "B", "C"]);
    // 9999 = 702 (one- and two-letter names) + 13·676 + 19·26 + 15 → N T P
    expect(train.letters.at(-1)).toBe("NTP");
    expect(evalPool.letters[0]).toBe("NTQ");
  });

  it("names spreadsheet columns", () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(spreadsheetColumn)).toEqual(["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]);
  });

  it("builds the word lists from WordNet: real, common words first, deterministic", () => {
    const { common, other } = wordnetWords();
    expect(common.length).toBe(10_000);
    expect(other.length).toBe(90_000);
    for (const word of ["person", "water", "house", "think"]) expect(common).toContain(word);
    expect(common.every((w) => /^[a-z]{2,}$/.test(w))).toBe(true);
    expect(other).toContain("ice cream");
  });

  it("draws distinct symbols, reproducibly", () => {
    const a = drawSymbols(train, 5, new Rng(1));
    expect(new Set(a).size).toBe(5);
    expect(drawSymbols(train, 5, new Rng(1))).toEqual(a);
    expect(drawSymbols(train, 3, new Rng(2), "letters").every((s) => /^[A-Z]+$/.test(s))).toBe(true);
  });
});
