/** Shared pieces of the built-in families: row assembly, templates, results, Symbol-evol undo. */
import { UsageError } from "../../errors.ts";
import { deriveSeed, Rng } from "../../rng.ts";
import { renameTokens } from "../tokens.ts";
import type { CheckResult, Row, RowMeta } from "../types.ts";

/** What a family's per-row maker returns; generateRows adds split, seed and source. */
export interface RowDraft {
  task?: string;
  instruction: string;
  input: string;
  output: string;
  meta?: RowMeta;
}

export interface FamilyHeader {
  name: string;
  domain: string;
  form: string;
}

/**
 * Row i depends only on (seed, i), so generate(n) is a prefix of generate(n + 1) and any row
 * can be regenerated from its meta.seed.
 */
export function generateRows(
  family: FamilyHeader,
  n: number,
  seed: number,
  make: (rng: Rng, index: number) => RowDraft,
): Row[] {
  checkCount(family.name, n, seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const rowSeed = deriveSeed(seed, i);
    const draft = make(new Rng(rowSeed), i);
    rows.push({
      task: draft.task ?? family.name,
      domain: family.domain,
      form: family.form,
      instruction: draft.instruction,
      input: draft.input,
      output: draft.output,
      split: "train",
      meta: { seed: rowSeed, source: family.name, ...draft.meta },
    });
  }
  return rows;
}

/** The (n, seed) every generator takes; `what` names n in the message. */
export function checkCount(name: string, n: number, seed: number, what = "row count"): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`${name}: ${what} must be a non-negative integer, got ${n}`);
  }
  if (!Number.isInteger(seed)) {
    throw new UsageError(`${name}: seed must be an integer, got ${seed}`);
  }
}

/** Fills `{name}` placeholders; a missing value is our bug, so it throws plainly. */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`template placeholder {${key}} has no value`);
    return value;
  });
}

export function pass(detail = "matches the reference"): CheckResult {
  return { correct: true, score: 1, detail };
}

export function fail(detail: string, score = 0): CheckResult {
  return { correct: false, score, detail };
}

/** Collapses runs of whitespace; the comparisons "modulo whitespace" go through this. */
export function squash(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

/**
 * Undoes Symbol-evol on a prediction: renamed symbols (meta.evol, original → renamed) go back
 * to the originals so executing checkers see the vocabulary their executors know. An original
 * symbol written in a prediction for a renamed row is wrong (the model had to use the new
 * names), so it is marked and can never match.
 */
export function restoreSymbols(row: Row, prediction: string): string {
  const evol = row.meta.evol ?? {};
  const swap = Object.entries(evol).flatMap(([original, renamed]) => [
    [renamed, original],
    [original, `\u00ab${original}\u00bb`],
  ]);
  return renameTokens(prediction, Object.fromEntries(swap));
}

/** A graded result: correct only at F1 = 1. */
export function graded(f1: number, what: string): CheckResult {
  const score = Math.round(f1 * 10000) / 10000;
  return f1 === 1 ? pass(`all ${what} match`) : fail(`${what} F1 ${score.toFixed(3)}`, score);
}

/** Runs a checker body, turning any crash into a failed result with the reason. */
export function guarded(body: () => CheckResult): CheckResult {
  try {
    return body();
  } catch (error) {
    return fail(`prediction could not be checked: ${(error as Error).message}`);
  }
}
