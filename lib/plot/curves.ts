/**
 * Training curves of recorded runs: each source (a run id or unique prefix, a Run, or
 * anything holding a `runId`, such as a stage result) is opened in the run registry and its
 * loss per step drawn (builders.ts trainingCurves). The one call behind `%plot curves`.
 */
import { UsageError } from "../errors.ts";
import { openRun, Run, runsDir } from "../runs/registry.ts";
import { trainingCurves } from "./builders.ts";
import type { Figure } from "./figure.ts";

export type CurveSource = string | Run | { runId?: string };

export function runCurves(sources: readonly CurveSource[], options: { title?: string; logY?: boolean; runs?: string } = {}): Figure {
  const series = sources.map((source) => {
    if (typeof source !== "string" && !(source instanceof Run) && typeof source?.runId !== "string") {
      throw new UsageError("a curve source must be a run id, a run, or a training result recorded as a run");
    }
    const run = source instanceof Run ? source : openRun(typeof source === "string" ? source : source.runId!, options.runs ?? runsDir());
    return { name: `${run.record.name} (${run.id})`, ...run.lossCurve() };
  });
  return trainingCurves(series, { title: options.title ?? "Training loss", logY: options.logY });
}
