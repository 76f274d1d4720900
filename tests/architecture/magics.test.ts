/**
 * Thin magics: every domain magic file stays short, and each magic's job is one library call a
 * plain-TypeScript user can make. Each magic below runs both ways on the same inputs and the
 * results are compared.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collection } from "../../lib/collections/collection.ts";
import { openCollection } from "../../lib/collections/registry.ts";
import type { EvalReport } from "../../lib/eval/evaluate.ts";
import { evaluateModel } from "../../lib/eval/model.ts";
import { symbolicVsGeneral } from "../../lib/plot/builders.ts";
import { runCurves } from "../../lib/plot/curves.ts";
import type { Figure } from "../../lib/plot/figure.ts";
import { runsListTable } from "../../lib/runs/views.ts";
import { trainStage, type StageResult } from "../../lib/train/stages.ts";
import { symbolEvol } from "../../lib/transforms/evol.ts";
import { symbolTunePrompts } from "../../lib/transforms/symbol-tune.ts";
import type { Table } from "../../lib/display/table.ts";
import "../../kernel/magics/index.ts";
import { runLineMagic } from "../../kernel/magics/registry.ts";
import { recordingContext } from "../magics/context.ts";

const magicsDir = resolve(import.meta.dirname, "../../kernel/magics");
/** The magics' shared machinery, not domain magics. */
const INFRASTRUCTURE = new Set(["body.ts", "extensions.ts", "index.ts", "parse.ts", "registry.ts", "scope.ts", "types.ts"]);

const runs = mkdtempSync(join(tmpdir(), "symtune-both-ways-"));
let previous: string | undefined;
beforeAll(() => {
  previous = process.env.SYMTUNE_RUNS_DIR;
  process.env.SYMTUNE_RUNS_DIR = runs;
});
afterAll(() => {
  if (previous === undefined) delete process.env.SYMTUNE_RUNS_DIR;
  else process.env.SYMTUNE_RUNS_DIR = previous;
});

describe("domain magics", () => {
  it("are each at most 80 lines", () => {
    const files = readdirSync(magicsDir).filter((f) => f.endsWith(".ts") && !INFRASTRUCTURE.has(f));
    expect(files).toContain("train.ts");
    const long = files.map((f) => [f, readFileSync(join(magicsDir, f), "utf8").trimEnd().split("\n").length] as const).filter(([, n]) => n > 80);
    expect(long).toEqual([]);
  });
});

describe("each magic's job, both ways (magic and plain TypeScript give the same result)", () => {
  const scope: Record<string, unknown> = {};
  const ctx = () => recordingContext(scope);

  it("%collection load = openCollection", async () => {
    const magic = (await runLineMagic("collection", "load scan --n 24 --seed 3 --as scan", ctx())) as Collection;
    const plain = await openCollection("scan", { n: 24, seed: 3 });
    expect(magic.rows).toEqual(plain.rows);
  });

  it("%evol = symbolEvol", async () => {
    const magic = (await runLineMagic("evol", "scan --rate 1 --seed 2 --as evolved", ctx())) as Collection;
    const plain = symbolEvol(scope.scan as Collection, { rate: 1, seed: 2 }).collection;
    expect(magic.rows).toEqual(plain.rows);
  });

  it("%symbol_tune = symbolTunePrompts", async () => {
    const magic = (await runLineMagic("symbol_tune", "--eval --k 1 --n 2 --seed 5 --symbol-labels --as icl", ctx())) as Collection;
    const plain = symbolTunePrompts({ eval: true, k: 1, n: 2, seed: 5, symbolLabels: true });
    expect(magic.rows).toEqual(plain.rows);
  });

  it("%train = trainStage, %eval = evaluateModel, %plot curves = runCurves", async () => {
    const line = "--stage injection --data scan --steps 2 --batch-size 4 --seed 1 --block-size 64 --as model";
    const magic = (await runLineMagic("train", line, ctx())) as StageResult;
    const plain = await trainStage("injection", { data: scope.scan as Collection, steps: 2, batchSize: 4, seed: 1, model: { blockSize: 64 }, live: false });
    expect(magic.train.losses).toEqual(plain.train.losses);
    expect(magic.train.config).toEqual(plain.train.config);
    expect(magic.counts).toEqual(plain.counts);

    scope.few = (scope.scan as Collection).rows.slice(0, 4);
    const report = (await runLineMagic("eval", "model --on few", ctx())) as EvalReport;
    const direct = (await evaluateModel(plain, { on: scope.few as Collection["rows"], name: "few" })) as EvalReport;
    expect(report.scored.map((s) => s.prediction)).toEqual(direct.scored.map((s) => s.prediction));
    expect(report.accuracy).toBe(direct.accuracy);
    const curves = (await runLineMagic("plot", "curves model --title loss", ctx())) as Figure;
    expect(curves.toJSON()).toEqual(runCurves([magic], { title: "loss" }).toJSON());
    magic.model.dispose();
    plain.model.dispose();
  });

  it("%runs list = runsListTable", async () => {
    const magic = (await runLineMagic("runs", "list", ctx())) as Table;
    expect(magic.cells()).toEqual((await runsListTable()).cells());
  });

  it("%plot scatter = symbolicVsGeneral", async () => {
    scope.points = [{ model: "base", symbolic: 20, general: 40 }, { model: "inst", symbolic: 60, general: 38 }];
    const magic = (await runLineMagic("plot", "scatter points --title t", ctx())) as Figure;
    const plain = symbolicVsGeneral(scope.points as never, { title: "t" });
    expect(magic.toJSON()).toEqual(plain.toJSON());
  });
});
