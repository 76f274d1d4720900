/**
 * Symbol tuning's evaluations on held-out classification tasks: the four in-context settings
 * (task instruction yes/no × relevant natural-language labels yes/no, k exemplars per class,
 * held-out symbols from the evaluation pool) and flipped labels (binary tasks; exemplars and
 * query flipped; the flipped answer is scored correct). The prompts come from
 * lib/transforms/icl.ts; the same exemplars appear in every setting.
 *
 * Scored by rank classification (rank.ts) over the labels shown in the prompt (natural labels
 * or symbols), so every result carries its chance level; prompts that do not fit the model's
 * context are refused and counted, never cut.
 */
import type { ClassificationTask, Row } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { iclPrompts, iclRow } from "../transforms/icl.ts";
import { rankClassify, rankItemOf, type RankReport } from "./rank.ts";

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
  /** Prompts scored. */
  n: number;
  /** Percent of queries whose expected label ranks first among the shown labels. */
  accuracy: number;
  /** Percent a uniform guess gets (100 / number of labels). */
  chance: number;
  /** Prompts refused because they do not fit the model's context. */
  refused: number;
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

/** Per-task rank accuracy and chance of a setting, plus their average over tasks. */
export function iclResults(setting: string, report: RankReport): IclResult[] {
  const groups = report.byTask.length > 0 ? report.byTask : [report];
  const results = groups.map((g) => ({ setting, task: g.task, n: g.n, accuracy: g.accuracy, chance: g.chance, refused: g.refused }));
  results.push({
    setting,
    task: "average",
    n: report.n,
    accuracy: mean(results.map((r) => r.accuracy)),
    chance: mean(results.map((r) => r.chance)),
    refused: report.refused,
  });
  return results;
}

async function scoreSetting(
  model: GPT,
  tokenizer: Tokenizer,
  tasks: readonly ClassificationTask[],
  setting: SettingSpec,
  options: IclEvalOptions,
): Promise<IclResult[]> {
  const items = iclEvalRows(tasks, setting, options).map((r) => rankItemOf(r));
  const report = await rankClassify(model, tokenizer, items, { batchSize: options.batchSize });
  if (report.n === 0) {
    throw new UsageError(`${setting.name}: all ${report.refused} prompts are longer than the model's context of ${model.config.blockSize} tokens; use a smaller k or a longer context`);
  }
  return iclResults(setting.name, report);
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
  for (const setting of ICL_SETTINGS) out.push(...(await scoreSetting(model, tokenizer, tasks, setting, options)));
  return out;
}

/**
 * Flipped labels on binary tasks, with relevant labels and no instruction (the paper's
 * setting): accuracy is the share of queries whose flipped label ranks first.
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
  return scoreSetting(model, tokenizer, binary, setting, options);
}
