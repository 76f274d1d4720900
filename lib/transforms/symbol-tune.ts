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
import { classificationTaskNamed, classificationTasksFor } from "../collections/registry.ts";
import { iclCollection, iclPrompts, iclRow } from "./icl.ts";
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

export interface SymbolTunePromptsOptions {
  /** Build in-context evaluation prompts (held-out tasks, one setting) instead of training prompts. */
  eval?: boolean;
  /** Classification task names (default: the training tasks, or the held-out ones with `eval`). */
  tasks?: readonly string[];
  /** Prompts per task. */
  n: number;
  seed: number;
  /** Training: exemplars per class drawn from [minK, maxK] (default 2–10). */
  minK?: number;
  maxK?: number;
  /** Label pool (default: train for training, eval for evaluation). */
  pool?: PoolName;
  /** Evaluation: exemplars per class (default 4). */
  k?: number;
  /** Evaluation: show the task instruction. */
  instruction?: boolean;
  /** Evaluation: replace labels by arbitrary symbols. */
  symbolLabels?: boolean;
  /** Evaluation: flip the labels of binary tasks (without `tasks`: the binary held-out tasks only). */
  flip?: boolean;
  /** Evaluation: a prompt format name, or "random" (default). */
  format?: string;
}

/** The collection `%symbol_tune` builds: symbol-tuning training prompts, or ICL evaluation prompts. */
export function symbolTunePrompts(options: SymbolTunePromptsOptions): Collection {
  const role = options.eval ? "eval" : "train";
  const named = (name: string) => {
    try {
      return classificationTaskNamed(name);
    } catch (error) {
      throw error instanceof UsageError ? new UsageError(`tasks: ${error.message}`) : error;
    }
  };
  const tasks = options.tasks?.map(named) ?? classificationTasksFor(role);
  if (!options.eval) return symbolTuningCollection(tasks, { perTask: options.n, seed: options.seed, minK: options.minK, maxK: options.maxK, pool: options.pool ?? "train" });
  const notBinary = tasks.filter((t) => t.labels.length !== 2).map((t) => t.name);
  if (options.flip && options.tasks && notBinary.length) {
    throw new UsageError(`flipped labels need binary tasks; ${notBinary.join(", ")} ${notBinary.length > 1 ? "have" : "has"} more than two labels`);
  }
  // Flipped labels without named tasks: the binary held-out tasks, as in the paper's test.
  const chosen = options.flip ? tasks.filter((t) => t.labels.length === 2) : tasks;
  return iclCollection(chosen, options.n, {
    k: options.k ?? 4,
    seed: options.seed,
    instruction: options.instruction ?? false,
    relevantLabels: !options.symbolLabels,
    flip: options.flip ?? false,
    pool: options.pool ?? "eval",
    format: options.format ?? "random",
  });
}
