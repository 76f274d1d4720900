/** Tables over runs for `%runs list|show|compare`. */
import { UsageError } from "../errors.ts";
import { table, type Table, type TableRow } from "../display/table.ts";
import { listRuns, openRun, runOverview, runsDir } from "./registry.ts";

export function runsListTable(root = runsDir()): Table {
  const runs = listRuns(root);
  return table(runs.map(runOverview), { caption: `${runs.length} run(s) in ${root}`, digits: { wall_s: 1 } });
}

/** One row per run with its headline metrics side by side. */
export function compareRunsTable(ids: readonly string[], root = runsDir()): Table {
  if (ids.length === 0) throw new UsageError("%runs compare needs at least one run id (see `%runs list`)");
  return table(ids.map((id) => runOverview(openRun(id, root))), { caption: `comparing ${ids.length} run(s)`, digits: { wall_s: 1 } });
}

/** A run's config (flattened) and its eval lines. */
export function showRunTable(id: string, root = runsDir()): Table {
  const run = openRun(id, root);
  const rows: TableRow[] = [];
  const flat = (prefix: string, value: unknown): void => {
    if (value === undefined) return;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) flat(prefix ? `${prefix}.${k}` : k, v);
    } else rows.push({ key: prefix, value: typeof value === "object" ? JSON.stringify(value) : (value as TableRow[string]) });
  };
  flat("", { ...run.record, summary: run.summary() ?? undefined });
  for (const line of run.metrics().filter((m) => m.kind === "eval")) {
    const { kind: _kind, step, ...rest } = line;
    for (const [k, v] of Object.entries(rest)) rows.push({ key: `eval@${step}.${k}`, value: typeof v === "number" ? v : JSON.stringify(v) });
  }
  // Numbers stay numbers so the table rounds them (52.28, not 52.282722502999995).
  return table(rows, { caption: `run ${run.id}` });
}
