/**
 * Writing files so a reader never sees half of one: write beside the target, then rename
 * (atomic within one filesystem). A crash leaves at most a hidden temp file, never a cut file
 * under the real name. And JSON-lines logs, appended one record per line.
 */
import { appendFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { UsageError } from "./errors.ts";

/** Kernel pseudo-filesystems: files there are views of the system, not data; some never end. */
const PSEUDO_ROOTS = ["/proc", "/sys", "/dev"];

/**
 * Checks that `path` may receive an export, before anything is written: an existing
 * destination must be a regular file (a FIFO, device or directory is refused, never
 * replaced by our rename), and nothing under /proc, /sys or /dev is written. Returns whether
 * an existing file will be replaced, so the caller can say so.
 */
export function checkDestination(path: string): { replaced: boolean } {
  const full = resolve(path);
  let real = full;
  try {
    real = join(realpathSync(dirname(full)), basename(full));
  } catch {
    // the folder does not exist yet: it will be created under what was given
  }
  if (PSEUDO_ROOTS.some((root) => real === root || real.startsWith(root + sep))) {
    throw new UsageError(`cannot write ${path}: it is under ${real.split(sep).slice(0, 2).join(sep)}, a system folder, not a place for data files`);
  }
  let kind: string | null = null;
  try {
    const stat = statSync(full);
    if (stat.isFile()) return { replaced: true };
    kind = stat.isDirectory() ? "a directory" : stat.isFIFO() ? "a FIFO (named pipe)" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : stat.isSocket() ? "a socket" : "not a regular file";
  } catch {
    return { replaced: false };
  }
  throw new UsageError(`cannot write ${path}: it is ${kind}; give the path of a regular file`);
}

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
