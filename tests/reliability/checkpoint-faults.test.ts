/**
 * Issue 11 item 4 (part): a crash at any filesystem step of a checkpoint save — including
 * re-saving the same step — leaves a complete checkpoint that `latest` resolution finds, equal
 * bit for bit to the old or the new one. The crash is injected by making the k-th filesystem
 * call of the save throw (k = 1, 2, … until a save runs through), which stops the sequence
 * exactly there, as a kill would.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { latestCheckpoint, readCheckpoint, saveCheckpoint } from "../../lib/model/checkpoint.ts";
import { useTestBackend } from "../train/backend.ts";
import { charTokenizer, tinyModel } from "../train/fixtures.ts";

beforeAll(async () => {
  await useTestBackend();
});

const MUTATING = ["writeFileSync", "renameSync", "rmSync", "mkdirSync"] as const;

/** Runs `work` with the k-th mutating fs call throwing; true when work finished before call k. */
function crashAt(k: number, work: () => void): boolean {
  const originals = MUTATING.map((name) => [name, fs[name]] as const);
  let calls = 0;
  for (const [name, original] of originals) {
    (fs as Record<string, unknown>)[name] = (...args: unknown[]) => {
      if (++calls === k) throw new Error(`injected crash at call ${k} (${name})`);
      return (original as (...a: unknown[]) => unknown)(...args);
    };
  }
  syncBuiltinESMExports();
  try {
    work();
    return true;
  } catch (error) {
    if (!String(error).includes("injected crash")) throw error;
    return false;
  } finally {
    for (const [name, original] of originals) (fs as Record<string, unknown>)[name] = original;
    syncBuiltinESMExports();
  }
}

describe("checkpoint saves survive a crash at every filesystem step", () => {
  for (const resave of [false, true]) {
    it(resave ? "re-saving the same step" : "saving a new step", () => {
      const old = tinyModel(1);
      const next = tinyModel(2);
      const weightsOf = (m: ReturnType<typeof tinyModel>) => Object.values(m.variables).map((v) => Array.from(v.dataSync() as Float32Array));
      let k = 1;
      for (; k < 200; k++) {
        const root = fs.mkdtempSync(join(tmpdir(), "symtune-ckpt-faults-"));
        saveCheckpoint(root, { model: old, tokenizer: charTokenizer, trainer: { step: 5, tag: "old" } as never });
        const finished = crashAt(k, () => saveCheckpoint(root, { model: next, tokenizer: charTokenizer, trainer: { step: resave ? 5 : 6, tag: "new" } as never }));
        const found = latestCheckpoint(root);
        expect(found, `crash at call ${k}: no checkpoint found`).toBeDefined();
        const loaded = readCheckpoint(found!);
        const tag = (loaded.trainer as { tag: string }).tag;
        expect(["old", "new"]).toContain(tag);
        const expected = weightsOf(tag === "old" ? old : next);
        const got = Object.keys(old.variables).map((name) => Array.from(loaded.weights[name]!.data as Float32Array));
        expect(got, `crash at call ${k}: weights differ from the ${tag} model`).toEqual(expected);
        if (finished) {
          expect(tag).toBe("new");
          break;
        }
      }
      expect(k).toBeGreaterThan(3); // the save has several steps, and every one was crashed at
    });
  }
});
