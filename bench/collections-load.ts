/**
 * JSONL loading throughput: generates a ~200 MB Symbol-LLM-like file in /tmp (never in the
 * repository), then measures
 *   1. streamRows over the whole file without keeping rows (parse + validate + Row build),
 *   2. loadCollection with a 10k-row reservoir sample (memory bounded by the sample),
 *   3. loadCollection keeping a 100k-row prefix (limit).
 * Prints rows/s (wall), rows per CPU second (steadier when the box is busy), MB/s and the RSS
 * after each, as one JSON object per line, with the 1-minute load average.
 *
 *   node --import tsx bench/collections-load.ts [--mb 200] [--file /tmp/symtune-bench-200mb.jsonl]
 */
import { createWriteStream, existsSync, statSync } from "node:fs";
import { once } from "node:events";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { loadCollection, streamRows } from "../lib/collections/load.ts";
import { Rng } from "../lib/rng.ts";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "200" }, file: { type: "string" } },
});
const targetBytes = Number(values.mb) * 1e6;
const file = values.file ?? `/tmp/symtune-bench-${values.mb}mb.jsonl`;

const WORDS = "the a of to in walk jump left right select from where count table singer concert year name country age".split(" ");
const SYMBOLS = ["I_TURN_LEFT", "I_TURN_RIGHT", "I_WALK", "I_JUMP", "I_RUN", "I_LOOK"];

/** Rows shaped like the release: a templated instruction, an input, a symbolic output. */
async function generate(path: string, bytes: number): Promise<number> {
  const rng = new Rng(1);
  const out = createWriteStream(path);
  let written = 0;
  let rows = 0;
  const phrase = (n: number) => Array.from({ length: n }, () => rng.pick(WORDS)).join(" ");
  while (written < bytes) {
    const kind = rows % 3;
    const row =
      kind === 0
        ? { instruction: `Translate the command into actions. ${SYMBOLS.map((s) => `${s} means ${s.slice(2).toLowerCase()}.`).join(" ")}`, input: phrase(8), output: Array.from({ length: 6 }, () => rng.pick(SYMBOLS)).join(" "), source: "scan", origin_id: rows }
        : kind === 1
          ? { prompt: `Given schema, transform the query into SQL. The schema is singer(id, name, country, age). The Query is ${phrase(20)}\n`, completion: `SELECT ${phrase(6)} FROM singer WHERE age > ${rng.int(1, 99)}`, source: "spider", type: "sql" }
          : { instruction: `Parse the sentence into first-order logic. ${phrase(30)}`, input: phrase(25), output: `∀x (${phrase(3)}(x) → ${phrase(2)}(x))`, source: "folio" };
    // One layout per file is the rule, so the bench writes instruction/output rows for every kind.
    const line = `${JSON.stringify("prompt" in row ? { instruction: row.prompt, input: "", output: row.completion, source: row.source, type: row.type } : row)}\n`;
    written += Buffer.byteLength(line);
    rows++;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return rows;
}

let cpuMark = process.cpuUsage();

/** CPU seconds of this process since the last call: less noisy than wall time on a busy box. */
function cpuSeconds(): number {
  const used = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

function report(name: string, rows: number, seconds: number, bytes: number, extra: Record<string, unknown> = {}): void {
  const rss = process.memoryUsage().rss;
  const cpu = cpuSeconds();
  console.log(
    JSON.stringify({
      bench: name,
      rows,
      seconds: Number(seconds.toFixed(3)),
      rows_per_s: Math.round(rows / seconds),
      cpu_s: Number(cpu.toFixed(3)),
      rows_per_cpu_s: Math.round(rows / cpu),
      mb_per_s: Number((bytes / 1e6 / seconds).toFixed(1)),
      rss_mb: Math.round(rss / 1e6),
      load1: Number(loadavg()[0]!.toFixed(2)),
      ...extra,
    }),
  );
}

if (!existsSync(file) || Math.abs(statSync(file).size - targetBytes) > targetBytes * 0.01) {
  const t0 = performance.now();
  const rows = await generate(file, targetBytes);
  console.error(`generated ${file}: ${rows} rows, ${statSync(file).size} bytes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const size = statSync(file).size;

let totalRows = 0;
cpuSeconds();
{
  const t0 = performance.now();
  for await (const _row of streamRows(file)) totalRows++;
  report("stream-all", totalRows, (performance.now() - t0) / 1000, size);
}
{
  const t0 = performance.now();
  const sample = await loadCollection(file, { sample: { n: 10_000, seed: 1 } });
  report("load-sample-10k", sample.report!.files[0]!.rows, (performance.now() - t0) / 1000, size, { kept: sample.size });
}
{
  const t0 = performance.now();
  const prefix = await loadCollection(file, { limit: 100_000 });
  report("load-limit-100k", prefix.size, (performance.now() - t0) / 1000, (size * prefix.size) / totalRows, { kept: prefix.size });
}
