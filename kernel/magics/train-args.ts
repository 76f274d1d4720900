/**
 * %train's arguments: the training options generated from TrainConfig's table
 * (lib/train/config.ts), so the help and the trainer cannot disagree, and the stage's own.
 */
import { TRAIN_FIELDS, type TrainConfigKey } from "../../lib/train/config.ts";
import { STAGE_NAMES } from "../../lib/train/stages.ts";
import type { ArgSpec } from "./types.ts";

export const CONFIG_KEYS: TrainConfigKey[] = ["steps", "batchSize", "accumulate", "lr", "minLr", "warmup", "weightDecay", "clip", "seed", "evalEvery", "checkpointEvery", "keepCheckpoints"];

function configArg(key: TrainConfigKey): ArgSpec {
  const { kind, help, shown } = TRAIN_FIELDS[key];
  const [type, min] = kind === "count" ? ["integer", 1] as const : kind === "integer" ? ["integer", 0] as const : ["number", kind === "positive" ? undefined : 0] as const;
  return { name: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), option: true, type, min, help, defaultText: shown };
}

export const ARGS: ArgSpec[] = [
  { name: "stage", option: true, choices: STAGE_NAMES, help: "which stage to run (below)" },
  { name: "data", option: true, help: "variable with the stage's main rows: symbolic rows, symbol-tuning prompts, or instruction rows" },
  { name: "general", option: true, help: "infusion / one-stage: variable with the general instruction rows" },
  { name: "instruction", option: true, help: "symbol-tune: variable with instruction rows to mix in" },
  { name: "instruction-ratio", option: true, type: "number", help: "symbol-tune: prompts : instruction (default 1)" },
  { name: "from", option: true, help: "start from: a %train result variable, a run id, or a checkpoint path" },
  { name: "resume", option: true, help: "continue a stopped or killed run from its latest checkpoint, with its settings and rows: a run id (or unique prefix) or a checkpoint path" },
  { name: "ratio", option: true, type: "number", help: "symbolic : general (default 0.84, the paper's)" },
  { name: "n", option: true, type: "integer", help: "examples in the mixture (default: all rows; infusion: general × (1 + ratio))" },
  ...CONFIG_KEYS.map(configArg),
  { name: "preset", option: true, default: "tiny", help: "model preset for a fresh model (tiny, mini, small)" },
  { name: "block-size", option: true, type: "integer", help: "context length of a fresh model" },
  { name: "eval", option: true, help: "variable with rows whose loss is logged as eval_loss" },
  { name: "name", option: true, help: "a label for the run" },
  { name: "as", option: true, help: "variable to store the result in (model, tokenizer, run)" },
];

/** The row variables named on the line, by option (the run records them). */
export function sourcesOf(args: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(["data", "general", "instruction", "eval"].filter((k) => typeof args[k] === "string").map((k) => [k, args[k] as string]));
}
