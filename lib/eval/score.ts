/**
 * Scoring generated answers. Every prediction gets exact match and token F1; when the row's
 * task family has an executable checker, the checker decides correctness — Symbol +
 * Delegation: the model writes the symbols (SQL, a PDDL plan, a formula, a regex...), the
 * in-process executor runs them and the executed outcome is what is scored, not the string.
 */
import { familyOfRow } from "../collections/registry.ts";
import { UsageError } from "../errors.ts";
import type { CheckerKind, Row, TaskFamily } from "../collections/types.ts";
import { exactMatch, percent, symbolTokenF1 } from "./metrics.ts";

export interface ScoredRow {
  task: string;
  input: string;
  reference: string;
  prediction: string;
  exact: boolean;
  f1: number;
  /** The checker's verdict (exact match when the family has no checker). */
  correct: boolean;
  /** The checker's graded score in [0, 1]. */
  score: number;
  checker: CheckerKind | "exact";
  detail?: string;
}

export async function scorePrediction(row: Row, prediction: string, family?: TaskFamily): Promise<ScoredRow> {
  const exact = exactMatch(prediction, row.output);
  const base = { task: row.task, input: row.input, reference: row.output, prediction, exact, f1: symbolTokenF1(prediction, row.output) };
  if (!family) return { ...base, correct: exact, score: exact ? 1 : 0, checker: "exact" };
  const result = await family.check(row, prediction);
  return { ...base, correct: result.correct, score: result.score, checker: family.checker, detail: result.detail };
}

/** Scores predictions row by row; rows whose family is unknown fall back to exact match. */
export async function scorePredictions(
  rows: readonly Row[],
  predictions: readonly string[],
  families: readonly TaskFamily[] = [],
): Promise<ScoredRow[]> {
  if (rows.length !== predictions.length) {
    throw new UsageError(`scorePredictions: ${rows.length} rows but ${predictions.length} predictions; give one prediction per row`);
  }
  const out: ScoredRow[] = [];
  for (let i = 0; i < rows.length; i++) out.push(await scorePrediction(rows[i]!, predictions[i]!, familyOfRow(rows[i]!, families)));
  return out;
}

export interface TaskScore {
  task: string;
  checker: string;
  n: number;
  /** Percentages. `accuracy` is the checker's (execution / simulation / equivalence) verdict. */
  accuracy: number;
  exact_match: number;
  token_f1: number;
  /** Mean graded score (F1 for graded checkers), percent. */
  score: number;
}

/** Per-task percentages, tasks in first-seen order, plus an "all" row when there are several. */
export function scoresByTask(scored: readonly ScoredRow[]): TaskScore[] {
  const tasks = [...new Set(scored.map((s) => s.task))];
  const summarize = (task: string, rows: readonly ScoredRow[]): TaskScore => ({
    task,
    checker: [...new Set(rows.map((r) => r.checker))].join("/"),
    n: rows.length,
    accuracy: percent(rows.map((r) => (r.correct ? 1 : 0))),
    exact_match: percent(rows.map((r) => (r.exact ? 1 : 0))),
    token_f1: percent(rows.map((r) => r.f1)),
    score: percent(rows.map((r) => r.score)),
  });
  const perTask = tasks.map((t) => summarize(t, scored.filter((s) => s.task === t)));
  return perTask.length > 1 ? [...perTask, summarize("all", scored)] : perTask;
}
