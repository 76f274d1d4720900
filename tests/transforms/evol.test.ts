import { describe, expect, it } from "vitest";
import { Collection } from "../../lib/collections/collection.ts";
import { loadCollection } from "../../lib/collections/load.ts";
import type { Row } from "../../lib/collections/types.ts";
import { definedSymbols, evolRow, invertEvol, renameTokens, restorePrediction, symbolEvol } from "../../lib/transforms/evol.ts";
import { makeRow, scanLikeRow } from "../collections/rows.ts";

const tokens = (text: string) => text.split(/[^A-Za-z0-9_]+/).filter(Boolean);

describe("Symbol-evol is a consistent bijection", () => {
  it("inverting gives the original row exactly, for many seeds and rows (with and without meta.symbols)", () => {
    for (let i = 0; i < 60; i++) {
      for (const withMeta of [true, false]) {
        const row = scanLikeRow(i, withMeta);
        for (let seed = 0; seed < 10; seed++) {
          const evolved = evolRow(row, { seed });
          expect(evolved).not.toEqual(row);
          expect(invertEvol(evolved)).toEqual(row);
        }
      }
    }
  });

  it("renames every defined symbol the same way in instruction, input and output", () => {
    const row = scanLikeRow(3);
    const evolved = evolRow(row, { seed: 11 });
    const mapping = evolved.meta.evol!;
    expect(Object.keys(mapping).sort()).toEqual([...row.meta.symbols!].sort());
    for (const [original, renamed] of Object.entries(mapping)) {
      expect(renamed).toMatch(/^[A-Za-z0-9]{6}$/);
      expect(tokens(evolved.instruction)).not.toContain(original);
      expect(tokens(evolved.output)).not.toContain(original);
      // The definition now reads "<new name> means <the same meaning>".
      expect(evolved.instruction).toContain(`${renamed} means`);
    }
    // Output token k is the renamed version of original output token k.
    expect(tokens(evolved.output)).toEqual(tokens(row.output).map((t) => mapping[t]));
    expect(new Set(Object.values(mapping)).size).toBe(Object.keys(mapping).length);
  });

  it("matches whole tokens only: prefix-sharing symbols (I_TURN, I_TURN_LEFT) stay apart", () => {
    const mapping = { I_TURN: "aaaaaa", I_TURN_LEFT: "bbbbbb", I_TURN_RIGHT: "cccccc" };
    expect(renameTokens("I_TURN_LEFT I_TURN I_TURN_RIGHT I_TURNS xI_TURN I_TURN.", mapping)).toBe("bbbbbb aaaaaa cccccc I_TURNS xI_TURN aaaaaa.");
  });

  it("is seeded: the same seed gives the same names, another seed other names", () => {
    const row = scanLikeRow(5);
    expect(evolRow(row, { seed: 2 })).toEqual(evolRow(row, { seed: 2 }));
    expect(evolRow(row, { seed: 2 }).meta.evol).not.toEqual(evolRow(row, { seed: 3 }).meta.evol);
  });

  it("never picks a name already in the row, even with a tiny alphabet", () => {
    const row = makeRow("x", 0, { instruction: "A_1 means one. ab means two.", input: "aba bab", output: "A_1 ab", meta: { symbols: ["A_1", "ab"] } });
    for (let seed = 0; seed < 50; seed++) {
      const evolved = evolRow(row, { seed, length: 3, alphabet: "ab" });
      expect(invertEvol(evolved)).toEqual(row);
      for (const name of Object.values(evolved.meta.evol!)) expect(`${row.instruction} ${row.input} ${row.output}`).not.toContain(name);
    }
  });

  it("restores a model's prediction to the original symbols for checking", () => {
    const evolved = evolRow(scanLikeRow(1), { seed: 9 });
    expect(restorePrediction(evolved, evolved.output)).toBe(scanLikeRow(1).output);
  });
});

describe("finding definitions in loaded rows", () => {
  it("finds 'X means ...' and 'X: ...' definitions, skipping words the output never uses", () => {
    const row = makeRow("t", 0, {
      instruction: "Use these.\nS0: the start state\nNote: be brief\nGOTO means move to a state.",
      output: "S0 GOTO S1",
      meta: {},
    });
    expect(definedSymbols(row).sort()).toEqual(["GOTO", "S0"]);
  });

  it("applies to the SCAN sample file (no meta.symbols there)", async () => {
    const scan = await loadCollection("data/samples/scan-instruction.jsonl");
    const { collection, report } = symbolEvol(scan, { seed: 1, rate: 1 });
    expect(report).toEqual({ rows: 6, renamed: 6, notSelected: 0, noSymbols: 0, alreadyEvolved: 0 });
    expect(Object.keys(collection.rows[0]!.meta.evol!).sort()).toEqual(["I_JUMP", "I_LOOK", "I_RUN", "I_TURN_LEFT", "I_TURN_RIGHT", "I_WALK"]);
    expect(collection.rows.map(invertEvol)).toEqual(scan.rows);
  });

  it("leaves rows without definable symbols untouched and counts them", async () => {
    const sql = await loadCollection("data/samples/sql-prompt-completion.jsonl");
    const { collection, report } = symbolEvol(sql, { seed: 1, rate: 1 });
    expect(report.noSymbols).toBe(4);
    expect(collection.rows).toEqual(sql.rows);
  });
});

describe("rate over a collection", () => {
  const rows: Row[] = Array.from({ length: 4000 }, (_, i) => scanLikeRow(i));
  const collection = Collection.from(rows, "scan-like");

  it("renames about rate × rows (the paper's 6% by default), reproducibly", () => {
    const { collection: evolved, report } = symbolEvol(collection, { seed: 7 });
    // Binomial(4000, 0.06): mean 240, sd ≈ 15; ±5 sd.
    expect(report.renamed).toBeGreaterThan(165);
    expect(report.renamed).toBeLessThan(315);
    expect(report.renamed + report.notSelected).toBe(4000);
    expect(evolved.rows.filter((r) => r.meta.evol).length).toBe(report.renamed);
    expect(evolved.toJSONL("rows")).toBe(symbolEvol(collection, { seed: 7 }).collection.toJSONL("rows"));
    expect(evolved.rows.map(invertEvol)).toEqual(rows);
  });

  it("does not rename a row twice", () => {
    const once = symbolEvol(collection.head(50), { seed: 1, rate: 1 }).collection;
    const { report } = symbolEvol(once, { seed: 2, rate: 1 });
    expect(report.alreadyEvolved).toBe(50);
  });

  it("rejects a rate outside [0, 1]", () => {
    expect(() => symbolEvol(collection, { seed: 0, rate: 6 })).toThrow("Symbol-evol: rate must be between 0 and 1, got 6");
  });
});
