/**
 * Issue 11 item 3: `%train --resume RUN` continues a killed run exactly. A real kernel over
 * zeromq trains with a checkpoint every 3 steps and is killed with SIGKILL mid-run; a fresh
 * kernel shows the run as `died`, loads the same rows, resumes it by id, and the resumed run's
 * loss curve equals, to the bit, the curve of the same %train run through without a stop.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResult } from "../../kernel/runner/client.ts";
import { KernelProcess } from "../../kernel/runner/launch.ts";
import { latestCheckpoint } from "../../lib/model/checkpoint.ts";
import { tempHistory, textOf, until } from "../kernel/helpers.ts";

const STEPS = 24;
const LOAD = "%collection load scan --n 60 --seed 3 --quiet --as scan";
const TRAIN = `%train --stage injection --data scan --steps ${STEPS} --batch-size 4 --lr 0.003 --checkpoint-every 3 --preset tiny --seed 5`;

let runs: string;
const kernels: KernelProcess[] = [];

function start(): Promise<KernelProcess> {
  // One thread in both kernels: by default the thread count follows the machine's load, which
  // may differ between the killed kernel and the fresh one (the promise is "same backend, same threads").
  const env = { SYMTUNE_RUNS_DIR: runs, SYMTUNE_HISTORY: tempHistory(), SYMTUNE_THREADS: "1" };
  return KernelProcess.start({ env }).then((k) => (kernels.push(k), k));
}

/** Step → loss from a run's metrics.jsonl (the file a user's plots read). */
function losses(id: string): Map<number, number> {
  const lines = readFileSync(join(runs, id, "metrics.jsonl"), "utf8").split("\n").filter((l) => l.trim());
  const out = new Map<number, number>();
  for (const line of lines) {
    try {
      const m = JSON.parse(line);
      if (m.kind === "step") out.set(m.step, m.loss);
    } catch {
      // the killed process may have left its last line cut short
    }
  }
  return out;
}

async function ok(kernel: KernelProcess, code: string): Promise<ExecuteResult> {
  const result = await kernel.client.execute(code);
  expect(result.reply.content.status, JSON.stringify(result.reply.content)).toBe("ok");
  return result;
}

beforeAll(() => {
  runs = mkdtempSync(join(tmpdir(), "symtune-resume-"));
});
afterAll(async () => {
  for (const k of kernels) await k.kill();
  rmSync(runs, { recursive: true, force: true });
});

describe("%train --resume after kill -9", () => {
  let victim: string;
  let killedAt: Map<number, number>;

  it("a kernel killed mid-run leaves a died run with checkpoints", async () => {
    const a = await start();
    await ok(a, LOAD);
    const training = a.client.execute(`${TRAIN} --name victim`);
    training.catch(() => {}); // its kernel is killed below: no reply comes
    victim = await until(() => readdirSync(runs)[0], "the run folder");
    // Past the checkpoint at step 3 (or a later one), and well before the end.
    await until(() => ((losses(victim).size >= 5) ? true : undefined), "five steps", 60_000);
    a.signal("SIGKILL");
    await a.waitExit();
    killedAt = losses(victim);
    expect(killedAt.size).toBeLessThan(STEPS);
    expect(latestCheckpoint(join(runs, victim, "checkpoints"))).toBeDefined();
  });

  it("a fresh kernel lists it as died, refuses a bad run id in one sentence, and resumes it exactly", async () => {
    const b = await start();
    const listed = textOf((await ok(b, "%runs list")).outputs, "execute_result");
    expect(listed.split("\n").find((l) => l.includes(victim))).toMatch(/\bdied\b/);

    const bad = await b.client.execute("%train --resume no-such-run");
    expect(bad.reply.content.status).toBe("error");
    expect(bad.reply.content.ename).toBe("UsageError");
    expect(bad.reply.content.evalue).toMatch(/^%train --resume: no run "no-such-run" in /);
    expect(bad.reply.content.evalue).toContain(victim); // names the runs that exist
    expect(bad.reply.content.traceback).toHaveLength(1);

    // The run ids complete after --resume, as after --from.
    const completion = await b.client.request("shell", "complete_request", { code: "%train --resume ", cursor_pos: 16 });
    expect(completion.content.matches).toContain(victim);

    const resumedFrom = Number(/step-(\d+)/.exec(latestCheckpoint(join(runs, victim, "checkpoints"))!)![1]);
    await ok(b, LOAD);
    // By a unique prefix of the id; the rows come from the variable the run recorded (scan).
    const resumed = await ok(b, `%train --resume ${victim.slice(0, -2)} --as again`);
    expect(textOf(resumed.outputs, "execute_result")).toMatch(/completed/);
    // Its loss curve shows the whole run, the steps before the kill too.
    const figure = resumed.outputs.filter((m) => m.content.data?.["application/vnd.plotly.v1+json"]).at(-1)!.content.data["application/vnd.plotly.v1+json"];
    expect(figure.data[0].x).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    await ok(b, `${TRAIN} --name reference`);
    const reference = readdirSync(runs).find((d) => d !== victim)!;

    const want = losses(reference);
    const got = losses(victim);
    expect([...want.keys()]).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect([...got.keys()]).toEqual([...want.keys()]); // one line per step: the killed process's extra lines were replaced
    // Same weights, optimizer moments, schedule, seed and data cursor → the same floats.
    for (let step = 1; step <= STEPS; step++) expect(got.get(step), `step ${step} (resumed from ${resumedFrom})`).toBe(want.get(step));
    // The steps the killed process ran past its checkpoint were the uninterrupted curve too.
    for (const [step, loss] of killedAt) expect(loss).toBe(want.get(step));
    expect(resumedFrom).toBeLessThan(STEPS);

    const after = textOf((await ok(b, "%runs list")).outputs, "execute_result");
    expect(after.split("\n").find((l) => l.includes(victim))).toMatch(/\bcompleted\b/);
  });
});
