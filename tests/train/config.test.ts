import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Row } from "../../lib/collections/types.ts";
import { UsageError } from "../../lib/errors.ts";
import { latestCheckpoint } from "../../lib/model/checkpoint.ts";
import { openRun } from "../../lib/runs/registry.ts";
import { resolveTrainConfig, TRAIN_CONFIG_KEYS } from "../../lib/train/config.ts";
import { injectionStage } from "../../lib/train/stages.ts";
import { readTrainerState } from "../../lib/train/state.ts";

const rows: Row[] = Array.from({ length: 12 }, (_, i) => ({
  task: "t", domain: "d", form: "f", instruction: "Copy:", input: `ab${i % 3}`, output: `ab${i % 3}`, split: "train", meta: {},
}));

describe("TrainConfig", () => {
  it("fills every setting, deriving warmup and minLr from steps and lr", () => {
    const config = resolveTrainConfig({ steps: 100, lr: 2e-3 });
    expect(Object.keys(config)).toEqual(TRAIN_CONFIG_KEYS);
    expect(config).toMatchObject({ steps: 100, lr: 2e-3, minLr: 2e-4, warmup: 3, batchSize: 16, accumulate: 1, seed: 0 });
    expect(resolveTrainConfig({ steps: 10 }).warmup).toBe(1); // 3% rounds to 0: at least one warmup step
    expect(resolveTrainConfig({ warmup: 0 }).warmup).toBe(0);
  });

  it("names a wrong value or a misspelt key in one sentence", () => {
    expect(() => resolveTrainConfig({ batchSize: 0 })).toThrow(new UsageError('train option "batchSize" must be a positive integer, got 0.'));
    expect(() => resolveTrainConfig({ lr: -1 })).toThrow('train option "lr" must be a number > 0, got -1.');
    expect(() => resolveTrainConfig({ betas: [0.9, 1.5] })).toThrow('train option "betas" must be two numbers in [0, 1)');
    expect(() => resolveTrainConfig({ stepz: 5 } as never)).toThrow('unknown train option "stepz"; the options are steps, batchSize,');
  });

  it("a run's config.json and its checkpoint's trainer state hold the same resolved object", async () => {
    const runs = mkdtempSync(join(tmpdir(), "symtune-config-"));
    const result = await injectionStage({ symbolic: rows, steps: 2, batchSize: 4, lr: 5e-3, preset: "tiny", live: false, runs, seed: 4 });
    const record = JSON.parse(readFileSync(join(result.run!.dir, "config.json"), "utf8"));
    const stateFile = join(latestCheckpoint(result.run!.checkpointDir)!, "trainer_state.json");
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(record.config.train).toEqual(state.config);
    expect(state.config).toEqual(resolveTrainConfig({ steps: 2, batchSize: 4, lr: 5e-3, seed: 4 }));
    expect(result.train.config).toEqual(state.config);
    // The run's metrics read back through the one record type.
    const steps = openRun(result.runId!, runs).metrics().filter((m) => m.kind === "step");
    expect(steps.map((m) => [m.step, m.steps, Number.isFinite(m.gradNorm)])).toEqual([[1, 2, true], [2, 2, true]]);
    result.model.dispose();
  });

  it("reads a trainer state written before TrainConfig (seed beside options) into today's shape", () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-state-"));
    const file = join(dir, "trainer_state.json");
    const old = {
      step: 3, seed: 11, cursor: { epoch: 0, batch: 3 }, losses: [3, 2.5, 2],
      options: { steps: 10, batchSize: 3, accumulate: 2, lr: 5e-3, warmup: 3, weightDecay: 0.1, clip: 1, betas: [0.9, 0.95] },
    };
    writeFileSync(file, JSON.stringify(old));
    const state = readTrainerState(JSON.parse(readFileSync(file, "utf8")), file)!;
    expect(state.step).toBe(3);
    expect(state.config).toEqual(resolveTrainConfig({ ...old.options, seed: 11 } as never));
    expect(() => readTrainerState({ step: 1 }, file)).toThrow("the trainer state lacks step, cursor, losses or config");
  });
});
