/**
 * %train / %%train: one training stage (lib/train/stages.ts trainStage) on notebook variables.
 * Its arguments are in train-args.ts; the stage help comes from the stage table; the result
 * displays itself. `--resume RUN` continues a stopped or killed run (lib/train/resume.ts).
 */
import { UsageError } from "../../lib/errors.ts";
import type { ModelSource } from "../../lib/train/open.ts";
import { recordedSources, resumeStage } from "../../lib/train/resume.ts";
import { STAGE_NAMES, STAGES, trainStage, type StageName } from "../../lib/train/stages.ts";
import { withBodyOptions } from "./body.ts";
import { ARGS, CONFIG_KEYS, sourcesOf } from "./train-args.ts";
import { registerMagic } from "./registry.ts";
import { asMagic, rowsFromScope, storeAs, valueOrName } from "./scope.ts";

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
    "%train --resume 20260101-120000-injection   (the rows default to the variables the run used)",
  ].join("\n"),
  args: ARGS,
  async run(line, ctx) {
    const args = ctx.body !== undefined ? withBodyOptions("%%train", line, ctx.body, ARGS) : line;
    if (!args.stage && !args.resume) throw new UsageError(`%train: give --stage (${STAGE_NAMES.join(", ")}) or --resume RUN`);
    const result = await asMagic(args.resume ? "%train --resume" : "%train", () => {
      // A resume reads its rows from the variables the run recorded, unless given again.
      const names = { ...(args.resume ? recordedSources(args.resume as string) : {}), ...sourcesOf(args) };
      const rows = (key: string, required = false) => (names[key] === undefined && !required ? undefined : rowsFromScope("%train", `--${key}`, names[key], ctx.scope));
      const options = {
        ...Object.fromEntries(CONFIG_KEYS.map((k) => [k, args[k] as number | undefined])),
        data: rows("data", !args.resume)!,
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
        sources: sourcesOf(args),
      };
      return args.resume ? resumeStage(args.resume as string, { ...options, stage: args.stage as StageName | undefined }) : trainStage(args.stage as StageName, options);
    });
    result.label = args.as as string | undefined;
    return storeAs("%train", args.as, result, ctx.scope);
  },
});
