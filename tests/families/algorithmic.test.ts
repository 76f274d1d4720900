import { describe, expect, it } from "vitest";
import {
  algorithmicFamilies, listFunctionPairs, listFunctions, listFunctionsFamily, simpleTuringConceptsFamily, turingConceptPairs, turingConcepts,
} from "../../lib/collections/algorithmic/index.ts";

const x = [3, 8, 8, 51, 2];
/** Worked out by hand for x = [3, 8, 8, 51, 2]. */
const expectedLists: Record<string, number[]> = {
  reverse: [2, 51, 8, 8, 3], sort_ascending: [2, 3, 8, 8, 51], sort_descending: [51, 8, 8, 3, 2], dedupe: [3, 8, 51, 2],
  first: [3], last: [2], drop_first: [8, 8, 51, 2], drop_last: [3, 8, 8, 51], add_3: [6, 11, 11, 54, 5], double: [6, 16, 16, 102, 4],
  keep_even: [8, 8, 2], keep_odd: [3, 51], keep_above_50: [51], length: [5], sum: [72], max: [51], min: [2], count_even: [3],
  prepend_7: [7, 3, 8, 8, 51, 2], append_first: [3, 8, 8, 51, 2, 3], swap_ends: [2, 8, 8, 51, 3], rotate_left: [8, 8, 51, 2, 3],
  take_3: [3, 8, 8], repeat_each: [3, 3, 8, 8, 8, 8, 51, 51, 2, 2], running_sum: [3, 11, 19, 70, 72], ones_digit: [3, 8, 8, 1, 2],
  even_positions: [3, 8, 2], indexes: [0, 1, 2, 3, 4],
};
const expectedBits: Record<string, string> = {
  invert: "10010", reverse: "10110", append_1: "011011", prepend_0: "001101", drop_last: "0110", drop_first: "1101",
  double_bits: "0011110011", repeat: "0110101101", rotate_left: "11010", rotate_right: "10110", keep_ones: "111",
  sort_bits: "00111", parity_bit: "011011", xor_alternating: "00111", swap_pairs: "10011", first_to_end_inverted: "11011",
};

describe("List Functions", () => {
  it("has at least 20 functions, each computing what its name says", () => {
    expect(listFunctions.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(expectedLists).sort()).toEqual(listFunctions.map((f) => f.name).sort());
    for (const f of listFunctions) expect(f.apply([...x]), f.name).toEqual(expectedLists[f.name]);
  });

  it("gives BIG-bench style pairs: 32 distinct inputs per function, reproducible", () => {
    const pairs = listFunctionPairs("sum", 32, 5);
    expect(pairs).toHaveLength(32);
    expect(new Set(pairs.map((p) => p.input)).size).toBe(32);
    expect(listFunctionPairs("sum", 32, 5)).toEqual(pairs);
    for (const p of pairs) {
      const values = JSON.parse(p.input) as number[];
      expect(p.target).toBe(`[${values.reduce((s, v) => s + v, 0)}]`);
    }
    expect(() => listFunctionPairs("nope")).toThrow(/list_functions: no function "nope"; known: reverse, /);
  });
});

describe("Simple Turing Concepts", () => {
  it("maps binary strings to binary strings as described", () => {
    expect(turingConcepts.length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(expectedBits).sort()).toEqual(turingConcepts.map((f) => f.name).sort());
    for (const f of turingConcepts) expect(f.apply("01101"), f.name).toBe(expectedBits[f.name]);
    for (const p of turingConceptPairs("invert", 20, 1)) expect(p.target).toMatch(/^[01]+$/);
  });
});

describe("algorithmic families", () => {
  for (const family of algorithmicFamilies) {
    it(`${family.name}: 4-shot rows, seeded, exact checker`, async () => {
      const rows = family.generate(50, 9);
      expect(JSON.stringify(family.generate(50, 9))).toBe(JSON.stringify(rows));
      for (const row of rows) {
        expect(row.task).toBe(`${family.name}/${row.meta.function}`);
        expect(row.input.match(/^Input: /gm)).toHaveLength(5);
        expect(row.input.endsWith("Output:")).toBe(true);
        expect(await family.check(row, row.output)).toMatchObject({ correct: true, score: 1 });
        expect((await family.check(row, `${row.output}0`)).correct).toBe(false);
      }
    });
  }

  it("compares lists modulo spacing", async () => {
    const row = { ...listFunctionsFamily.generate(1, 1)[0]!, output: "[1, 2, 3]" };
    expect((await listFunctionsFamily.check(row, "[1,2,3]")).correct).toBe(true);
    expect((await listFunctionsFamily.check(row, "[1, 3, 2]")).correct).toBe(false);
    const bits = { ...simpleTuringConceptsFamily.generate(1, 1)[0]!, output: "0110" };
    expect((await simpleTuringConceptsFamily.check(bits, " 0110\n")).correct).toBe(true);
  });
});
