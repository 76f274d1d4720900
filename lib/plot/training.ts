/**
 * What a training run shows while it trains, in the manner of HF Trainer's notebook progress:
 * one output updated in place with a bar (step/total, elapsed, ETA, steps/s, tokens/s, last
 * loss) and, under it, a small table of eval metrics as they arrive; beside it the live loss
 * curve. Outside a kernel (scripts, `symtune run` logs) the bar falls back to text lines.
 *
 *   const view = new TrainingView({ title: "injection", total: steps, signal });
 *   train({ ..., onStep: (m) => view.step(m), onEval: (m) => view.eval(m.step, { eval_loss: m.loss }) });
 *   const figure = await view.finish();
 */
import { progress, type ProgressBar } from "../display/progress.ts";
import { table, type TableRow } from "../display/table.ts";
import type { Figure } from "./figure.ts";
import { LiveCurve } from "./live.ts";

export interface TrainingViewOptions {
  /** The run's name; the bar's label and the curve's title. */
  title: string;
  /** Optimizer steps of the run. */
  total: number;
  /** The step the run starts after (a resumed run), so the bar's rate and ETA count only new steps. */
  startStep?: number;
  /** The cell's interrupt (see LiveCurve). */
  signal?: AbortSignal;
  /** Leave out the curve (e.g. a script that plots afterwards). */
  curve?: boolean;
}

/** Eval rows kept in the table under the bar (older ones are in the run's metrics). */
const EVAL_ROWS = 5;

export interface StepView {
  step: number;
  loss: number;
  tokensPerSecond?: number;
  lr?: number;
}

export class TrainingView {
  readonly bar: ProgressBar;
  readonly curve: LiveCurve | null;
  private readonly evals: TableRow[] = [];
  private readonly signal: AbortSignal | undefined;

  constructor(options: TrainingViewOptions) {
    this.bar = progress({ total: options.total, label: options.title, initial: options.startStep });
    this.signal = options.signal;
    this.curve = options.curve === false ? null : new LiveCurve({ title: `${options.title}: loss`, signal: options.signal });
  }

  step(m: StepView): void {
    const fields: Record<string, number> = { loss: m.loss };
    if (m.tokensPerSecond !== undefined) fields["tokens/s"] = Math.round(m.tokensPerSecond);
    this.bar.update(m.step, fields);
    this.curve?.add("train loss", m.step, m.loss);
  }

  /** An evaluation's numbers at `step`: a row in the bar's table; losses also on the curve. */
  eval(step: number, metrics: Record<string, number>): void {
    this.evals.push({ step, ...metrics });
    const shown = this.evals.slice(-EVAL_ROWS);
    const more = this.evals.length - shown.length;
    this.bar.setDetail(table(shown, { caption: more > 0 ? `eval (last ${EVAL_ROWS} of ${this.evals.length})` : "eval", digits: 3 }));
    for (const [name, value] of Object.entries(metrics)) {
      if (/loss/.test(name)) this.curve?.add(name.replace(/_/g, " "), step, value, "lines+markers");
    }
  }

  /** Ends the bar and sends the final curve; returns the curve's figure (null without one). */
  async finish(): Promise<Figure | null> {
    if (this.signal?.aborted) this.bar.update(this.bar.value, { stopped: "interrupted" });
    this.bar.close();
    return this.curve ? await this.curve.finish() : null;
  }
}
