/**
 * A collection of rows: the unit every magic and stage passes along. Immutable — split, sample,
 * mix, filter and map return new collections — so a failed step never leaves one half-changed.
 * Sampling is seeded (lib/rng.ts): a seed reproduces a collection byte for byte.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";
import { UsageError } from "../errors.ts";
import { checkDestination, tempSibling } from "../files.ts";
import { toJsonLine, toPrompt, JSONL_LAYOUTS, type JsonlLayout } from "../prompts/format.ts";
import { Rng } from "../rng.ts";
import { table, type Table } from "../display/table.ts";
import type { Row, Split } from "./types.ts";


/** What a loader saw: kept on the collection it built. */
export interface LoadReport {
  files: { file: string; layout: string; rows: number; skipped: number }[];
  rows: number;
  /** Rows dropped by `onError: "skip"`. */
  skipped: number;
  /** The first few skip reasons, each naming file:line and field. */
  errors: string[];
}

export interface SplitOptions {
  /** Fraction of rows (after held-out tasks) for the test split. */
  test?: number;
  /** Fraction of rows (after held-out tasks) for the valid split. */
  valid?: number;
  /** Tasks whose every row goes to test: evaluation on unseen tasks. */
  heldOutTasks?: readonly string[];
  seed?: number;
}

export interface SplitResult {
  train: Collection;
  valid: Collection;
  test: Collection;
}

/** A split as a table: the variable each part is stored under (`prefix_train`, ...), its rows and tasks. */
export function splitTable(parts: SplitResult, prefix: string, caption: string): Table {
  const rows = (["train", "valid", "test"] as const).map((part) => ({
    variable: `${prefix}_${part}`,
    rows: parts[part].size,
    tasks: new Set(parts[part].rows.map((r) => r.task)).size,
  }));
  return table(rows, { caption });
}

export interface CollectionStats {
  rows: number;
  tasks: Record<string, number>;
  domains: Record<string, number>;
  forms: Record<string, number>;
  splits: Record<string, number>;
  /** Mean length in characters; `prompt` is toPrompt's prompt (what the model reads). */
  meanChars: { instruction: number; input: number; output: number; prompt: number };
}

export class Collection implements Iterable<Row>, Displayable {
  readonly rows: readonly Row[];

  constructor(
    rows: readonly Row[],
    readonly name = "collection",
    readonly report?: LoadReport,
  ) {
    this.rows = rows;
  }

  static from(rows: Iterable<Row>, name?: string): Collection {
    return new Collection(Array.from(rows), name);
  }

  /**
   * Builds a collection from a stream of rows. If the stream throws, the error propagates and
   * no collection exists: never a half-loaded one.
   */
  static async fromAsync(source: AsyncIterable<Row> | Iterable<Row>, name?: string, report?: LoadReport): Promise<Collection> {
    const rows: Row[] = [];
    for await (const row of source) rows.push(row);
    return new Collection(rows, name, report);
  }

  /**
   * `n` rows drawn from the parts in proportion to their ratios (largest remainder, so the
   * counts are exact), shuffled together. A part with fewer rows than its share is repeated
   * in fresh shuffles (upsampling); the Infusion stage mixes ~0.84 : 1 symbolic : general.
   */
  static mix(parts: readonly (readonly [Collection, number])[], options: { n: number; seed: number; name?: string }): Collection {
    const { n, seed } = options;
    checkCount("mix", n);
    if (parts.length === 0) throw new UsageError("mix: give at least one [collection, ratio] pair");
    for (const [coll, ratio] of parts) {
      if (!(ratio >= 0) || !Number.isFinite(ratio)) throw new UsageError(`mix: ratio for "${coll.name}" must be a finite number ≥ 0, got ${ratio}`);
      if (ratio > 0 && coll.size === 0) throw new UsageError(`mix: "${coll.name}" is empty but has ratio ${ratio}`);
    }
    const total = parts.reduce((s, [, r]) => s + r, 0);
    if (total <= 0) throw new UsageError("mix: the ratios sum to 0; give at least one positive ratio");
    const counts = apportion(parts.map(([, r]) => (r / total) * n), n);
    const rng = new Rng(seed);
    const rows: Row[] = [];
    parts.forEach(([coll], i) => rows.push(...drawCycling(coll.rows, counts[i]!, rng)));
    rng.shuffle(rows);
    return new Collection(rows, options.name ?? `mix(${parts.map(([c, r]) => `${c.name}:${r}`).join(",")})`);
  }

  get size(): number {
    return this.rows.length;
  }

  [Symbol.iterator](): Iterator<Row> {
    return this.rows[Symbol.iterator]();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Row> {
    yield* this.rows;
  }

  head(n = 10): Collection {
    return new Collection(this.rows.slice(0, n), this.name);
  }

  filter(keep: (row: Row, index: number) => boolean, name = this.name): Collection {
    return new Collection(this.rows.filter(keep), name);
  }

  map(change: (row: Row, index: number) => Row, name = this.name): Collection {
    return new Collection(this.rows.map(change), name);
  }

  /** `n` distinct rows chosen with the seed, in random order. */
  sample(n: number, seed: number): Collection {
    checkCount("sample", n);
    if (n > this.size) {
      throw new UsageError(`sample: asked for ${n} rows but "${this.name}" has ${this.size}; ask for at most ${this.size} (Collection.mix upsamples)`);
    }
    const rng = new Rng(seed);
    return new Collection(partialShuffle(this.rows.slice(), n, rng), this.name);
  }

  /**
   * Held-out tasks go wholly to test; the other rows are shuffled with the seed and cut by
   * fraction. Every row's `split` field is set to the part it lands in.
   */
  split(options: SplitOptions): SplitResult {
    const { test = 0, valid = 0, heldOutTasks = [], seed = 0 } = options;
    for (const [key, f] of [["test", test], ["valid", valid]] as const) {
      if (!(f >= 0 && f < 1)) throw new UsageError(`split: ${key} must be a fraction in [0, 1), got ${f}`);
    }
    if (test + valid >= 1) throw new UsageError(`split: test + valid must be below 1, got ${test + valid}`);
    const known = new Set(this.rows.map((r) => r.task));
    const missing = heldOutTasks.filter((t) => !known.has(t));
    if (missing.length) {
      throw new UsageError(`split: held-out task${missing.length > 1 ? "s" : ""} ${missing.map((t) => `"${t}"`).join(", ")} not in "${this.name}" (its tasks: ${[...known].sort().join(", ")})`);
    }
    const held = new Set(heldOutTasks);
    const rest = this.rows.filter((r) => !held.has(r.task));
    const order = new Rng(seed).shuffle(rest.map((_, i) => i));
    const nTest = Math.round(rest.length * test);
    const nValid = Math.round(rest.length * valid);
    const pick = (from: number, to: number) => order.slice(from, to).sort((a, b) => a - b).map((i) => rest[i]!);
    const label = (rows: readonly Row[], split: Split) => rows.map((r) => (r.split === split ? r : { ...r, split }));
    return {
      train: new Collection(label(pick(nTest + nValid, order.length), "train"), `${this.name}:train`),
      valid: new Collection(label(pick(nTest, nTest + nValid), "valid"), `${this.name}:valid`),
      test: new Collection(label([...this.rows.filter((r) => held.has(r.task)), ...pick(0, nTest)], "test"), `${this.name}:test`),
    };
  }

  stats(): CollectionStats {
    const count = (key: (r: Row) => string) => {
      const out: Record<string, number> = {};
      for (const r of this.rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
    };
    const mean = (len: (r: Row) => number) => (this.size ? this.rows.reduce((s, r) => s + len(r), 0) / this.size : 0);
    return {
      rows: this.size,
      tasks: count((r) => r.task),
      domains: count((r) => r.domain),
      forms: count((r) => r.form),
      splits: count((r) => r.split),
      meanChars: {
        instruction: mean((r) => r.instruction.length),
        input: mean((r) => r.input.length),
        output: mean((r) => r.output.length),
        prompt: mean((r) => toPrompt(r).prompt.length),
      },
    };
  }

  /** Per-task statistics as a table (what `%collection stats` shows). */
  statsTable(): Table {
    const byTask = new Map<string, Row[]>();
    for (const r of this.rows) {
      const list = byTask.get(r.task);
      if (list) list.push(r);
      else byTask.set(r.task, [r]);
    }
    const mean = (rows: Row[], f: (r: Row) => number) => Math.round(rows.reduce((s, r) => s + f(r), 0) / rows.length);
    const records = [...byTask.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([task, rows]) => ({
        task,
        domain: rows[0]!.domain,
        form: rows[0]!.form,
        rows: rows.length,
        "mean instruction chars": mean(rows, (r) => r.instruction.length),
        "mean input chars": mean(rows, (r) => r.input.length),
        "mean output chars": mean(rows, (r) => r.output.length),
      }));
    return table(records, { caption: `"${this.name}": ${this.size} rows, ${byTask.size} tasks` });
  }

  toJSONL(layout: JsonlLayout = "prompt-completion"): string {
    checkLayout(layout);
    return this.rows.map((r) => `${toJsonLine(r, layout)}\n`).join("");
  }

  /**
   * Writes JSONL to `file` as a stream (no whole-file string); creates parent folders. An
   * existing file is replaced unless `force: false` (what %collection export does without --force).
   */
  async export(file: string, layout: JsonlLayout = "prompt-completion", options: { force?: boolean } = {}): Promise<{ file: string; rows: number; bytes: number; replaced: boolean }> {
    checkLayout(layout);
    const { replaced } = checkDestination(file);
    if (replaced && options.force === false) throw new UsageError(`cannot write ${file}: a file is there already; give --force (force: true) to replace it`);
    const cannotWrite = (error: unknown) => new UsageError(`cannot write ${file}: ${(error as Error).message}`);
    await mkdir(path.dirname(path.resolve(file)), { recursive: true }).catch((error) => {
      throw cannotWrite(error);
    });
    // Written beside the target and renamed at the end: a failed export leaves no half file.
    const partial = tempSibling(file);
    const out = createWriteStream(partial);
    let failure: unknown;
    out.on("error", (error) => (failure = error));
    let bytes = 0;
    for (const row of this.rows) {
      if (failure) break;
      const line = `${toJsonLine(row, layout)}\n`;
      bytes += Buffer.byteLength(line);
      if (!out.write(line)) await drainOrFail(out);
    }
    out.end();
    await finished(out).catch((error) => (failure ??= error));
    if (!failure) await rename(partial, file).catch((error) => (failure = error));
    if (failure) {
      await rm(partial, { force: true, recursive: false }).catch(() => undefined);
      throw cannotWrite(failure);
    }
    return { file, rows: this.size, bytes, replaced };
  }

  /** One line: name, rows, tasks (and skipped rows) — what `%collection load --quiet` shows. */
  summary(): string {
    const tasks = new Set(this.rows.map((r) => r.task)).size;
    const skipped = this.report?.skipped ? `, ${this.report.skipped} malformed rows skipped` : "";
    return `"${this.name}": ${this.size} rows, ${tasks} task${tasks === 1 ? "" : "s"}${skipped}`;
  }

  /** The first rows as a table, with the collection's size in the caption. */
  table(limit = 20): Table {
    const records = this.rows.slice(0, limit).map((r) => ({
      task: r.task,
      domain: r.domain,
      form: r.form,
      instruction: r.instruction,
      input: r.input,
      output: r.output,
      split: r.split,
    }));
    const shown = this.size > limit ? ` (first ${limit} shown)` : "";
    return table(records, {
      caption: `${this.summary()}${shown}`,
      columns: ["task", "domain", "form", "instruction", "input", "output", "split"],
      index: true,
    });
  }

  [displaySymbol](): MimeBundle {
    return this.table()[displaySymbol]();
  }

  toString(): string {
    return this.table().text();
  }
}

/** `mix([[symbolic, 0.84], [general, 1]], { n, seed })`: Collection.mix as a function. */
export function mix(parts: readonly (readonly [Collection, number])[], options: { n: number; seed: number; name?: string }): Collection {
  return Collection.mix(parts, options);
}

/** Resolves when the stream can take more, or has failed or closed (then `failure` says why). */
function drainOrFail(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ["drain", "error", "close"]) out.removeListener(event, done);
      resolve();
    };
    for (const event of ["drain", "error", "close"]) out.once(event, done);
  });
}

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${what}: n must be a non-negative integer, got ${n}`);
}

function checkLayout(layout: string): void {
  if (!JSONL_LAYOUTS.includes(layout as JsonlLayout)) {
    throw new UsageError(`unknown JSONL layout "${layout}"; use one of ${JSONL_LAYOUTS.join(", ")}`);
  }
}

/** Integer counts summing to n, each the floor of its share plus one for the largest remainders. */
export function apportion(shares: readonly number[], n: number): number[] {
  const counts = shares.map(Math.floor);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let left = n - counts.reduce((a, b) => a + b, 0);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

/** The first k of a seeded Fisher–Yates: k distinct items in random order, O(k) swaps. */
function partialShuffle<T>(items: T[], k: number, rng: Rng): T[] {
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, items.length - 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items.slice(0, k);
}

function drawCycling<T>(items: readonly T[], k: number, rng: Rng): T[] {
  const out: T[] = [];
  while (out.length < k) out.push(...partialShuffle(items.slice(), Math.min(items.length, k - out.length), rng));
  return out;
}
