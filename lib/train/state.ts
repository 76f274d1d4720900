/**
 * TrainerState: what a checkpoint's trainer_state.json holds so a run continues exactly where
 * it stopped (HF's TrainerState): the step, the data cursor, the loss history and the run's
 * resolved TrainConfig, the same object the run's config.json records under `train`.
 * lib/model/checkpoint.ts stores it as opaque JSON; this module owns its shape and reads it.
 */
import { DataError } from "../errors.ts";
import { resolveTrainConfig, type TrainConfig } from "./config.ts";

export interface TrainerState {
  /** Optimizer steps completed. */
  step: number;
  /** Where the batcher stands; with config.seed it fixes the data order (one RNG stream per epoch). */
  cursor: { epoch: number; batch: number };
  /** Mean training loss of each completed step, index 0 = step 1. */
  losses: number[];
  config: TrainConfig;
}

/**
 * The trainer state of a checkpoint, or undefined when it holds weights only. Checkpoints
 * written before TrainConfig (`seed` beside `options`) are read into today's shape here, the
 * one place that knows the old one.
 */
export function readTrainerState(raw: Record<string, unknown> | undefined, file: string): TrainerState | undefined {
  if (raw === undefined) return undefined;
  const { step, cursor, losses } = raw as Partial<TrainerState>;
  let config = raw.config as Partial<TrainConfig> | undefined;
  if (config === undefined && raw.options !== undefined) {
    const { minLr, ...options } = raw.options as Partial<TrainConfig>;
    config = { ...options, ...(minLr === undefined ? {} : { minLr }), seed: raw.seed as number };
  }
  if (!Number.isInteger(step) || !cursor || !Array.isArray(losses) || config === undefined) {
    throw new DataError("the trainer state lacks step, cursor, losses or config; it was not written by symtune's trainer.", { file });
  }
  let resolved: TrainConfig;
  try {
    resolved = resolveTrainConfig(config);
  } catch (error) {
    throw new DataError((error as Error).message, { file, field: "config" });
  }
  checkConsistent({ step: step!, cursor, losses, config: resolved }, file);
  return { step: step!, cursor, losses, config: resolved };
}

/**
 * Types, ranges and consistency, each a DataError naming the field: a hand-edited or damaged
 * state must not "complete" without training (`step` past the run), crash later (`cursor`
 * of the wrong shape) or silently change the curve (losses that are not the steps').
 */
function checkConsistent(state: TrainerState, file: string): void {
  const bad = (field: string, what: string) => new DataError(what, { file, field });
  const { step, cursor, losses, config } = state;
  if (step < 0 || step > config.steps) throw bad("step", `step ${step} is outside 0..${config.steps} (the run's steps)`);
  if (typeof cursor !== "object" || Array.isArray(cursor)) throw bad("cursor", "the data cursor must be {epoch, batch}");
  for (const key of ["epoch", "batch"] as const) {
    if (!Number.isInteger(cursor[key]) || cursor[key] < 0) throw bad(`cursor.${key}`, `cursor.${key} must be a whole number ≥ 0, got ${JSON.stringify(cursor[key])}`);
  }
  if (losses.length !== step) throw bad("losses", `${losses.length} losses for ${step} steps (one per completed step)`);
  const notFinite = losses.findIndex((loss) => typeof loss !== "number" || !Number.isFinite(loss));
  if (notFinite >= 0) throw bad(`losses[${notFinite}]`, `loss of step ${notFinite + 1} is ${JSON.stringify(losses[notFinite])}, not a finite number`);
}
