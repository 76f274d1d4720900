/**
 * A CellIO that records what a cell sent, and a scratch notebook directory with an ESM-only
 * package and a local TypeScript module, as a user's folder would have.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import type { MimeBundle } from "../../lib/display/protocol.ts";
import type { CellIO, ExecOutcome, Executor } from "../../kernel/protocol.ts";

export interface Recorded {
  stdout: string;
  stderr: string;
  displays: MimeBundle[];
  pages: MimeBundle[];
  prompts: string[];
  /** The `wait` flag of each clear_output. */
  clears: boolean[];
}

export function recordingIO(answers: string[] = []): { io: CellIO; seen: Recorded } {
  const seen: Recorded = { stdout: "", stderr: "", displays: [], pages: [], prompts: [], clears: [] };
  const io: CellIO = {
    stdout: (text) => void (seen.stdout += text),
    stderr: (text) => void (seen.stderr += text),
    display: (bundle) => void seen.displays.push(bundle),
    update: () => {},
    clearOutput: (wait) => void seen.clears.push(wait),
    input: async (prompt) => {
      seen.prompts.push(prompt);
      return answers.shift() ?? "";
    },
    page: (bundle) => void seen.pages.push(bundle),
  };
  return { io, seen };
}

let count = 0;

/** Runs one cell; returns the outcome, what it printed and its execution count. */
export async function run(executor: Executor, code: string, answers: string[] = []): Promise<ExecOutcome & { seen: Recorded; count: number }> {
  const { io, seen } = recordingIO(answers);
  const executionCount = ++count;
  const outcome = await executor.execute(code, io, { silent: false, storeHistory: true, executionCount });
  return { ...outcome, seen, count: executionCount };
}

export function text(outcome: ExecOutcome): string | undefined {
  return outcome.status === "ok" ? (outcome.result?.["text/plain"] as string | undefined) : undefined;
}

/** A notebook folder: node_modules/esm-only (exports without "require") and util.ts. */
export function notebookDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "symtune-exec-"));
  const pkg = path.join(dir, "node_modules", "esm-only");
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, "package.json"),
    JSON.stringify({ name: "esm-only", version: "1.0.0", type: "module", exports: { ".": { import: "./index.js" } } }),
  );
  fs.writeFileSync(path.join(pkg, "index.js"), 'export default function greet(name) { return `hello ${name}`; }\nexport const answer = 42;\n');
  fs.writeFileSync(path.join(dir, "util.ts"), "export function double(n: number): number {\n  return n * 2;\n}\nexport interface Point { x: number; y: number }\n");
  return dir;
}

/** Points the user's cache folder (XDG_CACHE_HOME) at `dir` for this test file. */
export function useCacheHome(dir: string): string {
  const before = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  afterAll(() => {
    if (before === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = before;
  });
  return dir;
}
