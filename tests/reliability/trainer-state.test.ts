/**
 * Issue 11 item 4 (part): a hand-edited or damaged trainer_state.json is refused on resume with
 * one DataError naming the file and the field — never "completes" without training, never a
 * TypeError, never a silently different curve.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../lib/errors.ts";
import { latestCheckpoint } from "../../lib/model/checkpoint.ts";
import { train } from "../../lib/train/trainer.ts";
import { useTestBackend } from "../train/backend.ts";
import { charTokenizer, reversals, tinyModel } from "../train/fixtures.ts";

let stateFile: string;
let original: Record<string, unknown>;
const base = { tokenizer: charTokenizer, data: reversals, batchSize: 4, lr: 1e-2, steps: 6 };

beforeAll(async () => {
  await useTestBackend();
  const root = mkdtempSync(join(tmpdir(), "symtune-state-"));
  await train({ ...base, model: tinyModel(1), steps: 3, checkpointDir: root });
  stateFile = join(latestCheckpoint(root)!, "trainer_state.json");
  original = JSON.parse(readFileSync(stateFile, "utf8"));
});

describe("trainer_state.json is validated on resume", () => {
  it.each([
    ["step", { step: "abc" }, /step/],
    ["step", { step: 1e9 }, /step 1000000000 is outside/],
    ["cursor", { cursor: null }, /cursor/],
    ["cursor.batch", { cursor: { epoch: 0, batch: -2 } }, /cursor\.batch/],
    ["losses", { losses: [1, 2] }, /2 losses for 3 steps/],
    ["losses[1]", { losses: [2.5, "NaN", 2.1] }, /loss of step 2/],
  ])("refuses a bad %s with a DataError naming file and field", async (field, patch, message) => {
    const root = join(stateFile, "..");
    writeFileSync(stateFile, JSON.stringify({ ...original, ...patch }));
    try {
      const run = train({ ...base, model: tinyModel(1), resumeFrom: root });
      await expect(run).rejects.toThrow(DataError);
      await expect(run).rejects.toThrow(message);
      const error = await run.catch((e: DataError) => e);
      expect(String((error as Error).message)).toContain("trainer_state.json");
      if (field !== "step" || typeof (patch as { step: unknown }).step === "number") expect(String((error as Error).message)).toContain(field);
    } finally {
      writeFileSync(stateFile, JSON.stringify(original));
    }
  });

  it("resumes from the untouched state", async () => {
    const result = await train({ ...base, model: tinyModel(1), resumeFrom: join(stateFile, "..") });
    expect(result.step).toBe(6);
    expect(result.losses).toHaveLength(6);
  });
});
