import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../../lib/collections/types.ts";
import { gradedScores } from "../../lib/eval/graded.ts";
import { rankClassify, rankItemOf, scoreCandidates } from "../../lib/eval/rank.ts";
import { createGPT, type GPT } from "../../lib/model/gpt.ts";
import { CharTokenizer } from "../../lib/model/tokenizer.ts";
import { useTestBackend } from "../train/backend.ts";

beforeAll(async () => {
  await useTestBackend();
});

const tok = CharTokenizer.fromTexts(["abcdefghijklmnopqrstuvwxyz ->:\n"]);

/**
 * A model whose next-token distribution ignores the input: the final LayerNorm outputs the
 * constant `bias`, so every position's logits are wte · bias (tied head). Token embeddings are
 * zero except `weights`' entries along the first axis, so logit(v) = 10 · weights[v].
 */
function constantModel(weights: Record<string, number>, blockSize = 32): GPT {
  const model = createGPT({ vocabSize: tok.vocabSize, blockSize, nLayer: 1, nHead: 2, nEmbd: 8 }, 3);
  const C = 8;
  const wte = new Float32Array(tok.vocabSize * C);
  for (const [ch, w] of Object.entries(weights)) wte[tok.encode(ch)[0]! * C] = w;
  const bias = new Float32Array(C);
  bias[0] = 10;
  model.variables["wte.weight"]!.assign(tf.tensor2d(wte, [tok.vocabSize, C]));
  model.variables["ln_f.weight"]!.assign(tf.zeros([C]));
  model.variables["ln_f.bias"]!.assign(tf.tensor1d(bias));
  return model;
}

/** log p(token) under the constant model: 10·w − logsumexp over the vocabulary. */
function expectedLogp(weights: Record<string, number>, ch: string | "eos"): number {
  const logits = new Array<number>(tok.vocabSize).fill(0);
  for (const [c, w] of Object.entries(weights)) logits[tok.encode(c)[0]!] = 10 * w;
  const lse = Math.log(logits.reduce((a, l) => a + Math.exp(l), 0));
  const id = ch === "eos" ? tok.special.eos : tok.encode(ch)[0]!;
  return logits[id]! - lse;
}

describe("rank classification on hand-made models", () => {
  it("the candidate whose tokens the model prefers ranks first, and the ranking follows the weights", async () => {
    const prefersA = constantModel({ a: 1 });
    const prefersB = constantModel({ b: 1 });
    const items = [{ prompt: "x -> ", candidates: ["aa", "bb"], answer: "aa" }];
    const a = await rankClassify(prefersA, tok, items);
    const b = await rankClassify(prefersB, tok, items);
    expect(a.items[0]!.prediction).toBe("aa");
    expect(a.accuracy).toBe(100);
    expect(b.items[0]!.prediction).toBe("bb");
    expect(b.accuracy).toBe(0);
    expect(a.chance).toBe(50);
  });

  it("scores are the log-likelihood of candidate + EOS, summed and per token", async () => {
    const weights = { a: 0.5, c: 0.2 };
    const model = constantModel(weights);
    const [ac, b] = await scoreCandidates(model, tok, "q:", ["ac", "b"]);
    const acExpected = expectedLogp(weights, "a") + expectedLogp(weights, "c") + expectedLogp(weights, "eos");
    expect(ac!.logprob).toBeCloseTo(acExpected, 3);
    expect(ac!.tokens).toBe(3);
    expect(ac!.mean).toBeCloseTo(acExpected / 3, 3);
    expect(b!.logprob).toBeCloseTo(expectedLogp(weights, "b") + expectedLogp(weights, "eos"), 3);
  });

  it("sum and per-token mean can disagree: a long likely candidate against a short unlikely one", async () => {
    // Every extra "a" costs log p(a) < 0 in the sum, but each "a" is more likely than "z".
    const model = constantModel({ a: 0.3 });
    const report = await rankClassify(model, tok, [{ prompt: "q:", candidates: ["aaaaaaaa", "z"], answer: "aaaaaaaa" }]);
    const [long, short] = report.items[0]!.scores;
    expect(long!.mean).toBeGreaterThan(short!.mean);
    expect(long!.logprob).toBeLessThan(short!.logprob);
    expect(report.accuracy).toBe(0);
    expect(report.accuracyByMean).toBe(100);
  });

  it("an indifferent model sits exactly at chance: ties split the credit", async () => {
    const model = constantModel({});
    const items = ["x", "y", "z", "w"].map((q, i) => ({ prompt: `${q} ->`, candidates: ["p", "q", "r"], answer: ["p", "q", "r"][i % 3]!, task: i < 2 ? "t1" : "t2" }));
    const report = await rankClassify(model, tok, items);
    expect(report.accuracy).toBeCloseTo(100 / 3, 6);
    expect(report.chance).toBeCloseTo(100 / 3, 6);
    expect(report.byTask.map((g) => g.task)).toEqual(["t1", "t2"]);
  });

  it("batching does not change the scores, and an item that does not fit is refused and counted, not cut", async () => {
    const model = createGPT({ vocabSize: tok.vocabSize, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 }, 5);
    const items = [
      { prompt: "abc -> ", candidates: ["x", "yy"], answer: "x", task: "t" },
      { prompt: "hello -> ", candidates: ["x", "yy"], answer: "yy", task: "t" },
      { prompt: "a much longer prompt ->", candidates: ["x", "yy"], answer: "x", task: "t" },
    ];
    const one = await rankClassify(model, tok, items, { batchSize: 1 });
    const many = await rankClassify(model, tok, items, { batchSize: 64 });
    expect(one.n).toBe(2);
    expect(one.refused).toBe(1);
    expect(one.items[2]).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      one.items[i]!.scores.forEach((s, j) => expect(many.items[i]!.scores[j]!.logprob).toBeCloseTo(s.logprob, 4));
    }
    await expect(scoreCandidates(model, tok, items[2]!.prompt, ["x"])).rejects.toThrow(/longer than the model's context of 16/);
  });

  it("refuses items whose answer is not a candidate, with the item named", async () => {
    const model = constantModel({});
    await expect(rankClassify(model, tok, [{ prompt: "q", candidates: ["a", "b"], answer: "c" }])).rejects.toThrow(/item 0's answer "c" is not among its candidates/);
  });

  it("takes candidates from an in-context row's shown labels", () => {
    const row: Row = { task: "t", domain: "classification", form: "label", instruction: "", input: "1 -> foo\n2 -> ", output: "foo", split: "test", meta: { labels: { even: "foo", odd: "bar" } } };
    expect(rankItemOf(row)).toEqual({ prompt: "1 -> foo\n2 -> ", candidates: ["foo", "bar"], answer: "foo", task: "t" });
  });
});

describe("graded measures of a reference output", () => {
  it("teacher-forced NLL and token accuracy follow the model's preference", async () => {
    const weights = { a: 1 };
    const model = constantModel(weights);
    const row = (output: string, source: string): Row => ({ task: source, domain: "d", form: "f", instruction: "", input: "q:", output, split: "test", meta: { source } });
    const report = await gradedScores(model, tok, [row("aaa", "s1"), row("ab", "s2")]);
    // Argmax is always "a": 3 of 4 tokens of "aaa"+EOS, 1 of 3 of "ab"+EOS.
    expect(report.byTask.find((g) => g.task === "s1")!.tokenAccuracy).toBeCloseTo(75, 6);
    expect(report.byTask.find((g) => g.task === "s2")!.tokenAccuracy).toBeCloseTo(100 / 3, 6);
    expect(report.tokenAccuracy).toBeCloseTo((100 * 4) / 7, 6);
    const s1Nll = -(3 * expectedLogp(weights, "a") + expectedLogp(weights, "eos")) / 4;
    expect(report.byTask[0]!.nll).toBeCloseTo(s1Nll, 3);
    expect(report.refused).toBe(0);
  });
});
