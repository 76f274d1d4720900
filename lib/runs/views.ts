/** Tables over runs for `%runs list|show|compare`. */
import { UsageError } from "../errors.ts";
import { resultsTable, type ResultRow, type ResultsTable } from "../plot/table.ts";
import { listRuns, openRun, runsDir, type Run } from "./registry.ts";

function overviewRow(run: Run): ResultRow {
  const s = run.summary();
  const row: ResultRow = {
    id: run.id,
    name: run.record.name,
    stage: run.record.stage,
    seed: run.record.seed,
    backend: run.record.backend,
    parent: run.record.parent ?? "",
    status: s?.status ?? "running",
    steps: s?.steps ?? null,
    final_loss: s?.finalLoss ?? null,
    wall_s: s ? Number(s.wallSeconds.toFixed(1)) : null,
  };
  for (const [k, v] of Object.entries(s?.metrics ?? {})) row[k] = v;
  return row;
}

export async function runsListTable(root = runsDir()): Promise<ResultsTable> {
  const runs = listRuns(root);
  return resultsTable(runs.map(overviewRow), { title: `${runs.length} run(s) in ${root}` });
}

/** One row per run with its headline metrics side by side. */
export async function compareRunsTable(ids: readonly string[], root = runsDir()): Promise<ResultsTable> {
  if (ids.length === 0) throw new UsageError("%runs compare needs at least one run id (see `%runs list`)");
  return resultsTable(ids.map((id) => overviewRow(openRun(id, root))), { title: `comparing ${ids.length} run(s)` });
}

/** A run's config (flattened) and its eval lines. */
export async function showRunTable(id: string, root = runsDir()): Promise<ResultsTable> {
  const run = openRun(id, root);
  const rows: ResultRow[] = [];
  const flat = (prefix: string, value: unknown): void => {
    if (value === undefined) return;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) flat(prefix ? `${prefix}.${k}` : k, v);
    } else rows.push({ key: prefix, value: typeof value === "object" ? JSON.stringify(value) : String(value) });
  };
  flat("", { ...run.record, summary: run.summary() ?? undefined });
  for (const line of run.metrics().filter((m) => m.kind === "eval")) {
    const { kind: _kind, step, ...rest } = line;
    for (const [k, v] of Object.entries(rest)) rows.push({ key: `eval@${step}.${k}`, value: typeof v === "number" ? String(v) : JSON.stringify(v) });
  }
  return resultsTable(rows, { title: `run ${run.id}` });
}
