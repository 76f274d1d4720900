/**
 * Issue 11 item 4, with real crashes: a training process killed with SIGKILL at arbitrary
 * instants — right after a step is reported, when the checkpoint of that step is being written
 * — always leaves a checkpoint the next process continues from, and the curve after all the
 * kills equals the uninterrupted one to the bit (SQLite's promise: a crash at any instant loses
 * nothing committed). checkpoint-faults.test.ts throws at each filesystem call; this kills.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { latestCheckpoint } from "../../lib/model/checkpoint.ts";

const STEPS = 24;
const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);

/** A trainer process: resumes from `dir` when it holds a checkpoint, prints each step, then its losses. */
const script = (dir: string) => `
  import { existsSync } from "node:fs";
  import { latestCheckpoint } from ${url("../../lib/model/checkpoint.ts")};
  import { train } from ${url("../../lib/train/trainer.ts")};
  import { useTestBackend } from ${url("../train/backend.ts")};
  import { charTokenizer, reversals, tinyModel } from ${url("../train/fixtures.ts")};
  await useTestBackend();
  const dir = ${JSON.stringify(dir)};
  const result = await train({
    model: tinyModel(7), tokenizer: charTokenizer, data: reversals, batchSize: 3, lr: 5e-3, steps: ${STEPS}, seed: 2,
    checkpointDir: dir, checkpointEvery: 1, keepCheckpoints: 2, resumeFrom: latestCheckpoint(dir) ? dir : undefined,
    onStep: (m) => console.log("step " + m.step),
  });
  console.log("losses " + JSON.stringify(result.losses));
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs a trainer on `dir`; with `killAfter`, SIGKILLs it `delayMs` after it reports a step ≥ killAfter. Resolves with its losses, or null when killed. */
function trainer(dir: string, kill?: { afterStep: number; delayMs: number }): Promise<number[] | null> {
  // One thread: the kills must not change the arithmetic (the thread count otherwise follows the load).
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(dir)], {
    env: { ...process.env, SYMTUNE_THREADS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  let losses: number[] | null = null;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const step = /^step (\d+)$/.exec(line);
    if (step && kill && Number(step[1]) >= kill.afterStep && child.exitCode === null) setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
    if (line.startsWith("losses ")) losses = JSON.parse(line.slice(7));
  });
  return new Promise((resolve, reject) =>
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve(null);
      else if (code === 0 && losses) resolve(losses);
      else reject(new Error(`trainer exited ${code}:\n${stderr}`));
    }),
  );
}

describe("kill -9 at any instant of training and saving", () => {
  it("always leaves a checkpoint to continue from, and the curve equals the uninterrupted one", async () => {
    const reference = mkdtempSync(join(tmpdir(), "symtune-killsave-ref-"));
    const victim = mkdtempSync(join(tmpdir(), "symtune-killsave-"));
    dirs.push(reference, victim);
    const want = await trainer(reference);
    // Each kill lands at another point after a reported step: in the save that follows it, or in the next step.
    const kills = [0, 1, 3, 0, 2, 6];
    let reached = 0;
    for (const [i, delayMs] of kills.entries()) {
      const afterStep = reached + 2 + (i % 2);
      const got = await trainer(victim, { afterStep, delayMs });
      if (got) break; // it finished before the kill landed
      // Step k is reported after step k − 1 was saved: that save, at least, must be there.
      const latest = latestCheckpoint(victim);
      expect(latest, `after kill ${i + 1}`).toBeDefined();
      reached = Number(/step-(\d+)/.exec(latest!)![1]);
      expect(reached, `after kill ${i + 1}`).toBeGreaterThanOrEqual(afterStep - 1);
    }
    const got = (await trainer(victim)) ?? [];
    expect(got).toHaveLength(STEPS);
    expect(got).toEqual(want);
  });
});
