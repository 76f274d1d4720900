/**
 * %eval: evaluate a trained model (a %train result variable, a run id or a checkpoint path)
 * on a collection variable, on the four in-context settings (--icl) or on flipped labels
 * (--flipped): lib/eval/model.ts evaluateModel. The report displays itself and is recorded in
 * the model's run.
 */
import type { ModelSource } from "../../lib/train/open.ts";
import { registerMagic } from "./registry.ts";
import { asMagic, rowsFromScope, storeAs, valueOrName } from "./scope.ts";

registerMagic({
  name: "eval",
  mode: "line",
  summary: "Evaluate a model: executable checks per task, ICL settings, flipped labels",
  help: [
    "%eval inst --on scan_test                 generate, then score with each family's checker",
    "%eval tuned --icl --per-task 20 --k 4     the four in-context settings on held-out tasks",
    "%eval tuned --flipped --per-task 20       flipped labels on the binary held-out tasks",
    "The result table has accuracy (the checker's verdict), exact match and token F1 per task;",
    "--as stores the full report (every prediction and its verdict).",
  ].join("\n"),
  args: [
    { name: "model", help: "a %train result variable, a run id or a checkpoint path", required: true },
    { name: "on", option: true, help: "variable with the rows to evaluate on" },
    { name: "icl", option: true, flag: true, help: "evaluate the four in-context settings" },
    { name: "flipped", option: true, flag: true, help: "evaluate flipped labels (binary tasks)" },
    { name: "tasks", option: true, help: "--icl/--flipped: comma-separated tasks (default: the held-out ones)" },
    { name: "per-task", option: true, type: "integer", min: 1, default: 20, help: "--icl/--flipped: prompts per task and setting" },
    { name: "k", option: true, type: "integer", min: 1, default: 4, help: "--icl/--flipped: exemplars per class" },
    { name: "seed", option: true, type: "integer", default: 0, help: "seed for the prompts" },
    { name: "batch-size", option: true, type: "integer", min: 1, default: 16, help: "prompts per generation batch" },
    { name: "name", option: true, help: "a name for this evaluation (a column in the run's metrics)" },
    { name: "as", option: true, help: "variable to store the report in" },
  ],
  async run(args, ctx) {
    const { evaluateModel } = await import("../../lib/eval/model.ts");
    const report = await asMagic("%eval", () =>
      evaluateModel(valueOrName(args.model, ctx.scope) as ModelSource, {
        on: args.on === undefined ? undefined : rowsFromScope("%eval", "--on", args.on, ctx.scope),
        icl: args.icl as boolean,
        flipped: args.flipped as boolean,
        tasks: typeof args.tasks === "string" && args.tasks ? args.tasks.split(",").map((t) => t.trim()) : undefined,
        perTask: args.perTask as number,
        k: args.k as number,
        seed: args.seed as number,
        batchSize: args.batchSize as number,
        name: (args.name ?? args.on) as string | undefined,
        signal: ctx.signal,
      }),
    );
    return storeAs("%eval", args.as, report, ctx.scope);
  },
});
