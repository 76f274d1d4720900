/**
 * TrainConfig: every setting of a training run as one plain-data object, with its defaults,
 * its help text and its validation here and nowhere else (nanoGPT's one config, HF's
 * TrainingArguments). `resolveTrainConfig` fills in the defaults and checks the values; the
 * resolved object is what the trainer runs with, what a run's config.json records under
 * `train`, and what the checkpoint's trainer_state.json stores under `config`. The %train
 * magic's options are generated from TRAIN_FIELDS, so help and trainer cannot disagree.
 *
 * Batch size means what it means in HF Trainer (per_device_train_batch_size with
 * gradient_accumulation_steps): `batchSize` examples go through one forward/backward pass
 * (the micro-batch, what memory limits), `accumulate` micro-batches make one optimizer step,
 * so one step sees batchSize × accumulate examples.
 */
import { UsageError } from "../errors.ts";

export interface TrainConfig {
  /** Total optimizer steps of the run (a resumed run counts the steps already done). */
  steps: number;
  /** Examples per micro-batch: one forward/backward pass. */
  batchSize: number;
  /** Micro-batches per optimizer step: one step sees batchSize × accumulate examples. */
  accumulate: number;
  /** Peak learning rate. */
  lr: number;
  /** Final learning rate of the cosine decay. */
  minLr: number;
  /** Linear warmup steps. */
  warmup: number;
  /** AdamW decoupled weight decay (matrices only). */
  weightDecay: number;
  /** Global gradient-norm clip; 0 turns clipping off. */
  clip: number;
  /** AdamW betas. */
  betas: [number, number];
  /** Seeds the data order (and, in the stages, the fresh model's weights and the mixture). */
  seed: number;
  /** Evaluate every N steps (0: only at the end). */
  evalEvery: number;
  /** Save a checkpoint every N steps (0: only at the end and on interrupt). */
  checkpointEvery: number;
  /** Step directories kept in the checkpoint folder. */
  keepCheckpoints: number;
}

export type TrainConfigKey = keyof TrainConfig;

type Kind = "integer" | "count" | "positive" | "nonnegative" | "betas";

interface Field {
  kind: Kind;
  help: string;
  /** The default, or how it is derived from the other settings. */
  fallback: (c: Partial<TrainConfig>) => TrainConfig[TrainConfigKey];
  /** The default as the help text shows it. */
  shown: string;
}

const steps = (c: Partial<TrainConfig>) => c.steps ?? 200;
const lr = (c: Partial<TrainConfig>) => c.lr ?? 1e-3;

/** Each setting: what it is, its default, what values it takes. Order = the order of %train?. */
export const TRAIN_FIELDS: Readonly<Record<TrainConfigKey, Field>> = {
  steps: { kind: "count", help: "optimizer steps", fallback: steps, shown: "200" },
  batchSize: {
    kind: "count",
    help: "examples per micro-batch (one forward/backward pass); one optimizer step sees batch-size × accumulate examples",
    fallback: (c) => c.batchSize ?? 16,
    shown: "16",
  },
  accumulate: { kind: "count", help: "micro-batches per optimizer step (gradient accumulation)", fallback: (c) => c.accumulate ?? 1, shown: "1" },
  lr: { kind: "positive", help: "peak learning rate", fallback: lr, shown: "0.001" },
  minLr: { kind: "nonnegative", help: "final learning rate of the cosine decay", fallback: (c) => c.minLr ?? lr(c) / 10, shown: "lr / 10" },
  warmup: {
    kind: "integer",
    help: "linear warmup steps",
    fallback: (c) => c.warmup ?? Math.max(1, Math.round(steps(c) * 0.03)),
    shown: "3% of steps, at least 1",
  },
  weightDecay: { kind: "nonnegative", help: "AdamW weight decay on matrices", fallback: (c) => c.weightDecay ?? 0.1, shown: "0.1" },
  clip: { kind: "nonnegative", help: "global gradient-norm clip (0: off)", fallback: (c) => c.clip ?? 1.0, shown: "1" },
  betas: { kind: "betas", help: "AdamW betas", fallback: (c) => c.betas ?? [0.9, 0.95], shown: "[0.9, 0.95]" },
  seed: { kind: "integer", help: "seed: data order (stages: also the fresh model's weights and the mixture)", fallback: (c) => c.seed ?? 0, shown: "0" },
  evalEvery: { kind: "integer", help: "steps between evaluations (0: only at the end)", fallback: (c) => c.evalEvery ?? 0, shown: "0" },
  checkpointEvery: {
    kind: "integer",
    help: "steps between checkpoints (0: only at the end and on interrupt)",
    fallback: (c) => c.checkpointEvery ?? 0,
    shown: "0",
  },
  keepCheckpoints: { kind: "count", help: "checkpoint step folders kept", fallback: (c) => c.keepCheckpoints ?? 2, shown: "2" },
};

export const TRAIN_CONFIG_KEYS = Object.keys(TRAIN_FIELDS) as TrainConfigKey[];

function check(key: TrainConfigKey, kind: Kind, value: unknown): void {
  const ok =
    kind === "count" ? Number.isInteger(value) && (value as number) >= 1
    : kind === "integer" ? Number.isInteger(value) && (value as number) >= 0
    : kind === "positive" ? typeof value === "number" && Number.isFinite(value) && value > 0
    : kind === "nonnegative" ? typeof value === "number" && Number.isFinite(value) && value >= 0
    : Array.isArray(value) && value.length === 2 && value.every((b) => typeof b === "number" && b >= 0 && b < 1);
  if (ok) return;
  const want = {
    count: "a positive integer",
    integer: "an integer ≥ 0",
    positive: "a number > 0",
    nonnegative: "a number ≥ 0",
    betas: "two numbers in [0, 1), e.g. [0.9, 0.95]",
  }[kind];
  throw new UsageError(`train option "${key}" must be ${want}, got ${JSON.stringify(value)}.`);
}

/** The TrainConfig keys present (not undefined) in `options`; other keys are left alone. */
export function pickTrainConfig(options: Partial<TrainConfig> & object): Partial<TrainConfig> {
  const out: Partial<TrainConfig> = {};
  for (const key of TRAIN_CONFIG_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/**
 * The full config: `given` with every missing setting at its default, each value checked.
 * Unknown keys are an error (a misspelt setting must not silently train with the default).
 */
export function resolveTrainConfig(given: Partial<TrainConfig> = {}): TrainConfig {
  for (const key of Object.keys(given)) {
    if (!(key in TRAIN_FIELDS)) throw new UsageError(`unknown train option "${key}"; the options are ${TRAIN_CONFIG_KEYS.join(", ")}.`);
  }
  const defined = pickTrainConfig(given);
  const out = {} as Record<TrainConfigKey, unknown>;
  for (const key of TRAIN_CONFIG_KEYS) {
    const field = TRAIN_FIELDS[key];
    const value = field.fallback(defined);
    check(key, field.kind, value);
    out[key] = key === "betas" ? [...(value as number[])] : value;
  }
  return out as unknown as TrainConfig;
}
