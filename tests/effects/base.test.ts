/**
 * The shipped bases: they load with their word tokenizer, the pretraining recipe reproduces
 * their first steps bit for bit, and the base copies from context where a fresh model does not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { BASE_RECIPE, baseConfig, loadBase } from "../../lib/effects/base.ts";
import { baseTokenizer, pretrainRows } from "../../lib/effects/base-data.ts";
import { main as pretrainCli } from "../../lib/effects/pretrain-cli.ts";
import { copyGate, inductionProbe } from "../../lib/eval/probes.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { train } from "../../lib/train/trainer.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("shipped base seed 0", () => {
  const { model, tokenizer, path } = loadBase(0);
  const metrics = JSON.parse(readFileSync(join(path, "metrics.json"), "utf8")) as { losses: number[]; recipe: typeof BASE_RECIPE; seed: number };

  it("was made by the current recipe and tokenizer", () => {
    expect(metrics.recipe).toEqual(BASE_RECIPE);
    expect(tokenizer.toSpec()).toEqual(baseTokenizer().toSpec());
    expect(model.config).toEqual(baseConfig(tokenizer));
  });

  it("reproduces the first three steps of its pretraining bit for bit", async () => {
    const fresh = createGPT(baseConfig(tokenizer), metrics.seed);
    const r = BASE_RECIPE;
    const result = await train({
      model: fresh, tokenizer, data: pretrainRows(metrics.seed, r.steps * r.batchSize), steps: 3, batchSize: r.batchSize,
      lr: r.lr, minLr: r.lr, warmup: r.warmup, weightDecay: r.weightDecay, clip: r.clip, seed: metrics.seed,
    });
    expect(result.losses).toEqual(metrics.losses.slice(0, 3));
    fresh.dispose();
  }, 120_000);

  it("copies from context: the repeat of a random word sequence is far cheaper than its first occurrence", async () => {
    const words = Array.from({ length: tokenizer.vocabSize - 260 }, (_, i) => 260 + i);
    const r = await inductionProbe(model, tokenizer, { n: 32, length: 10, seed: 5, pool: words });
    expect(copyGate(r).passed).toBe(true);
  });
});

describe("symtune pretrain", () => {
  it("says which option is wrong", async () => {
    await expect(pretrainCli(["--seed", "x"])).rejects.toThrow(/--seed must be a whole number/);
    await expect(pretrainCli(["--sed", "1"])).rejects.toThrow(/the options are --seed N, --steps S, --out DIR/);
  });
});
