/**
 * %train / %%train: one training stage (lib/train/stages.ts trainStage) on notebook variables.
 * The training options are generated from TrainConfig's table (lib/train/config.ts), the
 * stage choices and their help from the stage table; the result displays itself.
 */
import { UsageError } from "../../lib/errors.ts";
import { TRAIN_FIELDS, type TrainConfigKey } from "../../lib/train/config.ts";
import type { ModelSource } from "../../lib/train/open.ts";
import { STAGE_NAMES, STAGES, trainStage, type StageName } from "../../lib/train/stages.ts";
import { withBodyOptions } from "./body.ts";
import { registerMagic } from "./registry.ts";
import { asMagic, rowsFromScope, storeAs, valueOrName } from "./scope.ts";
import type { ArgSpec } from "./types.ts";

const CONFIG_KEYS: TrainConfigKey[] = ["steps", "batchSize", "accumulate", "lr", "minLr", "warmup", "weightDecay", "clip", "seed", "evalEvery", "checkpointEvery", "keepCheckpoints"];

function configArg(key: TrainConfigKey): ArgSpec {
  const { kind, help, shown } = TRAIN_FIELDS[key];
  const [type, min] = kind === "count" ? ["integer", 1] as const : kind === "integer" ? ["integer", 0] as const : ["number", kind === "positive" ? undefined : 0] as const;
  return { name: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), option: true, type, min, help, defaultText: shown };
}

const ARGS: ArgSpec[] = [
  { name: "stage", option: true, choices: STAGE_NAMES, help: "which stage to run (below)" },
  { name: "data", option: true, help: "variable with the stage's main rows: symbolic rows, symbol-tuning prompts, or instruction rows" },
  { name: "general", option: true, help: "infusion / one-stage: variable with the general instruction rows" },
  { name: "instruction", option: true, help: "symbol-tune: variable with instruction rows to mix in" },
  { name: "instruction-ratio", option: true, type: "number", help: "symbol-tune: prompts : instruction (default 1)" },
  { name: "from", option: true, help: "start from: a %train result variable, a run id, or a checkpoint path" },
  { name: "ratio", option: true, type: "number", help: "symbolic : general (default 0.84, the paper's)" },
  { name: "n", option: true, type: "integer", help: "examples in the mixture (default: all rows; infusion: general × (1 + ratio))" },
  ...CONFIG_KEYS.map(configArg),
  { name: "preset", option: true, default: "tiny", help: "model preset for a fresh model (tiny, mini, small)" },
  { name: "block-size", option: true, type: "integer", help: "context length of a fresh model" },
  { name: "eval", option: true, help: "variable with rows whose loss is logged as eval_loss" },
  { name: "name", option: true, help: "a label for the run" },
  { name: "as", option: true, help: "variable to store the result in (model, tokenizer, run)" },
];

registerMagic({
  name: "train",
  mode: "both",
  summary: `Train a stage: ${STAGE_NAMES.join(", ")}`,
  help: [
    "Runs one training stage on notebook variables, records it in the runs directory",
    "(SYMTUNE_RUNS_DIR, default ./runs) and draws the loss curve in place. Interrupting keeps",
    "the model trained so far and its checkpoint. %%train takes the same options in its body,",
    "as JSON or key: value lines; an option both typed on the %%train line and set to another",
    "value in the body is an error naming it. --batch-size is the micro-batch (one",
    "forward/backward pass): one optimizer step sees batch-size × accumulate examples.",
    "",
    ...STAGE_NAMES.map((s) => `  ${s.padEnd(12)} ${STAGES[s].help}`),
    "",
    "%train --stage infusion --from base --data scan --general general --ratio 0.84 --as inst",
  ].join("\n"),
  args: ARGS,
  async run(line, ctx) {
    const args = ctx.body !== undefined ? withBodyOptions("%%train", line, ctx.body, ARGS) : line;
    if (!args.stage) throw new UsageError(`%train: give --stage (${STAGE_NAMES.join(", ")})`);
    const rows = (key: string, required = false) => (args[key] === undefined && !required ? undefined : rowsFromScope("%train", `--${key}`, args[key], ctx.scope));
    const result = await asMagic("%train", () =>
      trainStage(args.stage as StageName, {
        ...Object.fromEntries(CONFIG_KEYS.map((k) => [k, args[k] as number | undefined])),
        data: rows("data", true)!,
        general: rows("general"),
        instruction: rows("instruction"),
        evalRows: rows("eval"),
        ratio: args.ratio as number | undefined,
        instructionRatio: args.instructionRatio as number | undefined,
        n: args.n as number | undefined,
        from: valueOrName(args.from, ctx.scope) as ModelSource | undefined,
        name: args.name as string | undefined, preset: args.preset as string,
        model: args.blockSize !== undefined ? { blockSize: args.blockSize as number } : undefined,
        signal: ctx.signal,
      }),
    );
    result.label = args.as as string | undefined;
    return storeAs("%train", args.as, result, ctx.scope);
  },
});
