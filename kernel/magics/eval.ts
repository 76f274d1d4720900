/**
 * %eval: evaluate a trained model (a %train result variable, or a run id) by generating
 * answers and checking them: on a collection variable (each row scored by its family's
 * executable checker), on the four in-context settings of symbol tuning (--icl), or on
 * flipped labels (--flipped). Results are recorded in the model's run and returned as a table.
 */
import { UsageError } from "../../lib/errors.ts";
import type { Row } from "../../lib/collections/types.ts";
import type { GPT } from "../../lib/model/gpt.ts";
import type { Tokenizer } from "../../lib/model/tokenizer.ts";
import type { Run } from "../../lib/runs/registry.ts";
import { storeAs } from "./collection.ts";
import { registerMagic } from "./registry.ts";

interface Evaluated {
  model: GPT;
  tokenizer: Tokenizer;
  run?: Run;
  step: number;
}

async function modelFrom(name: unknown, scope: Record<string, unknown>): Promise<Evaluated> {
  if (typeof name !== "string" || name === "") throw new UsageError("%eval: name the model: a %train result variable or a run id");
  const held = scope[name] as { model?: GPT; tokenizer?: Tokenizer; run?: Run; train?: { step: number } } | undefined;
  if (held && typeof held === "object" && held.model && held.tokenizer) {
    return { model: held.model, tokenizer: held.tokenizer, run: held.run, step: held.train?.step ?? 0 };
  }
  const { openRun } = await import("../../lib/runs/registry.ts");
  const { loadCheckpoint } = await import("../../lib/model/checkpoint.ts");
  const { initBackend } = await import("../../lib/backend/ladder.ts");
  let run: Run;
  try {
    run = openRun(name);
  } catch {
    throw new UsageError(`%eval: "${name}" is neither a %train result variable nor a run id (see %runs list)`);
  }
  await initBackend();
  const { readTrainerState } = await import("../../lib/train/state.ts");
  const loaded = loadCheckpoint(run.checkpointDir);
  return { model: loaded.model, tokenizer: loaded.tokenizer, run, step: readTrainerState(loaded.trainer, loaded.path)?.step ?? 0 };
}

function rowsFrom(name: unknown, scope: Record<string, unknown>): readonly Row[] {
  const value = typeof name === "string" ? scope[name] : undefined;
  if (Array.isArray(value)) return value as Row[];
  if (value && typeof value === "object" && Array.isArray((value as { rows?: unknown }).rows)) return (value as { rows: Row[] }).rows;
  throw new UsageError(`%eval: --on "${String(name)}" is not a collection or an array of rows (make one with %collection load ... --as NAME)`);
}

async function classificationTasks(list: unknown) {
  const registry = await import("../../lib/collections/registry.ts");
  if (typeof list !== "string" || list === "") return registry.classificationTasksFor("eval");
  return list.split(",").map((name) => {
    const entry = registry.getFamily(name.trim());
    if (!entry.task) throw new UsageError(`%eval: "${entry.name}" is not a classification task`);
    return entry.task;
  });
}

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
    { name: "model", help: "a %train result variable or a run id", required: true },
    { name: "on", option: true, help: "variable with the rows to evaluate on" },
    { name: "icl", option: true, flag: true, help: "evaluate the four in-context settings" },
    { name: "flipped", option: true, flag: true, help: "evaluate flipped labels (binary tasks)" },
    { name: "tasks", option: true, help: "--icl/--flipped: comma-separated tasks (default: the held-out ones)" },
    { name: "per-task", option: true, type: "integer", default: 20, help: "--icl/--flipped: prompts per task and setting" },
    { name: "k", option: true, type: "integer", default: 4, help: "--icl/--flipped: exemplars per class" },
    { name: "seed", option: true, type: "integer", default: 0, help: "seed for the prompts" },
    { name: "batch-size", option: true, type: "integer", default: 16, help: "prompts per generation batch" },
    { name: "name", option: true, help: "a name for this evaluation (a column in the run's metrics)" },
    { name: "as", option: true, help: "variable to store the report or results in" },
  ],
  async run(args, ctx) {
    const chosen = [args.on !== undefined, args.icl === true, args.flipped === true].filter(Boolean).length;
    if (chosen !== 1) throw new UsageError("%eval: give exactly one of --on VAR, --icl or --flipped");
    const target = await modelFrom(args.model, ctx.scope);
    const { table } = await import("../../lib/display/table.ts");
    const label = (args.name as string | undefined) ?? (args.icl ? "icl" : args.flipped ? "flipped" : String(args.on));
    if (args.on !== undefined) {
      const { evaluateRows } = await import("../../lib/eval/evaluate.ts");
      const report = await evaluateRows(target.model, target.tokenizer, rowsFrom(args.on, ctx.scope), {
        batchSize: args.batchSize as number,
        signal: ctx.signal,
        name: label,
      });
      target.run?.logEval(target.step, { [`${label}_accuracy`]: report.accuracy, [`${label}_n`]: report.scored.length });
      storeAs("%eval", args.as, report, ctx.scope);
      return report.table();
    }
    const icl = await import("../../lib/eval/icl.ts");
    const tasks = await classificationTasks(args.tasks);
    const options = { perTask: args.perTask as number, k: args.k as number, seed: args.seed as number, batchSize: args.batchSize as number };
    const results = args.icl
      ? await icl.evaluateIclSettings(target.model, target.tokenizer, tasks, options)
      : await icl.evaluateFlippedLabels(target.model, target.tokenizer, tasks, options);
    const averages = Object.fromEntries(results.filter((r) => r.task === "average").map((r) => [`${label}:${r.setting}`, r.accuracy]));
    target.run?.logEval(target.step, averages);
    storeAs("%eval", args.as, results, ctx.scope);
    return table(results.map((r) => ({ ...r })), { caption: `${label}: accuracy`, digits: 1, units: { accuracy: "%" } });
  },
});
