import { describe, expect, it } from "vitest";
import { generateCollection } from "../../lib/collections/registry.ts";
import { permutedCandidates } from "../../lib/effects/symbol-evol.ts";
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
