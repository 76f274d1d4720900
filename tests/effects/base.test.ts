/**
 * The shipped bases: they load with their word tokenizer, the pretraining recipe reproduces
 * their first steps, and a base copies from context where a fresh model does not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { BASE_RECIPE, baseConfig, loadBase, phaseRows, type PhaseRecord } from "../../lib/effects/base.ts";
import { baseTokenizer, copyPool } from "../../lib/effects/base-data.ts";
import { main as pretrainCli } from "../../lib/effects/pretrain-cli.ts";
import { copyGate, inductionProbe } from "../../lib/eval/probes.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { train } from "../../lib/train/trainer.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("shipped base seed 0", () => {
  let base: ReturnType<typeof loadBase>;
  let metrics: { phases: PhaseRecord[]; recipe: typeof BASE_RECIPE; seed: number };
  beforeAll(() => {
    base = loadBase(0);
    metrics = JSON.parse(readFileSync(join(base.path, "metrics.json"), "utf8"));
  });

  it("was made by the current recipe and tokenizer", () => {
    const { model, tokenizer } = base;
    expect(metrics.recipe).toEqual(BASE_RECIPE);
    expect(tokenizer.toSpec()).toEqual(baseTokenizer().toSpec());
    expect(model.config).toEqual(baseConfig(tokenizer));
  });

  it("reproduces the first steps of its pretraining: bit for bit run to run, and the shipped curve to float rounding", async () => {
    const { tokenizer } = base;
    const r = BASE_RECIPE;
    const phase = r.phases[0];
    const firstSteps = async () => {
      const fresh = createGPT(baseConfig(tokenizer), metrics.seed);
      const result = await train({
        model: fresh, tokenizer, data: phaseRows(r, 0, metrics.seed), steps: 2, batchSize: r.batchSize,
        lr: r.lr, minLr: r.lr, warmup: phase.warmup, weightDecay: r.weightDecay, clip: r.clip, seed: metrics.seed,
      });
      fresh.dispose();
      return result.losses;
    };
    const [a, b] = [await firstSteps(), await firstSteps()];
    expect(a).toEqual(b);
    // The shipped curve was computed before later kernel fusions on main; they move only the last bits.
    const shipped = metrics.phases[0]!.losses.slice(0, 2);
    a.forEach((loss, i) => expect(Math.abs(loss - shipped[i]!)).toBeLessThan(1e-4));
  }, 180_000);

  it("copies from context on the words copy rows draw on, where a fresh model does not", async () => {
    const { model, tokenizer } = base;
    const pool = copyPool().map((w) => tokenizer.encode(` ${w}`)[0]!);
    const trained = await inductionProbe(model, tokenizer, { n: 32, length: 10, seed: 5, pool });
    expect(copyGate(trained).passed).toBe(true);
    const fresh = createGPT(baseConfig(tokenizer), 99);
    const untrained = await inductionProbe(fresh, tokenizer, { n: 32, length: 10, seed: 5, pool });
    expect(copyGate(untrained).passed).toBe(false);
    fresh.dispose();
  });
});

describe("symtune pretrain", () => {
  it("says which option is wrong", async () => {
    await expect(pretrainCli(["--seed", "x"])).rejects.toThrow(/--seed must be a whole number/);
    await expect(pretrainCli(["--sed", "1"])).rejects.toThrow(/the options are --seed N, --out DIR, --init DIR, --from PHASE/);
    await expect(pretrainCli(["--seed", "1", "--from", "copy"])).rejects.toThrow(/give --init DIR and --from PHASE together/);
  });
});
