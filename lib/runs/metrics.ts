/**
 * The one shape of a metrics line: what the trainer hands its callbacks and writes to its
 * metrics log, and what a run's metrics.jsonl holds. A line is a step record or an eval
 * record, told apart by `kind`.
 */

/** One optimizer step. */
export interface StepRecord {
  kind: "step";
  step: number;
  /** The run's total steps. */
  steps: number;
  epoch: number;
  /** Mean cross-entropy per completion token of this step's examples. */
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Input tokens (without padding) of this step. */
  tokens: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
}

/**
 * Evaluation numbers at a step, by name: the trainer's `eval_loss` and `eval_targets`,
 * %eval's `<label>_accuracy` and `<label>_n`.
 */
export interface EvalRecord {
  kind: "eval";
  step: number;
  [metric: string]: number | string;
}

export type MetricRecord = StepRecord | EvalRecord;

/** An eval record from a step and its numbers. */
export function evalRecord(step: number, metrics: Record<string, number>): EvalRecord {
  return { ...metrics, kind: "eval", step };
}

/**
 * Reads one parsed metrics line, bringing older lines to today's shape: runs written before
 * the shape was one (`grad_norm`, `tokens_per_s`) and trainer logs that said `type`.
 */
export function toMetricRecord(raw: Record<string, unknown>): MetricRecord {
  const { type, grad_norm, tokens_per_s, ...rest } = raw;
  const line: Record<string, unknown> = { ...rest, kind: rest.kind ?? type };
  if (grad_norm !== undefined && line.gradNorm === undefined) line.gradNorm = grad_norm;
  if (tokens_per_s !== undefined && line.tokensPerSecond === undefined) line.tokensPerSecond = tokens_per_s;
  return line as unknown as MetricRecord;
}
