/**
 * Writing files so a reader never sees half of one: write beside the target, then rename
 * (atomic within one filesystem). A crash leaves at most a hidden temp file, never a cut file
 * under the real name. And JSON-lines logs, appended one record per line.
 */
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Where to write before renaming onto `path`: a hidden sibling, one per process. */
export function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

/** Replaces `path` with `data` atomically. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = tempSibling(path);
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/**
 * Appends `record` as one JSON line. One appendFileSync per record: a reader (or a crash)
 * sees whole lines, except at most a last one cut short, which JSONL readers skip.
 */
export function appendJsonLine(path: string, record: unknown): void {
  appendFileSync(path, `${JSON.stringify(record)}\n`);
}
