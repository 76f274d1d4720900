/**
 * %symbol_tune: the symbol-tuning training collection, or (--eval) in-context evaluation
 * prompts under one of the paper's settings: lib/transforms/symbol-tune.ts symbolTunePrompts.
 */
import { UsageError } from "../../lib/errors.ts";
import { registerMagic } from "./registry.ts";
import { asMagic, storeAs } from "./scope.ts";

registerMagic({
  name: "symbol_tune",
  mode: "line",
  summary: "Build symbol-tuning prompts (arbitrary-symbol labels) or ICL evaluation prompts",
  help: [
    "Training (default): the training classification tasks, no instruction, a random prompt",
    "format per prompt, labels replaced by symbols from the 30k training pool, 2–10 exemplars",
    "per class. --eval: the held-out tasks with k exemplars per class in one setting:",
    "--instruction (task instruction shown) and --symbol-labels (labels replaced by symbols",
    "from the held-out 270k pool); --flip flips the labels of binary tasks.",
    "",
    "%symbol_tune --n 200 --seed 1 --as st",
    "%symbol_tune --eval --k 4 --symbol-labels --n 50 --as icl_eval",
  ].join("\n"),
  args: [
    { name: "tasks", option: true, help: "comma-separated classification tasks (default: the train tasks, or eval tasks with --eval)" },
    { name: "n", option: true, short: "n", type: "integer", min: 0, default: 100, help: "prompts per task" },
    { name: "seed", option: true, type: "integer", default: 0, help: "seed" },
    { name: "min-k", option: true, type: "integer", min: 1, default: 2, help: "training: fewest exemplars per class" },
    { name: "max-k", option: true, type: "integer", min: 1, default: 10, help: "training: most exemplars per class" },
    { name: "pool", option: true, choices: ["train", "eval"], help: "label pool (default: train for training, eval for --eval)" },
    { name: "eval", option: true, flag: true, help: "build evaluation prompts instead" },
    { name: "k", option: true, type: "integer", min: 1, default: 4, help: "--eval: exemplars per class" },
    { name: "instruction", option: true, flag: true, help: "--eval: show the task instruction" },
    { name: "symbol-labels", option: true, flag: true, help: "--eval: replace labels by arbitrary symbols" },
    { name: "flip", option: true, flag: true, help: "--eval: flip the labels of binary tasks (exemplars and query)" },
    { name: "format", option: true, default: "random", help: "--eval: prompt format name, or random" },
    { name: "as", option: true, help: "variable to store the collection in" },
  ],
  async run(args, ctx) {
    if ((args.maxK as number) < (args.minK as number)) throw new UsageError(`%symbol_tune: --max-k (${args.maxK}) must be at least --min-k (${args.minK})`);
    const tasks = typeof args.tasks === "string" ? args.tasks.split(",").map((name) => name.trim()) : undefined;
    const { symbolTunePrompts } = await import("../../lib/transforms/symbol-tune.ts");
    const collection = await asMagic("%symbol_tune", () =>
      symbolTunePrompts({
        eval: args.eval as boolean, tasks, n: args.n as number, seed: args.seed as number,
        minK: args.minK as number, maxK: args.maxK as number, pool: args.pool as "train" | "eval" | undefined,
        k: args.k as number, instruction: args.instruction as boolean, symbolLabels: args.symbolLabels as boolean,
        flip: args.flip as boolean, format: args.format as string,
      }),
    );
    return storeAs("%symbol_tune", args.as, collection, ctx.scope);
  },
});
