/**
 * The shipped bases: they load with their word tokenizer, the pretraining recipe reproduces
 * their first steps, and a base reads unseen numbers and holds the tasks' priors in context
 * where a fresh model does not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { BASE_RECIPE, baseConfig, episodeRows, loadBase, phaseRows, type PhaseRecord } from "../../lib/effects/base.ts";
import { baseTokenizer, generalEvalRows } from "../../lib/effects/base-data.ts";
import { main as pretrainCli } from "../../lib/effects/pretrain-cli.ts";
import { choiceAccuracy } from "../../lib/eval/probes.ts";
import { episodeSet, heldoutTasks } from "../../lib/collections/feature-world.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { train } from "../../lib/train/trainer.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

type Metrics = { phases: PhaseRecord[]; recipe: typeof BASE_RECIPE; seed: number };
const metricsOf = (path: string): Metrics => JSON.parse(readFileSync(join(path, "metrics.json"), "utf8"));

describe("shipped base seed 0", () => {
  let base: ReturnType<typeof loadBase>;
  let metrics: Metrics;
  beforeAll(() => {
    base = loadBase(0);
    metrics = metricsOf(base.path);
  });

  it("was made by the current recipe and tokenizer", () => {
    const { model, tokenizer } = base;
    expect(metrics.recipe).toEqual(BASE_RECIPE);
    expect(tokenizer.toSpec()).toEqual(baseTokenizer().toSpec());
    expect(model.config).toEqual(baseConfig(tokenizer));
  });

  it("reproduces the first steps of the recipe: bit for bit run to run, and the shipped curve to float rounding", async () => {
    const r = BASE_RECIPE;
    // Seed 0's curve was logged every 50 steps: the run goes as far as the first logged step.
    const every = metrics.phases[0]!.lossEvery ?? 1;
    const firstSteps = async (steps: number) => {
      const fresh = createGPT(baseConfig(base.tokenizer), metrics.seed);
      const result = await train({
        model: fresh, tokenizer: base.tokenizer, data: phaseRows(r, 0, metrics.seed), steps, batchSize: r.batchSize,
        lr: r.lr, minLr: r.lr, warmup: r.phases[0].warmup, weightDecay: r.weightDecay, clip: r.clip, seed: metrics.seed,
      });
      fresh.dispose();
      return result.losses;
    };
    const long = await firstSteps(Math.max(2, every));
    expect(await firstSteps(2)).toEqual(long.slice(0, 2));
    // The curve logs 3 decimals when logged every 50 steps, full floats otherwise.
    expect(Math.abs(long[every - 1]! - metrics.phases[0]!.losses[0]!)).toBeLessThan(every > 1 ? 6e-4 : 1e-4);
  }, 300_000);

  it("reads numbers it never saw and answers held-out tasks in context from its priors, where a fresh model does not", async () => {
    const features = generalEvalRows(5, 40).filter((q) => q.kind === "feature").map((q) => ({
      framing: "question" as const, prompt: q.prompt, candidates: q.candidates, answer: q.candidates.indexOf(q.completion),
    }));
    const icl = episodeRows(episodeSet(5, heldoutTasks(), 8, { k: 4, heldoutInputs: true }));
    const flipped = episodeRows(episodeSet(5, heldoutTasks(), 8, { k: 4, heldoutInputs: true, flip: true }));
    const { model, tokenizer } = base;
    expect((await choiceAccuracy(model, tokenizer, features)).accuracy).toBeGreaterThanOrEqual(0.7);
    expect((await choiceAccuracy(model, tokenizer, icl)).accuracy).toBeGreaterThanOrEqual(0.7);
    // Its prior is strong enough that flipped exemplar labels do not move it: below chance.
    expect((await choiceAccuracy(model, tokenizer, flipped)).accuracy).toBeLessThan(0.35);
    const fresh = createGPT(baseConfig(tokenizer), 99);
    expect((await choiceAccuracy(fresh, tokenizer, features)).accuracy).toBeLessThan(0.7);
    expect((await choiceAccuracy(fresh, tokenizer, icl)).accuracy).toBeLessThan(0.7);
    fresh.dispose();
  });
});

describe("symtune pretrain", () => {
  it("says which option is wrong", async () => {
    await expect(pretrainCli(["--seed", "x"])).rejects.toThrow(/--seed must be a whole number/);
    await expect(pretrainCli(["--sed", "1"])).rejects.toThrow(/the options are --seed N, --out DIR, --init DIR, --from PHASE/);
    await expect(pretrainCli(["--seed", "1", "--from", "features"])).rejects.toThrow(/give --init DIR and --from PHASE together/);
  });
});
