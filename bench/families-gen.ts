/**
 * Generation (and checking) throughput of every built-in family, algorithmic task, the general
 * data and the classification tasks. Each is warmed up once (WordNet and sql.js load on first
 * use), then timed over --rows rows; prints one JSON object per line and a final summary with
 * the load average, because other work on the machine moves these numbers.
 *
 *   node --import tsx bench/families-gen.ts [--rows 5000] [--check 500]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { classificationTasks } from "../lib/collections/classification/index.ts";
import { builtinFamilies } from "../lib/collections/families/index.ts";
import type { TaskFamily } from "../lib/collections/types.ts";

const { values } = parseArgs({ options: { rows: { type: "string", default: "5000" }, check: { type: "string", default: "500" } } });
const rows = Number(values.rows);
const checks = Number(values.check);

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

async function family(f: TaskFamily): Promise<void> {
  const warm = f.generate(20, 1);
  for (const r of warm) await f.check(r, r.output);
  let t = performance.now();
  const generated = f.generate(rows, 7);
  const genMs = performance.now() - t;
  const sample = generated.slice(0, checks);
  t = performance.now();
  for (const r of sample) await f.check(r, r.output);
  const checkMs = performance.now() - t;
  const bytes = generated.reduce((s, r) => s + r.instruction.length + r.input.length + r.output.length, 0);
  console.log(JSON.stringify({ name: f.name, domain: f.domain, rows, gen_rows_per_s: rate(rows, genMs), check_rows_per_s: rate(sample.length, checkMs), avg_chars: Math.round(bytes / rows) }));
}

for (const f of builtinFamilies) await family(f);
for (const task of classificationTasks) {
  task.generate(20, 1);
  const t = performance.now();
  task.generate(rows, 7);
  console.log(JSON.stringify({ name: task.name, role: task.role, rows, gen_rows_per_s: rate(rows, performance.now() - t) }));
}
console.log(JSON.stringify({ summary: true, node: process.version, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) }));
