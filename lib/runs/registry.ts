/**
 * The run registry: every training or evaluation run is a folder under the runs directory
 * (SYMTUNE_RUNS_DIR, default ./runs) holding
 *   config.json    what was asked for: stage, config, seed, backend, parent run, created
 *   metrics.jsonl  one MetricRecord a line (metrics.ts): {kind: "step", step, loss, ...} or {kind: "eval", step, ...}
 *   summary.json   written when the run ends: status, wall time, final metrics
 *   owner.json     the process running it (host, pid, its start time): a run with no summary
 *                  whose process is gone shows as "died", not "running" forever
 *   checkpoints/   the trainer's checkpoints
 * Notebooks record the ids of the runs they plotted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { DataError, UsageError } from "../errors.ts";
import { displaySymbol, type MimeBundle } from "../display/protocol.ts";
import { table, type TableRow } from "../display/table.ts";
import { appendJsonLine, writeFileAtomic } from "../files.ts";
import { evalRecord, toMetricRecord, type MetricRecord, type StepRecord } from "./metrics.ts";

export interface RunConfig {
  /** A short label, e.g. "injection" or "symbol-tune seed 1". */
  name: string;
  stage: string;
  seed: number;
  backend: string;
  /** The stage's full configuration (model, data, optimiser), as plain data. */
  config: Record<string, unknown>;
  /** The run this one started from (infusion starts from an injection run). */
  parent?: string;
}

export interface RunRecord extends RunConfig {
  id: string;
  created: string;
}

export interface RunSummary {
  status: "completed" | "interrupted" | "failed";
  wallSeconds: number;
  steps: number;
  finalLoss?: number;
  /** Headline eval numbers, e.g. {symbolic: 71.9, general: 44.3}. */
  metrics?: Record<string, number>;
  message?: string;
}

export function runsDir(): string {
  return resolve(process.env.SYMTUNE_RUNS_DIR ?? "runs");
}

function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 32) || "run";
}

export class Run {
  constructor(
    readonly dir: string,
    readonly record: RunRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get checkpointDir(): string {
    return join(this.dir, "checkpoints");
  }

  /** Appends one metrics line (a trainer step or eval record, as the trainer made it). */
  log(record: MetricRecord): void {
    appendJsonLine(join(this.dir, "metrics.jsonl"), record);
  }

  /** Appends an eval record: `metrics` by name at `step`. */
  logEval(step: number, metrics: Record<string, number>): void {
    this.log(evalRecord(step, metrics));
  }

  /**
   * Takes the run over to continue it from its checkpoint at `step` (a resume): this process
   * owns it, its metrics end at that step (the lines a killed process wrote after its last
   * checkpoint are dropped, the resumed steps replace them), and it has no summary until it
   * ends again.
   */
  resumeAt(step: number): void {
    writeJsonAtomic(join(this.dir, "owner.json"), currentOwner());
    const kept = this.metrics().filter((m) => m.step <= step);
    writeFileAtomic(join(this.dir, "metrics.jsonl"), kept.map((m) => `${JSON.stringify(m)}\n`).join(""));
    rmSync(join(this.dir, "summary.json"), { force: true });
  }

  /** completed / interrupted / failed from the summary; running or died while it has none. */
  status(): RunSummary["status"] | "running" | "died" {
    return this.summary()?.status ?? liveStatus(this.dir);
  }

  finish(summary: RunSummary): void {
    writeJsonAtomic(join(this.dir, "summary.json"), summary);
  }

  metrics(): MetricRecord[] {
    return readMetrics(this.dir);
  }

  summary(): RunSummary | null {
    const path = join(this.dir, "summary.json");
    return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as RunSummary) : null;
  }

  /** Loss per step, for training-curve figures. */
  lossCurve(): { steps: number[]; values: number[] } {
    const lines = this.metrics().filter((m): m is StepRecord => m.kind === "step");
    return { steps: lines.map((m) => m.step), values: lines.map((m) => m.loss) };
  }

  /** In a notebook: the run's overview row, as `%runs list` shows it. */
  [displaySymbol](): MimeBundle {
    return table([runOverview(this)], { caption: `run ${this.id} in ${this.dir}`, digits: { wall_s: 1 } })[displaySymbol]();
  }
}

/** One run as a row: what `%runs list` shows and what a Run displays. */
export function runOverview(run: Run): TableRow {
  const s = run.summary();
  const row: TableRow = {
    id: run.id,
    name: run.record.name,
    stage: run.record.stage,
    seed: run.record.seed,
    backend: run.record.backend,
    parent: run.record.parent ?? "",
    status: run.status(),
    steps: s?.steps ?? null,
    final_loss: s?.finalLoss ?? null,
    wall_s: s ? s.wallSeconds : null,
  };
  for (const [k, v] of Object.entries(s?.metrics ?? {})) row[k] = v;
  return row;
}

function readMetrics(dir: string): MetricRecord[] {
  const path = join(dir, "metrics.jsonl");
  if (!existsSync(path)) return [];
  const out: MetricRecord[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(toMetricRecord(JSON.parse(line) as Record<string, unknown>));
    } catch {
      // A run killed mid-write leaves a torn last line; any other bad line is corruption.
      const isLast = lines.slice(i + 1).every((l) => !l.trim());
      if (!isLast) throw new DataError("not valid JSON", { file: path, line: i + 1 });
    }
  });
  return out;
}

/** Creates a run folder with its config.json; the id is time-stamped and unique. */
export function createRun(config: RunConfig, root = runsDir()): Run {
  if (!Number.isInteger(config.seed)) throw new UsageError(`run "${config.name}": seed must be an integer, got ${config.seed}`);
  const now = new Date();
  const id = `${stamp(now)}-${slug(config.name)}-${randomBytes(2).toString("hex")}`;
  const dir = join(root, id);
  mkdirSync(join(dir, "checkpoints"), { recursive: true });
  const record: RunRecord = { id, created: now.toISOString(), ...config };
  writeJsonAtomic(join(dir, "config.json"), record);
  writeFileSync(join(dir, "metrics.jsonl"), "");
  writeJsonAtomic(join(dir, "owner.json"), currentOwner());
  return new Run(dir, record);
}

/** Who runs a run: enough to tell later whether that process still lives. */
interface Owner {
  host: string;
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not taken for it. */
  started: string | null;
}

function processStart(pid: number): string | null {
  try {
    // Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces, so count from its ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function currentOwner(): Owner {
  return { host: hostname(), pid: process.pid, started: processStart(process.pid) };
}

/** "running" while the owning process lives; "died" once it is gone without a summary. */
export function liveStatus(dir: string): "running" | "died" {
  let owner: Owner;
  try {
    owner = JSON.parse(readFileSync(join(dir, "owner.json"), "utf8")) as Owner;
  } catch {
    return "running"; // a run from before owner.json: nothing to check against
  }
  if (owner.host !== hostname()) return "running"; // another machine's process: cannot tell
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return "died";
  }
  const started = processStart(owner.pid);
  return owner.started !== null && started !== null && started !== owner.started ? "died" : "running";
}

function runIds(root: string): string[] {
  return existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, "config.json"))) : [];
}

/** Opens a run by id (or by a unique id prefix). */
export function openRun(id: string, root = runsDir()): Run {
  const ids = runIds(root);
  const matches = ids.includes(id) ? [id] : ids.filter((d) => d.startsWith(id));
  if (matches.length === 0) {
    const newest = ids.sort().slice(-5).reverse();
    const there = newest.length ? `the newest there: ${newest.join(", ")}` : "it holds no runs yet";
    throw new UsageError(`no run "${id}" in ${root} (${there}; \`%runs list\` shows them all)`);
  }
  if (matches.length > 1) throw new UsageError(`run id "${id}" is ambiguous in ${root}: ${matches.slice(0, 5).join(", ")}`);
  const dir = join(root, matches[0]!);
  const record = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as RunRecord;
  return new Run(dir, record);
}

/**
 * The run a checkpoint path belongs to (…/RUN/checkpoints or a step folder in it), or
 * undefined for a checkpoint written outside the registry.
 */
export function runOfCheckpoint(path: string): Run | undefined {
  const parts = resolve(path).split(sep);
  const at = parts.lastIndexOf("checkpoints");
  if (at < 1) return undefined;
  const dir = parts.slice(0, at).join(sep) || sep;
  if (!existsSync(join(dir, "config.json"))) return undefined;
  return openRun(dir.split(sep).at(-1)!, dirname(dir));
}

/** All runs, oldest first. */
export function listRuns(root = runsDir()): Run[] {
  if (!existsSync(root)) return [];
  // In the order they were started: ids carry the time only to the second.
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, "config.json")))
    .map((d) => openRun(d, root))
    .sort((a, b) => a.record.created.localeCompare(b.record.created) || a.id.localeCompare(b.id));
}
