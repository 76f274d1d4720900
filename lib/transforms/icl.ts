/**
 * In-context classification prompts as in symbol tuning (Wei et al. 2023): k exemplars per
 * class then a query, in one of the paper's prompt formats, under the four evaluation settings
 * (task instruction yes/no × relevant natural-language labels yes/no), and with flipped labels
 * for binary tasks (exemplars and query both flipped: the flipped answer is the correct one).
 *
 * A prompt depends only on (task, seed, prompt index): flipping, the instruction and the label
 * kind never change which exemplars are drawn or their order, so settings compare like for like.
 */
import { Collection } from "../collections/collection.ts";
import { deriveSeed, hashString, Rng } from "../rng.ts";
import type { ClassificationExample, ClassificationTask, Row } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import { drawSymbols, symbolPool, type PoolName } from "./labels.ts";

export interface PromptFormat {
  name: string;
  /** Marker before the input, e.g. "Input:"; for inline formats, the separator "->". */
  input: string;
  output: string;
  /** `x -> y` on one line instead of two marked lines. */
  inline?: boolean;
}

export const PROMPT_FORMATS: readonly PromptFormat[] = [
  { name: "input-output", input: "Input:", output: "Output:" },
  { name: "input-target", input: "Input:", output: "Target:" },
  { name: "input-label", input: "Input:", output: "Label:" },
  { name: "input-answer", input: "Input:", output: "Answer:" },
  { name: "question-answer", input: "Question:", output: "Answer:" },
  { name: "student-teacher", input: "Student:", output: "Teacher:" },
  { name: "x-y", input: "X =", output: "Y =" },
  { name: "q-a", input: "Q:", output: "A:" },
  { name: "sentence-label", input: "Sentence:", output: "Label:" },
  { name: "arrow", input: "", output: "->", inline: true },
];

export interface IclOptions {
  /** Exemplars per class (the paper evaluates with k = 4). */
  k: number;
  /** When set, each prompt draws its own k uniformly from [k, kMax] (symbol tuning: 2–10). */
  kMax?: number;
  /** Prepend the task's instruction. Default false. */
  instruction?: boolean;
  /** Show the natural-language labels (true, default) or arbitrary symbols from `pool`. */
  relevantLabels?: boolean;
  /** Binary tasks only: every exemplar and the query carry the other label. */
  flip?: boolean;
  /** Where symbols come from when relevantLabels is false; default "eval" (held out). */
  pool?: PoolName;
  /** A format name from PROMPT_FORMATS, or "random" (default): one drawn per prompt. */
  format?: string;
}

export interface IclMeta {
  task: string;
  format: string;
  instruction: boolean;
  relevantLabels: boolean;
  flipped: boolean;
  /** Natural label → the label shown in the prompt (before any flip). */
  labels: Record<string, string>;
  /** True natural label of the query. */
  queryLabel: string;
  /** True natural labels of the exemplars, in prompt order. */
  exemplarLabels: string[];
  /** Exemplars per class. */
  k: number;
}

export interface IclPrompt {
  prompt: string;
  completion: string;
  meta: IclMeta;
}

export function formatByName(name: string): PromptFormat {
  const format = PROMPT_FORMATS.find((f) => f.name === name);
  if (!format) throw new UsageError(`unknown prompt format "${name}"; use one of ${PROMPT_FORMATS.map((f) => f.name).join(", ")} or random`);
  return format;
}

function renderPair(format: PromptFormat, input: string, label: string | undefined): string {
  const answer = label === undefined ? "" : label;
  if (format.inline) return `${input} ${format.output} ${answer}`;
  return `${format.input} ${input}\n${format.output} ${answer}`;
}

/**
 * The prompt text for given exemplars and query, shown labels already decided. Ends with the
 * output marker and a space ("Output: "), so the completion is the bare label.
 */
export function renderIclPrompt(
  format: PromptFormat,
  exemplars: readonly { input: string; shown: string }[],
  query: string,
  instruction?: string,
): string {
  const separator = format.inline ? "\n" : "\n\n";
  const blocks = exemplars.map((e) => renderPair(format, e.input, e.shown));
  blocks.push(renderPair(format, query, undefined));
  const body = blocks.join(separator);
  return instruction ? `${instruction}\n\n${body}` : body;
}

function otherLabel(task: ClassificationTask, label: string): string {
  return task.labels[0] === label ? task.labels[1]! : task.labels[0]!;
}

/** The example bank a task's prompts draw from, grouped by label. */
function exampleBank(task: ClassificationTask, size: number, seed: number): Map<string, ClassificationExample[]> {
  const groups = new Map<string, ClassificationExample[]>(task.labels.map((l) => [l, []]));
  for (const example of task.generate(size, seed)) {
    const group = groups.get(example.label);
    if (!group) throw new UsageError(`task "${task.name}" generated label "${example.label}", which is not one of its labels (${task.labels.join(", ")})`);
    group.push(example);
  }
  return groups;
}

export interface IclBatchOptions extends IclOptions {
  seed: number;
  /** Examples generated per task to draw exemplars and queries from. */
  bankSize?: number;
}

/** `count` in-context prompts for one task. */
export function iclPrompts(task: ClassificationTask, count: number, options: IclBatchOptions): IclPrompt[] {
  const { k, seed, instruction = false, relevantLabels = true, flip = false, pool = "eval", format = "random" } = options;
  if (!(Number.isInteger(k) && k >= 1)) throw new UsageError(`k (exemplars per class) must be a positive integer, got ${k}`);
  const kMax = options.kMax ?? k;
  if (!(Number.isInteger(kMax) && kMax >= k)) throw new UsageError(`kMax must be an integer ≥ k (${k}), got ${kMax}`);
  if (flip && task.labels.length !== 2) {
    throw new UsageError(`flipped labels need a binary task; "${task.name}" has ${task.labels.length} labels`);
  }
  const fixedFormat = format === "random" ? undefined : formatByName(format);
  const taskSeed = deriveSeed(seed, hashString(task.name));
  const bankSize = options.bankSize ?? Math.max(256, 2 * count + 4 * kMax * task.labels.length);
  const bank = exampleBank(task, bankSize, taskSeed);
  for (const [label, group] of bank) {
    if (group.length < kMax + 1) {
      throw new UsageError(`task "${task.name}": only ${group.length} examples of label "${label}" among ${bankSize}; need ${kMax + 1} (use a smaller k or a larger bankSize)`);
    }
  }
  const symbols = relevantLabels ? undefined : symbolPool(pool);
  const prompts: IclPrompt[] = [];
  for (let i = 0; i < count; i++) {
    const rng = new Rng(deriveSeed(taskSeed, i));
    const chosenFormat = fixedFormat ?? rng.pick(PROMPT_FORMATS);
    const kHere = kMax === k ? k : rng.int(k, kMax);
    const queryLabel = rng.pick(task.labels);
    const query = rng.pick(bank.get(queryLabel)!);
    const exemplars = task.labels.flatMap((label) =>
      pickDistinct(bank.get(label)!, kHere + 1, rng).filter((e) => e !== query).slice(0, kHere),
    );
    rng.shuffle(exemplars);
    // Symbols are drawn last, so the exemplars do not depend on the label setting.
    const drawn = symbols ? drawSymbols(symbols, task.labels.length, rng, undefined, task.labels) : task.labels;
    const labels = Object.fromEntries(task.labels.map((l, j) => [l, drawn[j]!]));
    const shown = (label: string) => labels[flip ? otherLabel(task, label) : label]!;
    const prompt = renderIclPrompt(
      chosenFormat,
      exemplars.map((e) => ({ input: e.input, shown: shown(e.label) })),
      query.input,
      instruction ? task.instruction : undefined,
    );
    prompts.push({
      prompt,
      completion: shown(queryLabel),
      meta: {
        task: task.name,
        format: chosenFormat.name,
        instruction,
        relevantLabels,
        flipped: flip,
        labels,
        queryLabel,
        exemplarLabels: exemplars.map((e) => e.label),
        k: kHere,
      },
    });
  }
  return prompts;
}

/** k distinct items, O(k): a Fisher–Yates whose swaps live in a map instead of a copy. */
function pickDistinct<T>(items: readonly T[], k: number, rng: Rng): T[] {
  const swapped = new Map<number, number>();
  const out: T[] = [];
  for (let i = 0; i < Math.min(k, items.length); i++) {
    const j = rng.int(i, items.length - 1);
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(items[atJ]!);
  }
  return out;
}

/** An in-context prompt as a collection row: no instruction field, the prompt is the input. */
export function iclRow(p: IclPrompt, split: Row["split"] = "test", source = "icl"): Row {
  return {
    task: p.meta.task,
    domain: "classification",
    form: "label",
    instruction: "",
    input: p.prompt,
    output: p.completion,
    split,
    meta: { ...p.meta, source },
  };
}

/** In-context evaluation prompts for several tasks under one setting, as a collection. */
export function iclCollection(tasks: readonly ClassificationTask[], perTask: number, options: IclBatchOptions): Collection {
  const rows = tasks.flatMap((task) => iclPrompts(task, perTask, options).map((p) => iclRow(p)));
  const setting = `${options.instruction ? "instruction" : "no-instruction"}+${options.relevantLabels === false ? "symbol-labels" : "relevant-labels"}${options.flip ? "+flipped" : ""}`;
  return new Collection(rows, `icl:${setting}`);
}
