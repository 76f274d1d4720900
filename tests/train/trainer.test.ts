import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HeapExhaustedError } from "../../lib/backend/heap.ts";
import { TrainingError, UsageError } from "../../lib/errors.ts";
import { generate } from "../../lib/prompts/generate.ts";
import { disposeBatch, makeBatch } from "../../lib/prompts/batch.ts";
import { encodeExample } from "../../lib/prompts/encode.ts";
import type { StepRecord } from "../../lib/runs/metrics.ts";
import { train } from "../../lib/train/trainer.ts";
import { useTestBackend } from "./backend.ts";
import { charTokenizer as tok, reversals, tinyModel } from "./fixtures.ts";

beforeAll(async () => {
  await useTestBackend();
});

const base = { tokenizer: tok, data: reversals, batchSize: 4, lr: 1e-2, warmup: 5, weightDecay: 0.01 };

describe("train", () => {
  it("overfits eight reversal examples: completion loss from ~ln(vocab) to below 0.1", async () => {
    const model = tinyModel(1);
    const result = await train({ ...base, model, steps: 120, seed: 3 });
    expect(result.stopped).toBe("completed");
    expect(result.losses).toHaveLength(120);
    expect(result.losses[0]).toBeGreaterThan(0.8 * Math.log(tok.vocabSize));
    expect(result.losses.at(-1)).toBeLessThan(0.1);
    // The trained model reverses the words it saw.
    const out = await generate(model, tok, ["hello", "star"], { maxNewTokens: 8 });
    expect(out.map((g) => g.text)).toEqual(["olleh", "rats"]);
    model.dispose();
  });

  it("gives the identical loss curve for the same seed, and a different one for another seed", async () => {
    const run = async (dataSeed: number) => {
      const model = tinyModel(2);
      const { losses } = await train({ ...base, model, steps: 12, seed: dataSeed, batchSize: 3 });
      model.dispose();
      return losses;
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(await run(6)).not.toEqual(first);
  });

  it("keeps the tensor count constant across 50 steps", async () => {
    const model = tinyModel(3);
    const counts: number[] = [];
    await train({
      ...base, model, steps: 50, accumulate: 2, batchSize: 2, evalData: reversals.slice(0, 3), evalEvery: 10,
      onStep: () => void counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });

  it("with accumulation follows the same curve as one big batch", async () => {
    const data = reversals.slice(0, 4);
    const whole = tinyModel(4);
    const split = tinyModel(4);
    const a = await train({ ...base, data, model: whole, steps: 6, batchSize: 4 });
    const b = await train({ ...base, data, model: split, steps: 6, batchSize: 2, accumulate: 2 });
    b.losses.forEach((loss, i) => expect(loss).toBeCloseTo(a.losses[i]!, 4));
    whole.dispose();
    split.dispose();
  });

  it("reports steps and evals to callbacks and the metrics log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-metrics-"));
    const model = tinyModel(5);
    const steps: StepRecord[] = [];
    const evalSteps: number[] = [];
    const result = await train({
      ...base, model, steps: 6, evalData: reversals.slice(0, 2), evalEvery: 3, metricsLog: join(dir, "metrics.jsonl"),
      onStep: (m) => void steps.push(m), onEval: (m) => void evalSteps.push(m.step),
    });
    expect(steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps[0]!.lr).toBeCloseTo(1e-2 / 5, 10); // first warmup step
    expect(steps.every((m) => m.tokensPerSecond > 0 && m.tokens > 0 && Number.isFinite(m.gradNorm))).toBe(true);
    expect(evalSteps).toEqual([3, 6]);
    expect(result.evals.map((e) => e.step)).toEqual([3, 6]);
    const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // The log holds the same records the callbacks got: one shape (lib/runs/metrics.ts).
    expect(lines.filter((l) => l.kind === "step")).toEqual(steps);
    expect(lines.filter((l) => l.kind === "eval")).toEqual(result.evals);
    expect(result.evals.every((e) => typeof e.eval_loss === "number" && Number.isFinite(e.eval_loss))).toBe(true);
    model.dispose();
  });

  it("explains a step that does not fit the tensor heap, without leaking tensors", async () => {
    const model = tinyModel(8);
    const before = tf.memory().numTensors;
    model.loss = () => {
      throw new HeapExhaustedError(5 * 1024 ** 3); // what the wasm backend throws when an allocation fails
    };
    const error = await train({ ...base, model, steps: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toContain("use a smaller micro-batch (e.g. 2 instead of 4) with gradient accumulation to keep the effective batch");
    expect((error as Error).message).toContain("(batchSize is the micro-batch, now 4; accumulate is now 1).");
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("rejects bad options and data with one clear sentence", async () => {
    const model = tinyModel(6);
    await expect(train({ ...base, model, steps: 0 })).rejects.toThrow(new UsageError('train option "steps" must be a positive integer, got 0.'));
    await expect(train({ ...base, model, steps: 2, data: [{ prompt: "a", completion: 3 as unknown as string }] })).rejects.toThrow(
      'data[0] field "completion": expected a string, got number.',
    );
    const small = tinyModel(6);
    const wide = { ...base, model: small, steps: 1, tokenizer: { ...tok, vocabSize: 999, special: tok.special } as typeof tok };
    await expect(train(wide)).rejects.toThrow(`the tokenizer has 999 tokens but the model's vocabSize is ${tok.vocabSize}`);
    model.dispose();
    small.dispose();
  });
});

describe("loss on completion tokens only", () => {
  it("masks BOS, the prompt and SEP; scores the completion and EOS", () => {
    const row = encodeExample(tok, { prompt: "ab", completion: "cd" }, 16);
    // BOS a b SEP c d EOS → targets a b SEP c d EOS; only c d EOS count.
    const batch = makeBatch([row], tok.special.pad);
    expect(Array.from(batch.mask.dataSync())).toEqual([0, 0, 0, 1, 1, 1]);
    expect(batch.targetCount).toBe(3);
    disposeBatch(batch);
  });

  it("changing the targets at prompt positions changes neither the loss nor its gradient", () => {
    const model = tinyModel(7);
    const rows = reversals.slice(0, 3).map((e) => encodeExample(tok, e, 16));
    const batch = makeBatch(rows, tok.special.pad);
    const mask = batch.mask.arraySync();
    const scrambled = tf.tensor2d(
      batch.targets.arraySync().map((r, b) => r.map((id, t) => (mask[b]![t] === 0 ? (id + 3) % tok.vocabSize : id))),
      batch.targets.shape,
      "int32",
    );
    const vars = Object.values(model.variables);
    const lossAndGrads = (targets: tf.Tensor2D) => tf.variableGrads(() => model.loss(batch.inputs, targets, batch.mask), vars);
    const a = lossAndGrads(batch.targets);
    const b = lossAndGrads(scrambled);
    expect(b.value.dataSync()[0]).toBe(a.value.dataSync()[0]);
    for (const name of Object.keys(a.grads)) expect(b.grads[name]!.dataSync()).toEqual(a.grads[name]!.dataSync());
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads), scrambled]);
    disposeBatch(batch);
    model.dispose();
  });

  it("cuts a long prompt from the left and keeps the completion", () => {
    // 8 positions = a row of 9 tokens: BOS, 3 prompt tokens, SEP, c a t, EOS.
    const row = encodeExample(tok, { prompt: "abcdefghij", completion: "cat" }, 8);
    expect(row.truncated).toBe(true);
    expect(row.ids).toEqual([tok.special.bos, ...tok.encode("hij"), tok.special.sep, ...tok.encode("cat"), tok.special.eos]);
    expect(row.completionStart).toBe(5);
  });
});
