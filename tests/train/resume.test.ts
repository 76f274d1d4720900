import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TrainingError } from "../../lib/errors.ts";
import { loadCheckpoint } from "../../lib/model/checkpoint.ts";
import { generate } from "../../lib/prompts/generate.ts";
import { evaluateLoss } from "../../lib/train/evaluate.ts";
import { train } from "../../lib/train/trainer.ts";
import { useTestBackend } from "./backend.ts";
import { charTokenizer as tok, reversals, tinyModel } from "./fixtures.ts";

beforeAll(async () => {
  await useTestBackend();
});

const run = { tokenizer: tok, data: reversals, batchSize: 3, accumulate: 2, lr: 5e-3, warmup: 3, weightDecay: 0.1, seed: 11, steps: 10 };
const tempDir = () => mkdtempSync(join(tmpdir(), "symtune-ckpt-"));

describe("interrupt and resume", () => {
  it("an abort saves a checkpoint and leaves the model usable; resuming reproduces the uninterrupted curve exactly", async () => {
    const whole = tinyModel(21);
    const reference = await train({ ...run, model: whole });
    whole.dispose();

    const dir = tempDir();
    const controller = new AbortController();
    const first = tinyModel(21);
    const interrupted = await train({
      ...run, model: first, checkpointDir: dir,
      onStep: (m) => void (m.step === 4 && controller.abort()),
      signal: controller.signal,
    });
    expect(interrupted.stopped).toBe("interrupted");
    expect(interrupted.step).toBe(4);
    expect(interrupted.losses).toEqual(reference.losses.slice(0, 4));
    expect(interrupted.checkpoint).toBe(join(dir, "step-00000004"));
    expect(readFileSync(join(dir, "latest"), "utf8").trim()).toBe("step-00000004");
    // The interrupted model still evaluates and generates.
    expect(Number.isFinite((await evaluateLoss(first, tok, reversals)).loss)).toBe(true);
    expect((await generate(first, tok, "cat", { maxNewTokens: 3 }))[0]!.ids.length).toBeGreaterThan(0);
    first.dispose();

    // A fresh model with other weights: everything must come from the checkpoint.
    const second = tinyModel(99);
    const resumed = await train({ ...run, model: second, checkpointDir: dir, resumeFrom: dir });
    expect(resumed.stopped).toBe("completed");
    expect(resumed.losses).toEqual(reference.losses);
    second.dispose();
  });

  it("an interrupt between micro-batches drops the half-done step and resumes exactly", async () => {
    const whole = tinyModel(25);
    const reference = await train({ ...run, model: whole });
    whole.dispose();

    const dir = tempDir();
    const controller = new AbortController();
    const model = tinyModel(25);
    const loss = model.loss.bind(model);
    let calls = 0;
    // Interrupt while step 5's first micro-batch is computed (2 micro-batches per step).
    model.loss = (...args) => {
      if (++calls === 9) controller.abort();
      return loss(...args);
    };
    const interrupted = await train({ ...run, model, checkpointDir: dir, signal: controller.signal });
    expect(interrupted.stopped).toBe("interrupted");
    expect(interrupted.step).toBe(4);
    expect(interrupted.checkpoint).toBe(join(dir, "step-00000004"));
    model.dispose();

    const again = tinyModel(7);
    expect((await train({ ...run, model: again, resumeFrom: dir })).losses).toEqual(reference.losses);
    again.dispose();
  });

  it("resumes from a periodic checkpoint with the same curve, and keeps only the newest checkpoints", async () => {
    const whole = tinyModel(22);
    const reference = await train({ ...run, model: whole });
    whole.dispose();

    const dir = tempDir();
    const partial = tinyModel(22);
    await train({ ...run, steps: 10, model: partial, checkpointDir: dir, checkpointEvery: 2, keepCheckpoints: 2,
      onStep: (m) => { if (m.step === 7) throw new Error("power cut"); } }).catch(() => undefined);
    partial.dispose();
    // Steps 2, 4, 6 were saved; only the newest two remain, and no temporary directory.
    expect(readdirSync(dir).sort()).toEqual(["latest", "step-00000004", "step-00000006"]);

    const again = tinyModel(5);
    const resumed = await train({ ...run, model: again, resumeFrom: dir });
    expect(resumed.losses).toEqual(reference.losses);
    again.dispose();
  });
});

describe("NaN and Inf", () => {
  it("a huge learning rate stops the run with a clear TrainingError", async () => {
    const model = tinyModel(23);
    const error = await train({ ...run, model, lr: 1e30, warmup: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(
      /^training stopped at step 2: the (loss|gradient norm) became (NaN|Infinity|-Infinity) \(learning rate 1e\+30, warmup 0, clip 1\)\. Lower the learning rate or lengthen the warmup\. No checkpoint had been written/,
    );
    model.dispose();
  });

  it("an injected NaN restores the last good checkpoint, which still loads", async () => {
    const dir = tempDir();
    const model = tinyModel(24);
    const error = await train({
      ...run, model, checkpointDir: dir, checkpointEvery: 1,
      onStep: (m) => {
        if (m.step === 3) model.variables["ln_f.weight"]!.assign(tf.fill([32], NaN));
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toBe(
      "training stopped at step 3: the loss after the update became NaN (learning rate 0.005, warmup 3, clip 1). " +
        `Lower the learning rate or lengthen the warmup. The model was restored from the last good checkpoint, ${join(dir, "step-00000002")}; go on from it with other settings: %train --from that folder (a new run), or train({ resumeFrom }).`,
    );
    // The poisoned step was not saved; the good one loads and gives a finite loss.
    expect(existsSync(join(dir, "step-00000003"))).toBe(false);
    const loaded = loadCheckpoint(dir);
    expect(loaded.path).toBe(join(dir, "step-00000002"));
    expect(loaded.trainer?.step).toBe(2);
    expect(Number.isFinite((await evaluateLoss(loaded.model, loaded.tokenizer, reversals)).loss)).toBe(true);
    // And the model in memory holds those same weights again.
    expect(model.variables["ln_f.weight"]!.dataSync()).toEqual(loaded.model.variables["ln_f.weight"]!.dataSync());
    loaded.model.dispose();
    model.dispose();
  });
});
