/**
 * Loading collections from disk: a JSONL file, a JSON file, or a directory of them, each file
 * in whichever of the three layouts it uses (loaders/layout.ts). JSONL is streamed: memory is
 * bounded by the rows kept (use `limit`, `where` or `sample` on the 1.6 GB release), not by
 * the file. A malformed row is a DataError naming file:line and field; with
 * `onError: "skip"` it is dropped and counted in `collection.report`.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { DataError, UsageError } from "../errors.ts";
import { Collection, type LoadReport } from "./collection.ts";
import { readJsonFile } from "./loaders/json.ts";
import { detectLayout, toRow, type Layout } from "./loaders/layout.ts";
import { readLineBatches } from "./loaders/lines.ts";
import { Rng } from "../rng.ts";
import type { Row } from "./types.ts";

export interface LoadOptions {
  /** "throw" (default): the first malformed row fails the load. "skip": drop and count it. */
  onError?: "throw" | "skip";
  /** Keep at most this many rows (reading stops there). */
  limit?: number;
  /** Keep only rows for which this returns true. */
  where?: (row: Row) => boolean;
  /** Keep a uniform random sample of n rows (reservoir sampling: one pass, n rows in memory). */
  sample?: { n: number; seed: number };
  /** Collection name; defaults to the file or folder name. */
  name?: string;
}

const MAX_REPORTED_ERRORS = 20;
const DATA_EXTENSIONS = [".jsonl", ".json"];

/** Loads a file or a directory into a Collection; see LoadOptions. */
export async function loadCollection(target: string, options: LoadOptions = {}): Promise<Collection> {
  checkOptions(options);
  const report: LoadReport = { files: [], rows: 0, skipped: 0, errors: [] };
  const name = options.name ?? path.basename(target).replace(/\.(jsonl|json)$/, "");
  const { sample } = options;
  const kept: Row[] = [];
  // Reservoir sampling (Algorithm R), seeded: a fixed-size uniform sample in one pass.
  const rng = sample ? new Rng(sample.seed) : undefined;
  let seen = 0;
  for await (const batch of streamRowBatches(target, { ...options, report })) {
    if (!sample) {
      for (const row of batch) kept.push(row);
      continue;
    }
    for (const row of batch) {
      if (kept.length < sample.n) kept.push(row);
      else {
        const j = rng!.int(0, seen);
        if (j < sample.n) kept[j] = row;
      }
      seen++;
    }
  }
  if (sample) report.rows = kept.length;
  return new Collection(kept, name, report);
}

/** Rows one at a time, for pipelines that never keep the whole file (export, statistics). */
export async function* streamRows(target: string, options: LoadOptions & { report?: LoadReport } = {}): AsyncGenerator<Row> {
  for await (const batch of streamRowBatches(target, options)) yield* batch;
}

/**
 * Rows in batches (one per chunk of the file): the fast path. A per-row async generator costs
 * a few microtasks per row, more than parsing it.
 */
export async function* streamRowBatches(target: string, options: LoadOptions & { report?: LoadReport } = {}): AsyncGenerator<Row[]> {
  checkOptions(options);
  const report = options.report ?? { files: [], rows: 0, skipped: 0, errors: [] };
  const limit = options.limit ?? Infinity;
  for (const file of await dataFiles(target)) {
    const entry = { file, layout: "", rows: 0, skipped: 0 };
    report.files.push(entry);
    for await (const batch of fileRowBatches(file, options.onError ?? "throw", entry, report)) {
      const kept = options.where ? batch.filter(options.where) : batch;
      const room = limit - report.rows;
      const out = kept.length > room ? kept.slice(0, room) : kept;
      report.rows += out.length;
      entry.rows += out.length;
      if (out.length) yield out;
      if (report.rows >= limit) return;
    }
  }
}

async function* fileRowBatches(file: string, onError: "throw" | "skip", entry: LoadReport["files"][number], report: LoadReport): AsyncGenerator<Row[]> {
  const fallbackTask = path.basename(file).replace(/\.(jsonl|json)$/, "");
  let layout: Layout | undefined;
  let layoutLine = 0;
  const skip = (error: DataError) => {
    entry.skipped++;
    report.skipped++;
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error.message);
  };
  const convert = (value: unknown, line: number): Row | undefined => {
    try {
      if (!layout) {
        layout = detectLayout(value, file, line);
        layoutLine = line;
        entry.layout = layout;
      }
      return toRow(value, layout, { file, line, layoutLine, fallbackTask });
    } catch (error) {
      if (onError === "throw" || !(error instanceof DataError)) throw error;
      skip(error);
      return undefined;
    }
  };
  const badJson = (line: number) => new DataError("not valid JSON (each line must hold one JSON object)", { file, line });

  if (file.endsWith(".json")) {
    const content = await readJsonFile(file);
    if (content.kind === "array") {
      const rows: Row[] = [];
      for (let i = 0; i < content.items.length; i++) {
        const row = convert(content.items[i], content.lines[i] ?? 1);
        if (row) rows.push(row);
      }
      yield rows;
      return;
    }
  }
  const badText = (line: number) => skip(new DataError("not valid UTF-8 text (save the file as UTF-8)", { file, line }));
  // With skip, a line of invalid UTF-8 is counted like a malformed row and read as a blank line.
  for await (const batch of readLineBatches(file, undefined, onError === "skip" ? badText : undefined)) {
    const rows: Row[] = [];
    batch.lines.forEach((text, i) => {
      if (text.trim() === "") return;
      const line = batch.firstLine + i;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        if (onError === "throw") throw badJson(line);
        skip(badJson(line));
        return;
      }
      const row = convert(value, line);
      if (row) rows.push(row);
    });
    yield rows;
  }
}

/** The data files of a path: itself, or the .jsonl/.json files under a folder, sorted. */
export async function dataFiles(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => null);
  if (!info) throw new UsageError(`no such file or folder: ${target}`);
  if (info.isFile()) {
    if (!DATA_EXTENSIONS.some((ext) => target.endsWith(ext))) {
      throw new UsageError(`${target}: not a .jsonl or .json file`);
    }
    return [target];
  }
  const entries = await readdir(target, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && DATA_EXTENSIONS.some((ext) => e.name.endsWith(ext)) && !e.name.startsWith("."))
    .map((e) => path.join(e.parentPath ?? target, e.name))
    .sort();
  if (files.length === 0) throw new UsageError(`${target}: no .jsonl or .json files in this folder`);
  return files;
}

function checkOptions(options: LoadOptions): void {
  if (options.onError !== undefined && options.onError !== "throw" && options.onError !== "skip") {
    throw new UsageError(`onError must be "throw" or "skip", got "${options.onError}"`);
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
    throw new UsageError(`limit must be a non-negative integer, got ${options.limit}`);
  }
  if (options.sample && !(Number.isInteger(options.sample.n) && options.sample.n >= 0)) {
    throw new UsageError(`sample.n must be a non-negative integer, got ${options.sample.n}`);
  }
}
