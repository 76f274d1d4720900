import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displaySymbol } from "../../lib/display/protocol.ts";
import type { Row } from "../../lib/collections/types.ts";
import { Figure } from "../../lib/plot/figure.ts";
import { closeStaticExport } from "../../lib/plot/static.ts";
import type { Table } from "../../lib/display/table.ts";
import { openRun } from "../../lib/runs/registry.ts";
import type { StageResult } from "../../lib/train/stages.ts";
import type { EvalReport } from "../../lib/eval/evaluate.ts";
import "../../kernel/magics/index.ts";
import { magicHelp, runCellMagic, runLineMagic } from "../../kernel/magics/registry.ts";
import { recordingContext } from "../magics/context.ts";

const dir = mkdtempSync(join(tmpdir(), "symtune-magics-"));
let previous: string | undefined;
beforeAll(() => {
  previous = process.env.SYMTUNE_RUNS_DIR;
  process.env.SYMTUNE_RUNS_DIR = join(dir, "runs");
});
afterAll(async () => {
  if (previous === undefined) delete process.env.SYMTUNE_RUNS_DIR;
  else process.env.SYMTUNE_RUNS_DIR = previous;
  await closeStaticExport();
});

function rows(kind: string, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    task: kind, domain: kind, form: "text", instruction: "", input: `${kind} ${i}`, output: `out ${i % 3}`, split: "train" as const, meta: {},
  }));
}

const scope: Record<string, unknown> = { sym: rows("sym", 40), gen: rows("gen", 30), test: rows("sym", 4) };

function cells(table: unknown): string[][] {
  return (table as Table).cells();
}

describe("%train, %eval, %runs, %plot in a notebook session", () => {
  it("%%train reads its config body and records the run", async () => {
    const ctx = recordingContext(scope);
    const body = "stage: injection\ndata: sym\nsteps: 2\nbatch-size: 4   # small\nblock-size: 32\nseed: 4";
    const result = (await runCellMagic("train", "--as base", body, ctx)) as StageResult;
    expect(result).toBe(scope.base); // the magic returns what --as stores: a value that displays itself
    expect(JSON.stringify(await result[displaySymbol]())).toContain("injection");
    const table = result.summary();
    expect(table.columns.slice(0, 4)).toEqual(["run", "stage", "status", "steps"]);
    expect(cells(table)[0]!.slice(1, 4)).toEqual(["injection", "completed", "2"]);
    const base = scope.base as StageResult;
    expect(openRun(base.runId!).record).toMatchObject({ stage: "injection", seed: 4 });
  });

  it("%train infusion starts from the %train result and links the runs", async () => {
    const ctx = recordingContext(scope);
    await runLineMagic("train", "--stage infusion --from base --data sym --general gen --steps 2 --batch-size 4 --as inst", ctx);
    const inst = scope.inst as StageResult;
    expect(openRun(inst.runId!).record.parent).toBe((scope.base as StageResult).runId);
    expect(inst.counts).toEqual({ symbolic: 25, general: 30 }); // 30 × 1.84 = 55 → 25 : 30
  });

  it("says what is wrong with a config body or a missing --from", async () => {
    const ctx = recordingContext(scope);
    await expect(runCellMagic("train", "", "stage: injection\nsteps: lots", ctx)).rejects.toThrow("%%train: steps expects an integer, got 'lots'");
    await expect(runCellMagic("train", "", "stag: injection", ctx)).rejects.toThrow('%%train: unknown config key "stag"');
    // A value typed on the line (even the default's) and another in the body: named, never silently picked.
    await expect(runCellMagic("train", "--steps 200", "stage: injection\ndata: sym\nsteps: 50", ctx)).rejects.toThrow(
      "%%train: steps is 200 on the %%train line but 50 in the body; give it in one place",
    );
    const help = magicHelp("train");
    expect(help).toContain("an option both typed on the %%train line and set to another");
    expect(help).toMatch(/--batch-size BATCH_SIZE\s+examples per micro-batch \(one forward\/backward pass\); one optimizer step sees batch-size × accumulate examples \(at least 1; default: 16\)/);
    await expect(runLineMagic("train", "--stage infusion --data sym --general gen", ctx)).rejects.toThrow("%train: infusion stage needs a model to start from (from, --from)");
    await expect(runLineMagic("train", "--stage injection --data nothing", ctx)).rejects.toThrow('--data "nothing" is not a collection');
  });

  it("%eval scores a model on rows and records the result in its run", async () => {
    const ctx = recordingContext(scope);
    const report = (await runLineMagic("eval", "inst --on test --name smoke --as report", ctx)) as EvalReport;
    expect(report).toBe(scope.report);
    const table = report.table();
    expect(table.columns).toContain("accuracy");
    expect(cells(table)[0]![0]).toBe("sym");
    const evals = openRun((scope.inst as StageResult).runId!).metrics().filter((m) => m.kind === "eval");
    expect(evals.at(-1)).toHaveProperty("smoke_accuracy");
    await expect(runLineMagic("eval", "inst", ctx)).rejects.toThrow("%eval: give exactly one of --on VAR, --icl or --flipped");
  });

  it("%runs lists and compares; %plot draws curves from runs and saves them", async () => {
    const ctx = recordingContext(scope);
    const list = (await runLineMagic("runs", "list", ctx)) as Table;
    expect(cells(list)).toHaveLength(2);
    const ids = cells(list).map((r) => r[0]!);
    const compare = (await runLineMagic("runs", `compare ${ids.join(" ")}`, ctx)) as Table;
    expect(cells(compare).map((r) => r[2])).toEqual(["injection", "infusion"]);
    const out = join(dir, "curves.html");
    const fig = (await runLineMagic("plot", `curves ${ids.join(" ")} --save ${out}`, ctx)) as Figure;
    expect(fig).toBeInstanceOf(Figure);
    expect(fig.data).toHaveLength(2);
    expect(existsSync(out)).toBe(true);
    expect(ctx.printed.join("")).toContain(`saved ${out}`);
  });

  it("%plot builds the two-stage scatter from a results variable", async () => {
    const ctx = recordingContext({ ...scope, points: [{ model: "base", symbolic: 10, general: 40 }, { model: "injection", symbolic: [60, 62], general: [30, 31] }] });
    const fig = (await runLineMagic("plot", "scatter points --title demo", ctx)) as Figure;
    const bundle = (await fig[displaySymbol]()) as Record<string, unknown>;
    expect(Object.keys(bundle)).toContain("application/vnd.plotly.v1+json");
    await expect(runLineMagic("plot", "scatter nothing", ctx)).rejects.toThrow('%plot: "nothing" is not an array of results');
  });

  it("documents itself through %name?", () => {
    expect(magicHelp("train")).toContain("--stage");
    expect(magicHelp("eval")).toContain("--icl");
  });
});
