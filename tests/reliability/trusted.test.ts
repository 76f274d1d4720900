/**
 * Issue 11 items 3 and 4: what a resume trusts. A checkpoint is called good only with finite
 * weights; a checkpoint read to continue from must hold finite weights and moments, moments
 * that belong to the weights, and trainer settings and a model config equal to its run's —
 * each a DataError naming file and field. A resume that would not continue the same run (other
 * rows, other settings, another stage, a run still running or already done, a name that is no
 * run) is one UsageError saying what would be right. Real training runs on the real backend.
 */
import * as tf from "@tensorflow/tfjs";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../../lib/collections/types.ts";
import { DataError, TrainingError, UsageError } from "../../lib/errors.ts";
import { latestCheckpoint } from "../../lib/model/checkpoint.ts";
import { encodeSafetensors, readSafetensors } from "../../lib/model/safetensors.ts";
import { createRun, listRuns } from "../../lib/runs/registry.ts";
import { resumeStage } from "../../lib/train/resume.ts";
import { trainStage } from "../../lib/train/stages.ts";
import { train } from "../../lib/train/trainer.ts";
import { useTestBackend } from "../train/backend.ts";
import { charTokenizer, reversals, tinyModel } from "../train/fixtures.ts";

const rows = (n: number, tag = "w"): Row[] =>
  Array.from({ length: n }, (_, i) => ({ task: "copy", domain: "test", form: "text", instruction: "copy", input: "", output: `${tag}${i}`, split: "train", meta: {} }));
const data = rows(12);
const settings = { steps: 8, batchSize: 2, checkpointEvery: 2, lr: 0.003, preset: "tiny", live: false } as const;

let pristine: string; // a runs folder holding one run stopped at step 4, copied for each test
let id: string;

beforeAll(async () => {
  await useTestBackend();
  pristine = mkdtempSync(join(tmpdir(), "symtune-trusted-"));
  const stop = new AbortController();
  const result = await trainStage("injection", { ...settings, data, runs: pristine, signal: stop.signal, onStep: (step) => step === 4 && stop.abort() });
  expect(result.train.stopped).toBe("interrupted");
  id = result.runId!;
  result.model.dispose();
});

/** A private copy of the stopped run: its folder and its latest checkpoint. */
function copy(): { runs: string; ckpt: string } {
  const runs = mkdtempSync(join(tmpdir(), "symtune-trusted-copy-"));
  cpSync(pristine, runs, { recursive: true });
  return { runs, ckpt: latestCheckpoint(join(runs, id, "checkpoints"))! };
}

function editJson(file: string, edit: (value: Record<string, any>) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8"));
  edit(value);
  writeFileSync(file, JSON.stringify(value));
}

function editTensors(file: string, edit: (tensors: Record<string, any>) => void): void {
  const { tensors } = readSafetensors(file);
  edit(tensors);
  writeFileSync(file, encodeSafetensors(tensors));
}

async function refusal(runs: string, options: Record<string, unknown> = {}, ref = id): Promise<Error> {
  const error = await resumeStage(ref, { data, runs, live: false, ...options }).then(
    (r) => (r.model.dispose(), new Error("resumed")),
    (e: Error) => e,
  );
  return error;
}

describe("a checkpoint is trusted only when it can be", () => {
  it("a weight that turned NaN where no batch looks is caught before the save; the last good checkpoint stays", async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-nan-"));
    const model = tinyModel(3, 16);
    // Position 15 is past the longest example: the loss never reads that row of wpe.
    const poison = () => model.variables["wpe.weight"]!.assign(tf.tidy(() => tf.concat([model.variables["wpe.weight"]!.slice([0, 0], [15, 32]), tf.fill([1, 32], NaN)])));
    const error = await train({
      model, tokenizer: charTokenizer, data: reversals, batchSize: 4, steps: 6, checkpointDir: dir, checkpointEvery: 1,
      onStep: (m) => void (m.step === 3 && poison()),
    }).then(() => new Error("trained"), (e: Error) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect(error.message).toContain('training stopped at step 3: the weight "wpe.weight" became NaN or infinite');
    expect(error.message).toContain(`restored from the last good checkpoint, ${join(dir, "step-00000002")}`);
    expect(existsSync(join(dir, "step-00000003"))).toBe(false);
    expect(latestCheckpoint(dir)).toBe(join(dir, "step-00000002"));
    expect(Array.from(model.variables["wpe.weight"]!.dataSync()).every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it("train({ resumeFrom }) refuses another micro-batch size or accumulation (the data cursor counts the checkpoint's batches)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-batch-"));
    const base = { tokenizer: charTokenizer, data: reversals, batchSize: 4, steps: 4 };
    const first = tinyModel(5);
    await train({ ...base, model: first, steps: 2, checkpointDir: dir });
    first.dispose();
    const model = tinyModel(5);
    await expect(train({ ...base, model, batchSize: 2, resumeFrom: dir })).rejects.toThrow(
      new UsageError("resumeFrom: batchSize is 4 in the checkpoint's run but 2 now; resume with batchSize: 4 (the data cursor counts its batches)."),
    );
    await expect(train({ ...base, model, accumulate: 2, resumeFrom: dir })).rejects.toThrow(/^resumeFrom: accumulate is 1 in the checkpoint's run but 2 now/);
    expect((await train({ ...base, model, resumeFrom: dir })).step).toBe(4);
    model.dispose();
  });

  const damaged: [string, (ckpt: string, runs: string) => void, string, string][] = [
    ["a NaN weight", (c) => editTensors(join(c, "model.safetensors"), (t) => (t["h.0.ln_1.weight"].data[5] = NaN)), "model.safetensors", "h.0.ln_1.weight"],
    ["an infinite moment", (c) => editTensors(join(c, "optimizer.safetensors"), (t) => (t["v.wte.weight"].data[0] = Infinity)), "optimizer.safetensors", "v.wte.weight"],
    ["a missing moment", (c) => editTensors(join(c, "optimizer.safetensors"), (t) => delete t["m.wpe.weight"]), "optimizer.safetensors", "m.wpe.weight"],
    ["a moment of another shape", (c) => editTensors(join(c, "optimizer.safetensors"), (t) => (t["m.wte.weight"].shape = [...t["m.wte.weight"].shape].reverse())), "optimizer.safetensors", "m.wte.weight"],
    ["a moment of no weight", (c) => editTensors(join(c, "optimizer.safetensors"), (t) => (t["m.lm_head.weight"] = t["m.wpe.weight"])), "optimizer.safetensors", "m.lm_head.weight"],
    ["an edited seed", (c) => editJson(join(c, "trainer_state.json"), (s) => (s.config.seed = 9)), "trainer_state.json", "config.seed"],
    ["an edited learning rate", (c) => editJson(join(c, "trainer_state.json"), (s) => (s.config.lr = 0.5)), "trainer_state.json", "config.lr"],
    ["a model config not the run's", (_c, runs) => editJson(join(runs, id, "config.json"), (r) => (r.config.model.nLayer = 3)), "config.json", "model"],
  ];
  for (const [what, damage, file, field] of damaged) {
    it(`refuses to resume from ${what}: a DataError naming ${file} and ${field}`, async () => {
      const { runs, ckpt } = copy();
      damage(ckpt, runs);
      const error = await refusal(runs);
      expect(error).toBeInstanceOf(DataError);
      const path = file === "config.json" && field === "model" ? join(ckpt, "config.json") : join(ckpt, file);
      expect(error.message.startsWith(`${path} field "${field}": `), error.message).toBe(true);
    });
  }
});

describe("a resume continues the same run or says what would", () => {
  it("refuses other rows, other settings, another stage, and names the rows and settings", async () => {
    const { runs } = copy();
    const other = await refusal(runs, { data: rows(12, "x") });
    expect(other).toBeInstanceOf(UsageError);
    expect(other.message).toMatch(new RegExp(`^the rows given are not the ones run ${id} trained on \\(its mixture: 12 symbolic; now: 12 symbolic\\); give the same rows$`));
    const changed = await refusal(runs, { lr: 0.01, batchSize: 3 });
    expect(changed).toBeInstanceOf(UsageError);
    expect(changed.message).toContain("batchSize (the run's is 2), lr (the run's is 0.003) cannot change");
    const stage = await refusal(runs, { stage: "instruction" });
    expect(stage.message).toBe(`run ${id} trained the injection stage, not instruction; leave the stage out to resume it`);
    expect((await refusal(runs, { from: "elsewhere" })).message).toBe(`a resume continues from run ${id}'s own checkpoint; leave from (--from) out`);
    const missing = await refusal(runs, { data: undefined });
    expect(missing.message).toContain(`give the rows run ${id} trained on`);
  });

  it("refuses a name that is no run (naming the runs there), a checkpoint outside the registry, a live run and a finished one", async () => {
    const { runs } = copy();
    const none = await refusal(runs, {}, "nope");
    expect(none).toBeInstanceOf(UsageError);
    expect(none.message).toBe(`no run "nope" in ${runs} (the newest there: ${id}; \`%runs list\` shows them all)`);
    const outside = mkdtempSync(join(tmpdir(), "symtune-outside-"));
    cpSync(join(runs, id, "checkpoints"), outside, { recursive: true });
    expect((await refusal(runs, {}, outside)).message).toContain("is a checkpoint outside the runs registry");
    const live = createRun({ name: "live", stage: "injection", seed: 0, backend: "wasm", config: {} }, runs);
    expect((await refusal(runs, {}, live.id)).message).toBe(`run ${live.id} is still running (its process is alive); interrupt it before resuming`);
    const done = await resumeStage(id, { data, runs, live: false });
    expect(done.train.stopped).toBe("completed");
    done.model.dispose();
    expect((await refusal(runs)).message).toBe(`run ${id} has trained all 8 of its steps; give more steps (e.g. 16) to train it further`);
    const longer = await resumeStage(id.slice(0, 20), { data, runs, live: false, steps: 10 });
    expect(longer.train.step).toBe(10);
    longer.model.dispose();
    expect(listRuns(runs).map((r) => r.status())).toContain("completed");
  });
});
