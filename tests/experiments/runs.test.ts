import { appendFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { displaySymbol } from "../../lib/display/protocol.ts";
import type { StepRecord } from "../../lib/runs/metrics.ts";
import { createRun, listRuns, openRun } from "../../lib/runs/registry.ts";
import { compareRunsTable, runsListTable, showRunTable } from "../../lib/runs/views.ts";

/** A trainer step record (the one metrics shape) with the given step and loss. */
function stepLine(step: number, loss: number): StepRecord {
  return { kind: "step", step, steps: 2, epoch: 0, loss, lr: 1e-3, gradNorm: 0.5, tokens: 10, tokensPerSecond: 100, elapsedSeconds: step };
}

function freshRoot(): string {
  return mkdtempSync(join(tmpdir(), "symtune-runs-"));
}

describe("run registry", () => {
  it("keeps config, seed, backend, per-step and per-eval metrics and a checkpoint folder", () => {
    const root = freshRoot();
    const run = createRun(
      { name: "injection", stage: "injection", seed: 3, backend: "wasm", config: { steps: 10, lr: 1e-3 } },
      root,
    );
    run.log(stepLine(1, 3.5));
    run.log(stepLine(2, 3.1));
    run.logEval(2, { symbolic: 12.5 });
    run.finish({ status: "completed", wallSeconds: 4.2, steps: 2, finalLoss: 3.1, metrics: { symbolic: 12.5 } });

    const config = JSON.parse(readFileSync(join(run.dir, "config.json"), "utf8"));
    expect(config).toMatchObject({ id: run.id, stage: "injection", seed: 3, backend: "wasm", config: { lr: 1e-3 } });
    expect(existsSync(run.checkpointDir)).toBe(true);
    const reopened = openRun(run.id, root);
    expect(reopened.lossCurve()).toEqual({ steps: [1, 2], values: [3.5, 3.1] });
    expect(reopened.metrics().filter((m) => m.kind === "eval")).toEqual([{ kind: "eval", step: 2, symbolic: 12.5 }]);
    expect(reopened.summary()?.status).toBe("completed");
  });

  it("lists runs oldest first and opens one by a unique prefix", async () => {
    const root = freshRoot();
    // Started within one second, named so that their ids sort the other way round.
    const a = createRun({ name: "injection", stage: "injection", seed: 0, backend: "cpu", config: {} }, root);
    await new Promise((r) => setTimeout(r, 5));
    const b = createRun({ name: "infusion", stage: "infusion", seed: 0, backend: "cpu", config: {}, parent: a.id }, root);
    expect(listRuns(root).map((r) => r.record.name)).toEqual(["injection", "infusion"]);
    expect(openRun(b.id.slice(0, b.id.length - 2), root).record.parent).toBe(a.id);
    expect(() => openRun("nope", root)).toThrow(`no run "nope" in ${root}`);
  });

  it("tolerates a torn last line (a killed run) but names a corrupt earlier one", () => {
    const root = freshRoot();
    const run = createRun({ name: "x", stage: "s", seed: 1, backend: "cpu", config: {} }, root);
    run.log(stepLine(1, 2));
    appendFileSync(join(run.dir, "metrics.jsonl"), '{"kind":"step","st');
    expect(run.lossCurve().values).toEqual([2]);
    appendFileSync(join(run.dir, "metrics.jsonl"), '\n{"kind":"step","step":3,"loss":1}\n');
    expect(() => run.metrics()).toThrow(`${join(run.dir, "metrics.jsonl")}:2: not valid JSON`);
  });

  it("reads metrics written before the shape was one (snake_case step lines) as today's records", () => {
    const run = createRun({ name: "old", stage: "s", seed: 1, backend: "cpu", config: {} }, freshRoot());
    appendFileSync(join(run.dir, "metrics.jsonl"), '{"kind":"step","step":1,"loss":2.5,"lr":0.001,"grad_norm":0.7,"tokens_per_s":123}\n');
    const [line] = run.metrics();
    expect(line).toEqual({ kind: "step", step: 1, loss: 2.5, lr: 0.001, gradNorm: 0.7, tokensPerSecond: 123 });
  });

  it("rejects a non-integer seed", () => {
    expect(() => createRun({ name: "x", stage: "s", seed: 1.5, backend: "cpu", config: {} }, freshRoot())).toThrow(
      'run "x": seed must be an integer, got 1.5',
    );
  });

  it("renders list, compare and show as tables", async () => {
    const root = freshRoot();
    const a = createRun({ name: "base", stage: "injection", seed: 0, backend: "wasm", config: { steps: 5 } }, root);
    a.finish({ status: "completed", wallSeconds: 1, steps: 5, finalLoss: 1.25, metrics: { symbolic: 50 } });
    const b = createRun({ name: "inst", stage: "infusion", seed: 0, backend: "wasm", config: { steps: 5 } }, root);
    b.logEval(5, { general: 30, symbolic: 52.282722502999995 });

    const list = await runsListTable(root);
    expect(list.cells().map((r) => r[0])).toEqual([a.id, b.id]);
    const html = list[displaySymbol]()["text/html"] as string;
    expect(html).toMatch(/<th[^>]*>status<\/th>/);
    expect(html).toMatch(/<td[^>]*>running<\/td>/);

    const compare = await compareRunsTable([a.id, b.id], root);
    expect(compare.columns).toContain("symbolic");
    const show = await showRunTable(b.id, root);
    expect(show.cells()).toContainEqual(["eval@5.general", "30"]);
    expect(show.cells()).toContainEqual(["eval@5.symbolic", "52.28"]); // rounded, not 52.282722502999995
    expect(show.cells()).toContainEqual(["config.steps", "5"]);
    expect(() => compareRunsTable([], root)).toThrow("%runs compare needs at least one run id");
  });
});
