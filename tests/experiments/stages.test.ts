import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Row } from "../../lib/collections/types.ts";
import { openRun } from "../../lib/runs/registry.ts";
import { Batcher } from "../../lib/prompts/batch.ts";
import { encodeExample, type EncodedExample } from "../../lib/prompts/encode.ts";
import {
  injectionStage,
  planInfusion,
  planInjection,
  planOneStage,
  planSymbolTune,
  type StagePlan,
} from "../../lib/train/stages.ts";

function rows(kind: string, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    task: kind,
    domain: kind,
    form: kind === "symbolic" ? "SCAN actions" : "text",
    instruction: kind === "symbolic" ? "Act:" : "Say:",
    input: `${kind} ${i}`,
    output: kind === "symbolic" ? `I_WALK x${i % 7}` : `word ${i % 5}`,
    split: "train" as const,
    meta: {},
  }));
}

const symbolic = rows("symbolic", 300);
const general = rows("general", 200);
const small = { steps: 2, batchSize: 4, preset: "tiny", live: false } as const;

/** The kinds of the examples in the trainer's first `k` batches (same Batcher, same seed). */
function firstBatchKinds(plan: StagePlan, batchSize: number, seed: number, k: number): string[][] {
  const encoded = plan.examples.map((e) => encodeExample(plan.tokenizer, e, plan.model.config.blockSize));
  const kindOf = new Map<EncodedExample, string>(encoded.map((e, i) => [e, plan.kinds[i]!]));
  const batcher = new Batcher(encoded, batchSize, seed);
  return Array.from({ length: k }, () => batcher.next().map((e) => kindOf.get(e)!));
}

function weightsOf(plan: { model: StagePlan["model"] }): Record<string, number[]> {
  return Object.fromEntries(Object.entries(plan.model.variables).map(([n, v]) => [n, Array.from(v.dataSync())]));
}

describe("stage data mixtures", () => {
  it("infusion mixes symbolic : general at 0.84 : 1 by default, exactly in the data", async () => {
    const runs = mkdtempSync(join(tmpdir(), "symtune-stages-"));
    const injection = await injectionStage({ ...small, symbolic, runs, seed: 1 });
    const plan = await planInfusion({ ...small, from: injection, symbolic, general, runs });
    // n = general × (1 + 0.84) = 368; symbolic = 368 × 0.84 / 1.84 = 168, general = 200
    expect(plan.counts).toEqual({ symbolic: 168, general: 200 });
    expect(plan.kinds).toHaveLength(plan.examples.length);
    plan.model.dispose();
  });

  it("a stated ratio holds in what the trainer sees, within sampling error", async () => {
    const ratio = 0.5; // symbolic share 1/3
    const plan = await planOneStage({ ...small, symbolic, general, ratio, n: 600, seed: 7 });
    expect(plan.counts).toEqual({ symbolic: 200, general: 400 });
    // The trainer buckets batches by length, so examples within a batch are correlated (here
    // symbolic and general rows differ in length): the sampling unit is the batch.
    const batches = firstBatchKinds(plan, 8, 7, 50); // 50 of the epoch's 75 batches
    const shares = batches.map((b) => b.filter((k) => k === "symbolic").length / b.length);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    const sd = Math.sqrt(shares.reduce((a, s) => a + (s - mean) ** 2, 0) / (shares.length - 1) / shares.length);
    expect(Math.abs(mean - 1 / 3)).toBeLessThan(3 * sd);
    const seen = batches.flat();
    expect(seen.filter((k) => k === "symbolic").length).toBeGreaterThan(0);
    plan.model.dispose();
  });

  it("one-stage sees both kinds from the start: no phase of one kind first", async () => {
    const plan = await planOneStage({ ...small, symbolic, general, seed: 3 });
    const firstSteps = firstBatchKinds(plan, 16, 3, 8).flat();
    expect(new Set(firstSteps)).toEqual(new Set(["symbolic", "general"]));
    plan.model.dispose();
  });

  it("symbol tuning mixes in instruction data at the given ratio", async () => {
    const plan = await planSymbolTune({ ...small, prompts: symbolic, instruction: general, instructionRatio: 3, n: 400 });
    expect(plan.counts).toEqual({ "symbol-tune": 300, instruction: 100 });
    plan.model.dispose();
  });

  it("says which part is empty", async () => {
    await expect(planInjection({ ...small, symbolic: [] })).rejects.toThrow(
      'injection stage: "symbolic" has no rows; give it a collection with at least one row',
    );
  });
});

describe("two-stage tuning", () => {
  it("infusion starts from the injection checkpoint: weights equal at step 0, run linked", async () => {
    const runs = mkdtempSync(join(tmpdir(), "symtune-stages-"));
    const injection = await injectionStage({ ...small, symbolic, runs, seed: 2 });
    expect(injection.train.stopped).toBe("completed");
    const trained = weightsOf(injection);

    const byResult = await planInfusion({ ...small, from: injection, symbolic, general, runs });
    expect(weightsOf(byResult)).toEqual(trained);
    expect(byResult.parent).toBe(injection.runId);
    byResult.model.dispose();

    const byId = await planInfusion({ ...small, from: injection.runId!, symbolic, general, runs });
    expect(weightsOf(byId)).toEqual(trained);
    byId.model.dispose();

    // A fresh one-stage model is not the injection model.
    const fresh = await planOneStage({ ...small, symbolic, general, seed: 2 });
    expect(weightsOf(fresh)).not.toEqual(trained);
    fresh.model.dispose();

    const record = openRun(injection.runId!, runs);
    expect(record.record).toMatchObject({ stage: "injection", seed: 2 });
    expect(record.lossCurve().steps).toEqual([1, 2]);
    expect(record.summary()).toMatchObject({ status: "completed", steps: 2 });
  });

  it("an aborted stage keeps its model and checkpoint and records the interrupt", async () => {
    const runs = mkdtempSync(join(tmpdir(), "symtune-stages-"));
    const controller = new AbortController();
    const result = await injectionStage({
      ...small,
      steps: 50,
      symbolic,
      runs,
      signal: controller.signal,
      onStep: (step) => step === 1 && controller.abort(),
    });
    expect(result.train.stopped).toBe("interrupted");
    expect(result.train.step).toBe(1);
    expect(result.checkpoint).toContain(join(result.run!.dir, "checkpoints"));
    expect(result.run!.summary()?.status).toBe("interrupted");
    const resumed = await planInfusion({ ...small, from: result, symbolic, general, runs });
    expect(weightsOf(resumed)).toEqual(weightsOf(result));
    resumed.model.dispose();
  });
});
