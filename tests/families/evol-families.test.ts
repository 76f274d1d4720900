// Symbol-evol (lib/transforms/evol.ts) on the built-in families: the renamed rows stay
// checkable, and every declared symbol really is renamed everywhere.
import { describe, expect, it } from "vitest";
import { families } from "../../lib/collections/families/index.ts";
import { evolRow, hasToken, invertEvol } from "../../lib/transforms/evol.ts";

describe("Symbol-evol on families that define symbols", () => {
  const defining = families.filter((f) => (f.generate(1, 1)[0]!.meta.symbols ?? []).length > 0);

  it("covers the families whose instructions define symbols", () => {
    expect(defining.map((f) => f.name).sort()).toEqual(["blocksworld", "fol", "scan", "top", "triples"]);
  });

  for (const family of defining) {
    it(`${family.name}: renamed rows are accepted, fully renamed and invertible`, async () => {
      for (const [i, row] of family.generate(30, 11).entries()) {
        const evolved = evolRow(row, { seed: i });
        const mapping = evolved.meta.evol!;
        expect(Object.keys(mapping).sort()).toEqual([...row.meta.symbols!].sort());
        for (const [original, renamed] of Object.entries(mapping)) {
          expect(hasToken(evolved.instruction, original), `${original} left in the instruction`).toBe(false);
          expect(hasToken(evolved.output, original)).toBe(false);
          expect(evolved.instruction).toContain(`${renamed}`);
        }
        expect(await family.check(evolved, evolved.output)).toMatchObject({ correct: true, score: 1 });
        // The original symbols are not the renamed row's answer (unless its output uses none).
        if (row.output !== evolved.output) expect((await family.check(evolved, row.output)).correct).toBe(false);
        expect(invertEvol(evolved)).toEqual(row);
      }
    });
  }
});
