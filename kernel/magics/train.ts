/**
 * %train / %%train: the training stages of lib/train/stages.ts. Thin: parse, look up the data
 * variables, run the stage (live loss curve, interrupt → the model and its checkpoint kept),
 * store the result under --as, return a one-row summary table.
 *
 *   %train --stage injection --data scan_train --steps 300 --as base
 *   %%train --as inst            (body: JSON, or key: value lines)
 *   stage: infusion
 *   from: base
 *   data: scan_train
 *   general: general
 */
import { UsageError } from "../../lib/errors.ts";
import type { Row } from "../../lib/collections/types.ts";
import { TRAIN_FIELDS, type TrainConfigKey } from "../../lib/train/config.ts";
import { storeAs } from "./collection.ts";
import { registerMagic } from "./registry.ts";
import type { ArgSpec, MagicArgs } from "./types.ts";

const STAGES = ["injection", "infusion", "one-stage", "symbol-tune", "instruction"] as const;

/** The %train options of the training settings, generated from TrainConfig's one table. */
const CONFIG_OPTIONS: TrainConfigKey[] = [
  "steps", "batchSize", "accumulate", "lr", "minLr", "warmup", "weightDecay", "clip", "seed", "evalEvery", "checkpointEvery", "keepCheckpoints",
];

function configArg(key: TrainConfigKey): ArgSpec {
  const field = TRAIN_FIELDS[key];
  const integer = field.kind === "count" || field.kind === "integer";
  return {
    name: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
    option: true,
    type: integer ? "integer" : "number",
    min: field.kind === "count" ? 1 : field.kind === "positive" ? undefined : 0,
    help: field.help,
    defaultText: field.shown,
  };
}

const ARGS: ArgSpec[] = [
  { name: "stage", option: true, choices: STAGES, help: "which stage to run" },
  { name: "data", option: true, help: "variable with the stage's main rows: symbolic (injection, infusion, one-stage), symbol-tuning prompts, or instruction rows" },
  { name: "general", option: true, help: "infusion / one-stage: variable with the general instruction rows" },
  { name: "instruction", option: true, help: "symbol-tune: variable with instruction rows to mix in" },
  { name: "instruction-ratio", option: true, type: "number", help: "symbol-tune: prompts : instruction (default 1)" },
  { name: "from", option: true, help: "start from: a %train result variable, a run id, or a checkpoint path (required for infusion)" },
  { name: "ratio", option: true, type: "number", help: "symbolic : general (default 0.84, the paper's)" },
  { name: "n", option: true, type: "integer", help: "examples in the mixture (default: all rows; infusion: general × (1 + ratio))" },
  ...CONFIG_OPTIONS.map(configArg),
  { name: "preset", option: true, default: "tiny", help: "model preset for a fresh model (tiny, mini, small)" },
  { name: "block-size", option: true, type: "integer", help: "context length of a fresh model" },
  { name: "eval", option: true, help: "variable with rows whose loss is logged as eval_loss" },
  { name: "name", option: true, help: "a label for the run" },
  { name: "as", option: true, help: "variable to store the result in (model, tokenizer, run id)" },
];

/** `key: value` lines (or a JSON object) → argument values, keys camelCased like the options. */
export function parseConfigBody(body: string): Record<string, unknown> {
  const text = body.trim();
  if (text === "") return {};
  if (text.startsWith("{")) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`%%train: the body is not valid JSON (${(error as Error).message})`);
    }
  }
  const out: Record<string, unknown> = {};
  text.split("\n").forEach((line, i) => {
    const clean = line.replace(/#.*$/, "").trim();
    if (!clean) return;
    const m = /^([A-Za-z][\w-]*)\s*[:=]\s*(.*)$/.exec(clean);
    if (!m) throw new UsageError(`%%train: body line ${i + 1} "${line.trim()}" is not "key: value"`);
    const key = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const raw = m[2]!.trim();
    out[key] = raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  });
  return out;
}

function knownKeys(): Map<string, ArgSpec> {
  return new Map(ARGS.map((a) => [a.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), a]));
}

/**
 * The body fills what the line did not type. A key typed on the line and set to another
 * value in the body is a conflict, named (never silently resolved); unknown body keys are
 * named with the valid ones.
 */
function mergeArgs(args: MagicArgs, body: Record<string, unknown>): Record<string, unknown> {
  const keys = knownKeys();
  const merged: Record<string, unknown> = { ...args };
  for (const [key, value] of Object.entries(body)) {
    const spec = keys.get(key);
    if (!spec) throw new UsageError(`%%train: unknown config key "${key}"; known keys: ${[...keys.keys()].join(", ")}`);
    if (spec.choices && !spec.choices.includes(String(value))) {
      throw new UsageError(`%%train: ${key} must be one of ${spec.choices.join(", ")}; got '${String(value)}'`);
    }
    if ((spec.type === "integer" && !Number.isInteger(value)) || (spec.type === "number" && typeof value !== "number")) {
      throw new UsageError(`%%train: ${key} expects ${spec.type === "integer" ? "an integer" : "a number"}, got '${String(value)}'`);
    }
    if (!args._typed.includes(key)) merged[key] = value;
    else if (args[key] !== value) {
      throw new UsageError(`%%train: ${key} is ${String(args[key])} on the %%train line but ${String(value)} in the body; give it in one place`);
    }
  }
  return merged;
}

type RowsValue = readonly Row[] | { rows: readonly Row[] };

function rowsVar(option: string, name: unknown, scope: Record<string, unknown>): RowsValue {
  if (typeof name !== "string" || name === "") throw new UsageError(`%train: --${option} needs a variable name`);
  const value = scope[name];
  const isRows = (v: unknown) => Array.isArray(v) || (v !== null && typeof v === "object" && Array.isArray((v as { rows?: unknown }).rows));
  if (!isRows(value)) {
    throw new UsageError(`%train: --${option} "${name}" is not a collection or an array of rows (make one with %collection load ... --as ${name})`);
  }
  return value as RowsValue;
}

function startFrom(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value !== "string") return undefined;
  const held = scope[value];
  if (held && typeof held === "object" && "train" in held && "model" in held) return held; // a %train result
  return value; // a run id or a checkpoint path
}

registerMagic({
  name: "train",
  mode: "both",
  summary: "Train a stage: injection, infusion, one-stage, symbol-tune or instruction",
  help: [
    "Runs one training stage on notebook variables, records it in the runs directory",
    "(SYMTUNE_RUNS_DIR, default ./runs) and draws the loss curve in place. Interrupting keeps",
    "the model trained so far and its checkpoint. %%train takes the same options in its body,",
    "as JSON or key: value lines; an option both typed on the %%train line and set to another",
    "value in the body is an error naming it. --batch-size is the micro-batch (one",
    "forward/backward pass): one optimizer step sees batch-size × accumulate examples.",
    "",
    "%train --stage injection --data scan --steps 300 --as base",
    "%train --stage infusion --from base --data scan --general general --ratio 0.84 --as inst",
    "%train --stage one-stage --data scan --general general --as mixed",
    "%train --stage symbol-tune --data st --instruction general --as tuned",
  ].join("\n"),
  args: ARGS,
  async run(args, ctx) {
    const given = ctx.body !== undefined ? mergeArgs(args, parseConfigBody(ctx.body)) : args;
    const stage = given.stage as (typeof STAGES)[number] | undefined;
    if (!stage) throw new UsageError(`%train: give --stage (${STAGES.join(", ")})`);
    const stages = await import("../../lib/train/stages.ts");
    const common = {
      ...Object.fromEntries(CONFIG_OPTIONS.map((k) => [k, given[k] as number | undefined])),
      name: given.name as string | undefined,
      preset: given.preset as string,
      model: given.blockSize !== undefined ? { blockSize: given.blockSize as number } : undefined,
      n: given.n as number | undefined,
      evalRows: given.eval !== undefined ? (rowsVar("eval", given.eval, ctx.scope) as never) : undefined,
      signal: ctx.signal,
      from: startFrom(given.from, ctx.scope) as never,
    };
    const data = () => rowsVar("data", given.data, ctx.scope) as never;
    const general = () => rowsVar("general", given.general, ctx.scope) as never;
    const ratio = given.ratio as number | undefined;
    let result;
    switch (stage) {
      case "injection":
        result = await stages.injectionStage({ ...common, symbolic: data() });
        break;
      case "infusion":
        if (given.from === undefined) throw new UsageError("%train: the infusion stage needs --from (the injection result variable, run id or checkpoint)");
        result = await stages.infusionStage({ ...common, from: common.from, symbolic: data(), general: general(), ratio });
        break;
      case "one-stage":
        result = await stages.oneStage({ ...common, symbolic: data(), general: general(), ratio });
        break;
      case "symbol-tune":
        result = await stages.symbolTuneStage({
          ...common,
          prompts: data(),
          instruction: given.instruction !== undefined ? (rowsVar("instruction", given.instruction, ctx.scope) as never) : undefined,
          instructionRatio: given.instructionRatio as number | undefined,
        });
        break;
      case "instruction":
        result = await stages.instructionStage({ ...common, instruction: data() });
        break;
    }
    storeAs("%train", given.as, result, ctx.scope);
    if (result.train.stopped === "interrupted") {
      ctx.print(`interrupted at step ${result.train.step}; the model is kept${result.checkpoint ? ` and saved to ${result.checkpoint}` : ""}\n`);
    }
    const { table } = await import("../../lib/display/table.ts");
    return table(
      [
        {
          run: result.runId ?? "",
          stage,
          status: result.train.stopped,
          steps: result.train.step,
          final_loss: result.train.losses.at(-1) ?? null,
          params: result.model.paramCount(),
          wall_s: result.train.seconds,
          ...Object.fromEntries(Object.entries(result.counts).map(([k, v]) => [`n_${k}`, v])),
        },
      ],
      { caption: `%train ${stage}${given.as ? ` → ${String(given.as)}` : ""}`, digits: { final_loss: 3, wall_s: 1 } },
    );
  },
});
