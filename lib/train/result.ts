/**
 * StageResult: what a training stage gives back — the trained model and its tokenizer, the
 * trainer's result, the run it was recorded as and its checkpoint. It displays itself as a
 * one-row summary, so `%train` and a plain `await injectionStage(...)` cell show the same.
 */
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";
import { table, type Table } from "../display/table.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import type { Run } from "../runs/registry.ts";
import type { TrainResult } from "./trainer.ts";

export class StageResult implements Displayable {
  constructor(
    readonly stage: string,
    readonly model: GPT,
    readonly tokenizer: Tokenizer,
    readonly train: TrainResult,
    /** Examples of each kind in the stage's mixture ("symbolic", "general", ...). */
    readonly counts: Record<string, number>,
    /** The run in the registry (undefined with runs: false). */
    readonly run?: Run,
    /** A label for the summary's caption (the variable it is stored in, the run's name). */
    public label?: string,
  ) {}

  get runId(): string | undefined {
    return this.run?.id;
  }

  /** The last checkpoint written (undefined with runs: false). */
  get checkpoint(): string | undefined {
    return this.train.checkpoint;
  }

  /** One row: run, stage, status, steps, final loss, parameters, wall time, examples per kind. */
  summary(): Table {
    const { stopped, step, losses, seconds } = this.train;
    const kept = stopped === "interrupted" ? `; interrupted at step ${step}, the model is kept${this.checkpoint ? ` and saved to ${this.checkpoint}` : ""}` : "";
    return table(
      [
        {
          run: this.runId ?? "",
          stage: this.stage,
          status: stopped,
          steps: step,
          final_loss: losses.at(-1) ?? null,
          params: this.model.paramCount(),
          wall_s: seconds,
          ...Object.fromEntries(Object.entries(this.counts).map(([k, v]) => [`n_${k}`, v])),
        },
      ],
      { caption: `${this.stage}${this.label ? ` → ${this.label}` : ""}${kept}`, digits: { final_loss: 3, wall_s: 1 } },
    );
  }

  [displaySymbol](): MimeBundle | Promise<MimeBundle> {
    return this.summary()[displaySymbol]();
  }
}
