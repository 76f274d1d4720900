/**
 * Input history, persisted per user as JSON lines so history_request can reach earlier
 * sessions (as IPython's sqlite history does). Each kernel start is a new session number.
 * File: $SYMTUNE_HISTORY, else $XDG_DATA_HOME/symtune/history.jsonl (~/.local/share/...).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { appendJsonLine, writeFileAtomic } from "../lib/files.ts";

export interface HistoryEntry {
  session: number;
  line: number;
  source: string;
  /** text/plain of the execute_result, when there was one. */
  output?: string | null;
}

/** history_reply rows: [session, line, input] or [session, line, [input, output]]. */
export type HistoryRow = [number, number, string | [string, string | null]];

const KEEP_LINES = 10_000;

export function defaultHistoryFile(): string {
  if (process.env.SYMTUNE_HISTORY) return process.env.SYMTUNE_HISTORY;
  const data = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(data, "symtune", "history.jsonl");
}

/** IPython's history search patterns are sqlite GLOBs over the whole input: * ? [...]. */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        const body = pattern.slice(i + 1, end);
        out += `[${body.startsWith("^") ? "^" + body.slice(1).replace(/\\/g, "\\\\") : body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

export class History {
  readonly session: number;

  constructor(readonly file: string = defaultHistoryFile()) {
    const entries = this.read();
    this.session = entries.reduce((max, e) => Math.max(max, e.session), 0) + 1;
    if (entries.length > KEEP_LINES) this.rewrite(entries.slice(-KEEP_LINES));
  }

  append(line: number, source: string, output: string | null): void {
    const entry: HistoryEntry = { session: this.session, line, source, output };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendJsonLine(this.file, entry);
    } catch (error) {
      // Losing history must never fail a cell; say so once on the kernel's stderr.
      console.error(`symtune kernel: cannot write history to ${this.file}: ${(error as Error).message}`);
    }
  }

  tail(n: number, output: boolean): HistoryRow[] {
    return this.read().slice(-Math.max(0, n)).map((e) => row(e, output));
  }

  /** Lines [start, stop) of a session; session ≤ 0 counts back from this one (0 = this). */
  range(session: number, start: number, stop: number, output: boolean): HistoryRow[] {
    const wanted = session > 0 ? session : this.session + session;
    return this.read()
      .filter((e) => e.session === wanted && e.line >= start && (stop <= 0 || e.line < stop))
      .map((e) => row(e, output));
  }

  /** The last n matches (all when n is 0 or missing), oldest first; unique keeps the latest of equal inputs. */
  search(pattern: string, n: number | undefined, unique: boolean, output: boolean): HistoryRow[] {
    const re = globToRegExp(pattern || "*");
    let matches = this.read().filter((e) => re.test(e.source));
    if (unique) {
      const seen = new Set<string>();
      matches = matches.reverse().filter((e) => !seen.has(e.source) && seen.add(e.source)).reverse();
    }
    if (n && n > 0) matches = matches.slice(-n);
    return matches.map((e) => row(e, output));
  }

  private read(): HistoryEntry[] {
    if (!existsSync(this.file)) return [];
    const entries: HistoryEntry[] = [];
    for (const line of readFileSync(this.file, "utf8").split("\n")) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        // A line cut short by a crash is skipped, not fatal.
      }
    }
    return entries;
  }

  private rewrite(entries: HistoryEntry[]): void {
    try {
      // Atomic: a crash while trimming must not cut the history it keeps.
      writeFileAtomic(this.file, entries.map((e) => JSON.stringify(e) + "\n").join(""));
    } catch (error) {
      console.error(`symtune kernel: cannot trim history ${this.file}: ${(error as Error).message}`);
    }
  }
}

function row(e: HistoryEntry, output: boolean): HistoryRow {
  return [e.session, e.line, output ? [e.source, e.output ?? null] : e.source];
}
