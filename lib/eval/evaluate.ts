/**
 * Evaluating a model on rows: generate an answer for each row's prompt (greedy, KV cache,
 * batched), then score it (score.ts: the family's executable checker, exact match, token F1).
 * The same path serves held-in and held-out tasks, Symbol-evol renamings never seen in
 * training, general NL tasks (forgetting), List Functions and Turing concepts, and the
 * in-context classification settings of symbol tuning (icl.ts).
 */
import { Collection } from "../collections/collection.ts";
import { builtinFamilies } from "../collections/families/index.ts";
import { toPrompt } from "../prompts/format.ts";
import type { Row, TaskFamily } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import { generate } from "../prompts/generate.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";
import { table, type Table } from "../display/table.ts";
import { percent } from "./metrics.ts";
import { scorePredictions, scoresByTask, type ScoredRow, type TaskScore } from "./score.ts";

export interface GenerateRowsOptions {
  /** New tokens per answer; default: the longest reference in tokens + 8, at most blockSize. */
  maxNewTokens?: number;
  /** Prompts per generation batch (default 16). */
  batchSize?: number;
  /** Stop sequences (e.g. "\n" for one-line labels). */
  stop?: string[];
  signal?: AbortSignal;
}

export interface EvalOptions extends GenerateRowsOptions {
  /** Families whose checkers score the rows; default every built-in family. */
  families?: readonly TaskFamily[];
  /** A name for the report (a table title; a column in combined tables). */
  name?: string;
}

/** Generated answers scored: per row and per task. Displays itself as the per-task table. */
export class EvalReport implements Displayable {
  readonly byTask: TaskScore[];
  /** Percent of rows the checker accepted. */
  readonly accuracy: number;

  constructor(
    readonly name: string,
    readonly scored: ScoredRow[],
  ) {
    this.byTask = scoresByTask(scored);
    this.accuracy = percent(scored.map((s) => (s.correct ? 1 : 0)));
  }

  /** The per-task table: accuracy (the checker's verdict), exact match, token F1. */
  table(): Table {
    return table(this.byTask.map((t) => ({ ...t })), { caption: this.name, digits: 1, units: { accuracy: "%" } });
  }

  [displaySymbol](): MimeBundle | Promise<MimeBundle> {
    return this.table()[displaySymbol]();
  }
}

function rowsOf(rows: Collection | readonly Row[]): readonly Row[] {
  return rows instanceof Collection ? rows.rows : rows;
}

/** Greedy answers for each row's prompt, in row order. */
export async function generateAnswers(
  model: GPT,
  tokenizer: Tokenizer,
  rows: Collection | readonly Row[],
  options: GenerateRowsOptions = {},
): Promise<string[]> {
  const list = rowsOf(rows);
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a positive integer, got ${batchSize}`);
  const longest = Math.max(1, ...list.map((r) => tokenizer.encode(r.output).length));
  const maxNewTokens = Math.min(options.maxNewTokens ?? longest + 8, model.config.blockSize);
  // Batches of similar prompt length: generate() feeds the longer prompts of a batch one token
  // per forward pass, so mixed lengths cost up to (longest − shortest) extra passes.
  const prompts = list.map((r) => toPrompt(r).prompt);
  const order = prompts.map((p, i) => [tokenizer.encode(p).length, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
  const answers: string[] = new Array(list.length);
  for (let start = 0; start < order.length; start += batchSize) {
    if (options.signal?.aborted) throw new UsageError("evaluation interrupted");
    const batch = order.slice(start, start + batchSize);
    const out = await generate(model, tokenizer, batch.map((i) => prompts[i]!), { maxNewTokens, temperature: 0, stop: options.stop });
    out.forEach((g, j) => (answers[batch[j]!] = g.text.trim()));
  }
  return answers;
}

/** Generates and scores: per-row verdicts and per-task accuracy / exact match / token F1. */
export async function evaluateRows(
  model: GPT,
  tokenizer: Tokenizer,
  rows: Collection | readonly Row[],
  options: EvalOptions = {},
): Promise<EvalReport> {
  const list = rowsOf(rows);
  if (list.length === 0) throw new UsageError("evaluate: no rows to evaluate on");
  const predictions = await generateAnswers(model, tokenizer, list, options);
  const scored = await scorePredictions(list, predictions, options.families ?? builtinFamilies);
  return report(options.name ?? (rows instanceof Collection ? rows.name : "eval"), scored);
}

export function report(name: string, scored: ScoredRow[]): EvalReport {
  return new EvalReport(name, scored);
}
