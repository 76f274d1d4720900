/**
 * Symbol tuning's evaluations on held-out classification tasks: the four in-context settings
 * (task instruction yes/no × relevant natural-language labels yes/no, k exemplars per class,
 * held-out symbols from the evaluation pool) and flipped labels (binary tasks; exemplars and
 * query flipped; the flipped answer is scored correct). The prompts come from
 * lib/transforms/icl.ts; the same exemplars appear in every setting.
 */
import type { ClassificationTask, Row } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { iclPrompts, iclRow } from "../transforms/icl.ts";
import { evaluateRows, type EvalReport } from "./evaluate.ts";

export interface IclSetting {
  name: string;
  instruction: boolean;
  relevantLabels: boolean;
}

/** In the paper's order: the last setting (neither) is where symbol tuning's gain is clean. */
export const ICL_SETTINGS: readonly IclSetting[] = [
  { name: "instruction + relevant labels", instruction: true, relevantLabels: true },
  { name: "relevant labels only", instruction: false, relevantLabels: true },
  { name: "instruction only", instruction: true, relevantLabels: false },
  { name: "neither", instruction: false, relevantLabels: false },
];

export interface IclEvalOptions {
  /** Prompts per task and setting. */
  perTask: number;
  /** Exemplars per class (the paper: 4). */
  k?: number;
  seed?: number;
  /** A fixed prompt format, or "random" (default). */
  format?: string;
  batchSize?: number;
}

export interface IclResult {
  setting: string;
  task: string;
  n: number;
  /** Percent of queries answered with the expected label. */
  accuracy: number;
}

function checkTasks(tasks: readonly ClassificationTask[], what: string): void {
  if (tasks.length === 0) throw new UsageError(`${what}: give at least one classification task`);
}

export interface SettingSpec {
  name: string;
  instruction: boolean;
  relevantLabels: boolean;
  flip?: boolean;
}

/** The evaluation rows of one setting: `perTask` prompts per task, held-out symbols. */
export function iclEvalRows(tasks: readonly ClassificationTask[], setting: SettingSpec, options: IclEvalOptions): Row[] {
  return tasks.flatMap((task) =>
    iclPrompts(task, options.perTask, {
      k: options.k ?? 4,
      seed: options.seed ?? 0,
      instruction: setting.instruction,
      relevantLabels: setting.relevantLabels,
      flip: setting.flip,
      pool: "eval",
      format: options.format ?? "random",
    }).map((p) => iclRow(p)),
  );
}

/** Per-task accuracy (exact label) of a setting's report, plus the average over tasks. */
export function iclResults(setting: string, report: EvalReport): IclResult[] {
  const results = report.byTask
    .filter((t) => t.task !== "all")
    .map((t) => ({ setting, task: t.task, n: t.n, accuracy: t.exact_match }));
  results.push({ setting, task: "average", n: report.scored.length, accuracy: mean(results.map((r) => r.accuracy)) });
  return results;
}

async function scoreSetting(
  model: GPT,
  tokenizer: Tokenizer,
  tasks: readonly ClassificationTask[],
  setting: SettingSpec,
  options: IclEvalOptions,
): Promise<{ report: EvalReport; results: IclResult[] }> {
  const rows = iclEvalRows(tasks, setting, options);
  // A label is one line: stop at the newline that would start the next exemplar; a label never
  // needs more than the longest label's tokens (+2 for a stray space or newline).
  const maxNewTokens = Math.max(...rows.map((r) => tokenizer.encode(r.output).length)) + 2;
  const report = await evaluateRows(model, tokenizer, rows, { families: [], stop: ["\n"], maxNewTokens, batchSize: options.batchSize, name: setting.name });
  return { report, results: iclResults(setting.name, report) };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Accuracy per task and its average, in each of the four settings. */
export async function evaluateIclSettings(
  model: GPT,
  tokenizer: Tokenizer,
  tasks: readonly ClassificationTask[],
  options: IclEvalOptions,
): Promise<IclResult[]> {
  checkTasks(tasks, "evaluateIclSettings");
  const out: IclResult[] = [];
  for (const setting of ICL_SETTINGS) out.push(...(await scoreSetting(model, tokenizer, tasks, setting, options)).results);
  return out;
}

/**
 * Flipped labels on binary tasks, with relevant labels and no instruction (the paper's
 * setting): accuracy is the share of queries answered with the flipped label.
 */
export async function evaluateFlippedLabels(
  model: GPT,
  tokenizer: Tokenizer,
  tasks: readonly ClassificationTask[],
  options: IclEvalOptions,
): Promise<IclResult[]> {
  const binary = tasks.filter((t) => t.labels.length === 2);
  checkTasks(binary, "evaluateFlippedLabels (binary tasks)");
  const setting = { name: "flipped labels", instruction: false, relevantLabels: true, flip: true };
  return (await scoreSetting(model, tokenizer, binary, setting, options)).results;
}
