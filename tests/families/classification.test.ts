import { describe, expect, it } from "vitest";
import { classificationTasks } from "../../lib/collections/classification/index.ts";
import { afinn, wordnet } from "../../lib/collections/general/index.ts";

const task = (name: string) => classificationTasks.find((t) => t.name === name)!;
const firstLex = (pos: "noun" | "verb", word: string) => {
  const wn = wordnet();
  return wn.synset(pos, wn.lemmas(pos).get(word)!.offsets[0]!).lexName;
};

describe("classification tasks", () => {
  it("number at least 16, split into train and held-out eval, with 4+ binary eval tasks", () => {
    expect(classificationTasks.length).toBeGreaterThanOrEqual(16);
    expect(new Set(classificationTasks.map((t) => t.name)).size).toBe(classificationTasks.length);
    const train = classificationTasks.filter((t) => t.role === "train");
    const evalTasks = classificationTasks.filter((t) => t.role === "eval");
    expect(train.length).toBeGreaterThan(evalTasks.length);
    expect(evalTasks.filter((t) => t.labels.length === 2).length).toBeGreaterThanOrEqual(4);
    for (const t of classificationTasks) {
      expect(new Set(t.labels).size).toBe(t.labels.length);
      for (const l of t.labels) expect(l).toMatch(/^[a-z][a-z ]*$/);
      expect(t.instruction).toMatch(/\?$/);
    }
  });

  for (const t of classificationTasks) {
    it(`${t.name}: seeded, balanced, labels from its label set`, () => {
      const examples = t.generate(120, 3);
      expect(t.generate(120, 3)).toEqual(examples);
      expect(t.generate(30, 3)).toEqual(examples.slice(0, 30));
      for (const label of t.labels) expect(examples.filter((e) => e.label === label).length).toBe(120 / t.labels.length);
      for (const e of examples) expect(e.input.length).toBeGreaterThan(0);
    });
  }

  it("labels synthetic inputs correctly", () => {
    for (const e of task("number_parity").generate(100, 1)) expect(Number(e.input) % 2 === 0 ? "even" : "odd").toBe(e.label);
    for (const e of task("number_comparison").generate(100, 1)) {
      const [a, b] = e.input.split(", ").map(Number);
      expect(a! > b! ? "first" : "second").toBe(e.label);
    }
    for (const e of task("palindrome").generate(100, 1)) {
      expect([...e.input].reverse().join("") === e.input ? "palindrome" : "not a palindrome").toBe(e.label);
    }
    for (const e of task("number_magnitude").generate(100, 1)) expect(Number(e.input) < 500 ? "small" : "large").toBe(e.label);
  });

  it("labels lexical inputs as WordNet and AFINN say", () => {
    for (const e of task("word_sentiment").generate(100, 1)) expect(afinn().get(e.input)! > 0 ? "positive" : "negative").toBe(e.label);
    for (const e of task("animal_or_not").generate(100, 1)) expect(firstLex("noun", e.input) === "noun.animal" ? "animal" : "not an animal").toBe(e.label);
    for (const e of task("noun_topic").generate(60, 1)) expect(firstLex("noun", e.input)).toBe(`noun.${e.label}`);
    for (const e of task("verb_topic").generate(60, 1)) expect(firstLex("verb", e.input)).toBe(`verb.${e.label}`);
    const wn = wordnet();
    for (const e of task("part_of_speech").generate(60, 1)) {
      expect(wn.lemmas(e.label as "noun").has(e.input)).toBe(true);
      for (const other of ["noun", "verb", "adjective", "adverb"] as const) if (other !== e.label) expect(wn.lemmas(other).has(e.input)).toBe(false);
    }
    for (const e of task("antonym_pair").generate(40, 1)) {
      const [a, b] = e.input.split(", ");
      const senses = wn.lemmas("adjective").get(a!)!.offsets.map((o) => wn.synset("adjective", o));
      const opposite = senses.flatMap((s) => wn.related(s, "!").flatMap((x) => x.words));
      if (e.label === "antonyms") expect(opposite).toContain(b);
    }
  });
});
