/**
 * The symbol-tuning training collection (Wei et al. 2023, §3): in-context prompts from the
 * training classification tasks with no instruction, a prompt format drawn per prompt, labels
 * replaced by arbitrary symbols from the training pool, and 2–10 exemplars per class — so the
 * only way to answer is to read the input→label mapping of the exemplars.
 */
import { Collection } from "../collections/collection.ts";
import { Rng } from "../rng.ts";
import type { ClassificationTask } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import { iclPrompts, iclRow } from "./icl.ts";
import type { PoolName } from "./labels.ts";

export interface SymbolTuneOptions {
  /** Prompts per task (the paper: up to 25k per dataset). */
  perTask: number;
  seed: number;
  /** Exemplars per class, drawn per prompt from [minK, maxK]; the paper's 2–10 by default. */
  minK?: number;
  maxK?: number;
  /** Symbols from the training pool (default) or, for a contrast, the held-out one. */
  pool?: PoolName;
}

export function symbolTuningCollection(tasks: readonly ClassificationTask[], options: SymbolTuneOptions): Collection {
  const { perTask, seed, minK = 2, maxK = 10, pool = "train" } = options;
  if (tasks.length === 0) throw new UsageError("symbol tuning needs at least one classification task");
  if (!(Number.isInteger(perTask) && perTask >= 0)) throw new UsageError(`perTask must be a non-negative integer, got ${perTask}`);
  const rows = tasks.flatMap((task) =>
    iclPrompts(task, perTask, { k: minK, kMax: maxK, seed, pool, relevantLabels: false, instruction: false, format: "random" }).map(
      (p) => iclRow(p, "train", "symbol-tune"),
    ),
  );
  // Tasks interleaved, as in a mixture: a prefix of the collection covers every task.
  return new Collection(new Rng(seed).shuffle(rows), "symbol-tune");
}
