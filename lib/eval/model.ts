/**
 * Evaluating a model named the way `%eval` names it (a stage result, a run id or a
 * checkpoint path; lib/train/open.ts): on rows (generate, then the families' checkers), on
 * the four in-context settings of symbol tuning, or on flipped labels. The numbers are
 * recorded as an eval record in the model's run, at the step its weights are from.
 */
import type { Collection } from "../collections/collection.ts";
import { classificationTaskNamed, classificationTasksFor } from "../collections/registry.ts";
import type { Row } from "../collections/types.ts";
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";
import { table, type Table } from "../display/table.ts";
import { UsageError } from "../errors.ts";
import { openModel, type ModelSource } from "../train/open.ts";
import { evaluateRows, type EvalReport } from "./evaluate.ts";
import { evaluateFlippedLabels, evaluateIclSettings, type IclResult } from "./icl.ts";

export interface ModelEvalOptions {
  /** Rows to generate answers for and check; or one of `icl`, `flipped`. */
  on?: Collection | readonly Row[];
  /** The four in-context settings on held-out classification tasks. */
  icl?: boolean;
  /** Flipped labels on the binary held-out tasks. */
  flipped?: boolean;
  /** icl / flipped: classification task names (default: the held-out ones). */
  tasks?: readonly string[];
  /** icl / flipped: prompts per task and setting (default 20). */
  perTask?: number;
  /** icl / flipped: exemplars per class (default 4). */
  k?: number;
  seed?: number;
  /** Prompts per generation batch (default 16). */
  batchSize?: number;
  /** A name for this evaluation: the table's caption, the metric names in the run. */
  name?: string;
  signal?: AbortSignal;
  /** Runs directory run ids are looked up in. */
  runs?: string;
}

/** In-context results: accuracy per task and setting; displays itself as that table. */
export class IclReport implements Displayable {
  constructor(
    readonly name: string,
    readonly results: IclResult[],
  ) {}

  /** The average accuracy of each setting, by setting name. */
  averages(): Record<string, number> {
    return Object.fromEntries(this.results.filter((r) => r.task === "average").map((r) => [r.setting, r.accuracy]));
  }

  table(): Table {
    return table(this.results.map((r) => ({ ...r })), { caption: `${this.name}: accuracy`, digits: 1, units: { accuracy: "%" } });
  }

  [displaySymbol](): MimeBundle | Promise<MimeBundle> {
    return this.table()[displaySymbol]();
  }
}

/** Evaluates the model `source` names (see the module comment); the one call behind `%eval`. */
export async function evaluateModel(source: ModelSource, options: ModelEvalOptions): Promise<EvalReport | IclReport> {
  const chosen = [options.on !== undefined, options.icl === true, options.flipped === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError("give exactly one of --on VAR, --icl or --flipped");
  const { model, tokenizer, run, step } = await openModel(source, { runs: options.runs });
  const name = options.name ?? (options.icl ? "icl" : options.flipped ? "flipped" : (options.on as Collection).name ?? "eval");
  const batchSize = options.batchSize ?? 16;
  if (options.on !== undefined) {
    const report = await evaluateRows(model, tokenizer, options.on, { batchSize, signal: options.signal, name });
    run?.logEval(step, { [`${name}_accuracy`]: report.accuracy, [`${name}_n`]: report.scored.length });
    return report;
  }
  const tasks = options.tasks?.map(classificationTaskNamed) ?? classificationTasksFor("eval");
  const settings = { perTask: options.perTask ?? 20, k: options.k ?? 4, seed: options.seed ?? 0, batchSize };
  const results = options.icl
    ? await evaluateIclSettings(model, tokenizer, tasks, settings)
    : await evaluateFlippedLabels(model, tokenizer, tasks, settings);
  const report = new IclReport(name, results);
  run?.logEval(step, Object.fromEntries(Object.entries(report.averages()).map(([setting, acc]) => [`${name}:${setting}`, acc])));
  return report;
}
