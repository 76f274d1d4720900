/**
 * List functions and Turing concepts: the generators make prompts whose right answer is among
 * distinct candidates and that the exemplars determine, answers are balanced, every prompt fits
 * the base's context in the base's own words, and the scoring path ranks what a hand-built model
 * prefers.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { CONCEPT_SHOTS, LIST_CANDIDATES, LIST_FUNCTIONS, LIST_SHOTS, TURING_CONCEPTS, conceptSet, listFunctionSet } from "../../lib/collections/algorithmic.ts";
import { EVAL_SYMBOLS, type Episode } from "../../lib/collections/feature-world.ts";
import { ALGORITHMIC, algorithmicIcl, checkVocabulary } from "../../lib/effects/algorithmic.ts";
import { BASE_RECIPE } from "../../lib/effects/base.ts";
import { baseTokenizer } from "../../lib/effects/base-data.ts";
import type { LogitModel } from "../../lib/eval/probes.ts";
import type { WordTokenizer } from "../../lib/model/tokenizer-word.ts";

let tok: WordTokenizer;
beforeAll(async () => {
  await initBackend("wasm");
  tok = baseTokenizer();
});

const digits = (text: string) => text.trim().split(" ").map(Number);
/** The exemplar lines and the query of an episode, parsed back from its text. */
function parse(e: Episode) {
  const lines = e.context.split("\n");
  const query = lines.pop()!;
  expect(query.endsWith(":")).toBe(true);
  return { exemplars: lines.map((l) => l.split(": ") as [string, string]), query: query.slice(0, -1) };
}
const count = <T,>(xs: readonly T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>());

describe("list-function episodes", () => {
  const set = listFunctionSet(3, 4 * LIST_CANDIDATES * LIST_FUNCTIONS.length);

  it("show the true function on every exemplar and rank its output among distinct, equally long outputs of other functions", () => {
    for (const e of set) {
      const f = LIST_FUNCTIONS.find((g) => g.name === e.task)!;
      const { exemplars, query } = parse(e);
      expect(exemplars).toHaveLength(LIST_SHOTS);
      for (const [input, output] of exemplars) expect(digits(output)).toEqual(f.apply(digits(input)));
      const q = digits(query);
      expect(e.candidates).toHaveLength(LIST_CANDIDATES);
      expect(new Set(e.candidates).size).toBe(LIST_CANDIDATES);
      expect(digits(e.candidates[e.answer]!)).toEqual(f.apply(q));
      for (const c of e.candidates) expect(digits(c)).toHaveLength(q.length);
      // Every wrong candidate is some other function's output, and that function is ruled out by an exemplar.
      e.candidates.forEach((c, i) => {
        if (i === e.answer) return;
        const rivals = LIST_FUNCTIONS.filter((g) => g !== f && digits(c).join() === g.apply(q).join());
        expect(rivals.some((g) => exemplars.some(([input, output]) => g.apply(digits(input)).join() !== digits(output).join()))).toBe(true);
      });
      expect(exemplars.map(([input]) => input)).not.toContain(query);
    }
  });

  it("put the right answer at every position equally often and use every function", () => {
    expect([...count(set.map((e) => e.answer)).values()]).toEqual(Array(LIST_CANDIDATES).fill(set.length / LIST_CANDIDATES));
    expect(new Set(set.map((e) => e.task)).size).toBe(LIST_FUNCTIONS.length);
  });
});

describe("Turing-concept episodes", () => {
  const set = conceptSet(3, 4 * TURING_CONCEPTS.length, EVAL_SYMBOLS);

  it("label every exemplar by its class under the concept, with two evaluation symbols, and ask a distinct string", () => {
    for (const e of set) {
      const c = TURING_CONCEPTS.find((x) => x.name === e.task)!;
      const { exemplars, query } = parse(e);
      const labels = e.candidates.map((s) => s.trim());
      expect(labels[0]).not.toBe(labels[1]);
      for (const l of labels) expect(EVAL_SYMBOLS).toContain(l);
      for (const [bits, label] of exemplars) expect(label).toBe(labels[c.test(bits) ? 1 : 0]);
      expect(count(exemplars.map(([, l]) => l)).get(labels[1]!)).toBe(CONCEPT_SHOTS);
      expect(e.answer).toBe(c.test(query) ? 1 : 0);
      expect(new Set([...exemplars.map(([b]) => b), query]).size).toBe(2 * CONCEPT_SHOTS + 1);
      expect(query).toMatch(/^[01]{4,6}$/);
    }
  });

  it("query each class equally often, within every concept", () => {
    for (const c of TURING_CONCEPTS) {
      const mine = set.filter((e) => e.task === c.name);
      expect(mine.filter((e) => e.answer === 1).length).toBe(mine.length / 2);
    }
  });
});

describe("algorithmic evaluation", () => {
  it("fits every full-size prompt in the base's context, in the base's own words", () => {
    for (const [name, make] of Object.entries(ALGORITHMIC)) {
      const episodes = make(400);
      expect(episodes).toHaveLength(400);
      checkVocabulary(tok, name, episodes);
      for (const e of episodes) {
        const longest = Math.max(...e.candidates.map((c) => tok.encode(c).length));
        expect(2 + tok.encode(e.context).length + longest).toBeLessThanOrEqual(BASE_RECIPE.blockSize + 1);
      }
    }
    expect(() => checkVocabulary(tok, "list functions", [{ task: "hand", context: "1 2 -> 2 1\n3 4:", candidates: [" 4 3"], answer: 0 }]))
      .toThrow(/list functions: the piece " -" of a hand prompt is not in the model's word vocabulary/);
  });

  it("ranks by the model's likelihood: a model that favours the digit 7 picks the candidate with the most sevens", async () => {
    const seven = tok.idOf(" 7")!;
    const V = tok.vocabSize;
    const prefersSeven = (blockSize: number): LogitModel => ({
      config: { vocabSize: V, blockSize },
      logits: (idx) => tf.tidy(() => tf.mul(tf.oneHot(tf.fill(idx.shape, seven, "int32"), V), 5).reshape([...idx.shape, V]) as tf.Tensor3D),
    });
    const n = 48;
    const r = await algorithmicIcl(prefersSeven(96), tok, n);
    // By hand: every candidate of a prompt is the same length, so the one with the most " 7" wins (the first on a tie).
    const sevens = (c: string) => c.split(" ").filter((d) => d === "7").length;
    const lists = ALGORITHMIC["list functions"](n);
    const expected = lists.filter((e) => {
      const s = e.candidates.map(sevens);
      return s.indexOf(Math.max(...s)) === e.answer;
    }).length / n;
    expect(r["list functions"]).toMatchObject({ n, refused: 0, chance: 1 / LIST_CANDIDATES });
    expect(r["list functions"].accuracy).toBeCloseTo(expected, 10);
    expect(expected).toBeGreaterThan(0);
    // The concepts' candidates are symbols, never " 7": a tie, so always the first candidate (class 0): half right.
    expect(r["turing concepts"]).toMatchObject({ n, refused: 0, chance: 0.5, accuracy: 0.5 });
    // A context too short for the concept prompts refuses them (counted), never cuts them.
    const short = await algorithmicIcl(prefersSeven(64), tok, n);
    expect(short["turing concepts"].refused).toBe(ALGORITHMIC["turing concepts"](n).filter((e) => 2 + tok.encode(e.context).length + 1 > 65).length);
    expect(short["turing concepts"].refused).toBeGreaterThan(0);
    expect(short["turing concepts"].n + short["turing concepts"].refused).toBe(n);
  });
});
