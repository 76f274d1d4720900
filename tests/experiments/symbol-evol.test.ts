import { describe, expect, it } from "vitest";
import { generateCollection } from "../../lib/collections/registry.ts";
import { armRows, permutedCandidates } from "../../lib/effects/symbol-evol.ts";
import { toPrompt } from "../../lib/prompts/format.ts";
import { symbolEvol } from "../../lib/transforms/evol.ts";

describe("Symbol-evol's 4-way candidates", () => {
  const rows = generateCollection("scan", 40, 3).rows.filter((r) => r.output.split(" ").length <= 6).slice(0, 10);
  const renamed = symbolEvol(rows, { seed: 9, rate: 1 }).collection.rows;

  it("differ from the answer only in which defined name stands where", () => {
    for (const row of renamed) {
      const item = permutedCandidates(row, 1);
      const names = new Set(Object.values(row.meta.evol as Record<string, string>));
      expect(item.candidates).toHaveLength(4);
      expect(new Set(item.candidates).size).toBe(4);
      expect(item.candidates).toContain(row.output);
      for (const c of item.candidates) {
        const words = c.split(" ");
        expect(words).toHaveLength(row.output.split(" ").length);
        for (const w of words) expect(names.has(w)).toBe(true);
      }
      expect(item.task).toBe("renamed");
    }
  });

  it("use the original symbols on rows that were not renamed, and are the same for the same seed", () => {
    const item = permutedCandidates(rows[0]!, 4);
    for (const c of item.candidates) for (const w of c.split(" ")) expect(w).toMatch(/^I_[A-Z_]+$/);
    expect(permutedCandidates(rows[0]!, 4)).toEqual(item);
    expect(item.task).toBe("original");
  });
});

describe("Symbol-evol's arm rows with the base's copy rows replayed", () => {
  const scan = generateCollection("scan", 120, 5).rows.slice(0, 90);

  it("add copy rows at the share asked for, framed as the base saw them (no prompt, 'names | names')", () => {
    const rows = armRows(scan, 0.25, 0);
    expect(rows.slice(0, scan.length)).toEqual(scan);
    const copies = rows.slice(scan.length).map(toPrompt);
    expect(copies.length / rows.length).toBeCloseTo(0.25, 2);
    for (const { prompt, completion } of copies) {
      expect(prompt).toBe("");
      const [a, b] = completion.split(" | ");
      expect(b).toBe(a);
      expect(a).toMatch(/^[A-Za-z0-9]{3,6}( [A-Za-z0-9]{3,6})+$/);
    }
    expect(new Set(copies.map((c) => c.completion)).size).toBe(copies.length);
  });

  it("are the same copy rows for both arms of a seed (only the renaming differs), others for another seed", () => {
    const renamed = symbolEvol(scan, { seed: 1, rate: 0.5 }).collection.rows;
    const control = armRows(scan, 0.25, 3).slice(scan.length);
    expect(armRows(renamed, 0.25, 3).slice(renamed.length)).toEqual(control);
    expect(armRows(scan, 0.25, 4).slice(scan.length)).not.toEqual(control);
    expect(armRows(scan, 0, 3)).toEqual(scan);
  });

  it("refuse a share outside [0, 1) in one sentence", () => {
    expect(() => armRows(scan, 1, 0)).toThrow("Symbol-evol: copyShare must be in [0, 1), got 1");
    expect(() => armRows(scan, -0.1, 0)).toThrow("got -0.1");
  });
});
