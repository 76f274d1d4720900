/**
 * The registry of built-in collections under one name space: the symbolic task families
 * (text → symbols with executable checkers; lib/collections/families), the algorithmic tasks
 * of symbol tuning (List Functions, Simple Turing Concepts), the general instruction data, and
 * the classification tasks with natural-language labels. `symtune collection list` and
 * `%collection load NAME` read it.
 */
import { existsSync } from "node:fs";
import { table, type Table } from "../display/table.ts";
import { UsageError } from "../errors.ts";
import { nearestNames, orList } from "../nearest.ts";
import { Collection } from "./collection.ts";
import { loadCollection, type LoadOptions } from "./load.ts";
import { algorithmicFamilies } from "./algorithmic/index.ts";
import { classificationTasks } from "./classification/index.ts";
import { families } from "./families/index.ts";
import { generalFamily, generalHeldOutFamily } from "./general/index.ts";
import type { CheckerKind, ClassificationTask, Row, TaskFamily } from "./types.ts";

export type Kind = "family" | "algorithmic" | "general" | "classification";
const KIND_ORDER: readonly Kind[] = ["family", "algorithmic", "general", "classification"];

export interface FamilyInfo {
  name: string;
  kind: Kind;
  domain: string;
  /** The symbolic form of the output ("SQL", "PDDL", ...); "label" for classification. */
  form: string;
  checker: CheckerKind;
  description: string;
  /** Classification tasks: tuned on ("train") or held out ("eval"), as in the paper's 22/11. */
  role?: "train" | "eval";
  labels?: readonly string[];
}

export interface RegistryEntry extends FamilyInfo {
  generate(n: number, seed: number): Row[];
  family?: TaskFamily;
  task?: ClassificationTask;
}

/** A classification example as a row: the task's instruction, the input, the label. */
export function classificationRows(task: ClassificationTask, n: number, seed: number): Row[] {
  return task.generate(n, seed).map((example, i) => ({
    task: task.name,
    domain: "classification",
    form: "label",
    instruction: task.instruction,
    input: example.input,
    output: example.label,
    split: task.role === "train" ? "train" : "test",
    meta: { source: task.name, seed, index: i, labels: [...task.labels] },
  }));
}

function entries(): RegistryEntry[] {
  const fromFamily = (family: TaskFamily, kind: Kind): RegistryEntry => ({
    name: family.name,
    kind,
    domain: family.domain,
    form: family.form,
    checker: family.checker,
    description: family.description,
    generate: (n, seed) => family.generate(n, seed),
    family,
  });
  const fromFamilies = [
    ...families.map((f) => fromFamily(f, "family")),
    ...algorithmicFamilies.map((f) => fromFamily(f, "algorithmic")),
    fromFamily(generalFamily, "general"),
    fromFamily(generalHeldOutFamily, "general"),
  ];
  const fromTasks = classificationTasks.map(
    (task): RegistryEntry => ({
      name: task.name,
      kind: "classification",
      domain: "classification",
      form: "label",
      checker: "exact",
      description: `${task.labels.length}-way classification (${task.labels.join(" / ")}); ${task.role === "train" ? "a symbol-tuning training task" : "held out for evaluation"}`,
      role: task.role,
      labels: task.labels,
      generate: (n, seed) => classificationRows(task, n, seed),
      task,
    }),
  );
  return [...fromFamilies, ...fromTasks];
}

/** The built-in collections as a table (what `%collection list` shows). */
export function familiesTable(): Table {
  const infos = listFamilies().map(({ name, kind, domain, form, checker, role }) => ({ name, kind, domain, form, checker, role: role ?? "" }));
  return table(infos, { caption: `${infos.length} built-in collections` });
}

/** Every built-in collection: symbolic families, algorithmic, general, classification; by name. */
export function listFamilies(): FamilyInfo[] {
  return entries()
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name))
    .map(({ generate: _g, family: _f, task: _t, ...info }) => info);
}

/** The entry named `name`; a UsageError suggesting the nearest names otherwise. */
export function getFamily(name: string): RegistryEntry {
  const all = entries();
  const found = all.find((e) => e.name === name);
  if (found) return found;
  const near = nearestNames(name, all.map((e) => e.name)).map((n) => `"${n}"`);
  const hint = near.length ? `; did you mean ${orList(near)}?` : "";
  throw new UsageError(`unknown collection "${name}"${hint} (%collection list or symtune collection list shows all ${all.length})`);
}

/** The classification tasks on one side of the paper's split. */
export function classificationTasksFor(role: "train" | "eval"): ClassificationTask[] {
  return classificationTasks.filter((t) => t.role === role);
}

/** `n` rows of a built-in family or classification task as a collection. */
export function generateCollection(name: string, n: number, seed: number): Collection {
  // n and seed are checked by the generator, whose message names the collection.
  return new Collection(getFamily(name).generate(n, seed), name);
}

/** Options of openCollection: `n` and `seed` generate a family; the rest read files (load.ts). */
export interface OpenCollectionOptions extends LoadOptions {
  /** Rows to generate from a family (default 100). */
  n?: number;
  /** Seeds generation, and a file's `sample`. */
  seed?: number;
}

/** True when `target` names a file or folder rather than a built-in collection. */
export function isDataPath(target: string): boolean {
  return /[\\/]/.test(target) || /\.(jsonl|json)$/.test(target) || existsSync(target);
}

/**
 * A collection by name or path, the choice `%collection load` makes: a built-in family or
 * task name is generated (`n` rows, `seed`), a .jsonl/.json file or a folder is loaded.
 */
export async function openCollection(target: string, options: OpenCollectionOptions = {}): Promise<Collection> {
  if (typeof target !== "string" || target === "") throw new UsageError("give a family name (see %collection list) or a .jsonl/.json file or folder");
  const { n = 100, seed = 0, ...load } = options;
  if (!isDataPath(target)) return generateCollection(target, n, seed);
  return loadCollection(target, load);
}

/**
 * The classification task named `name` (symbol tuning and ICL evaluation use these), or a
 * UsageError saying what the name is instead and the nearest task names.
 */
export function classificationTaskNamed(name: string): ClassificationTask {
  const found = classificationTasks.find((t) => t.name === name);
  if (found) return found;
  if (entries().some((e) => e.name === name)) throw new UsageError(`"${name}" is a task family, not a classification task`);
  const near = nearestNames(name, classificationTasks.map((t) => t.name)).map((n) => `"${n}"`);
  const hint = near.length ? `; did you mean ${orList(near)}?` : "";
  throw new UsageError(`unknown classification task "${name}"${hint} (%collection list shows the ${classificationTasks.length} of kind classification)`);
}

/** The family a row came from (its meta.source, else its task name), among `among` (default: every built-in family). */
export function familyOfRow(row: Row, among: readonly TaskFamily[] = entries().flatMap((e) => (e.family ? [e.family] : []))): TaskFamily | undefined {
  const source = typeof row.meta.source === "string" ? row.meta.source : undefined;
  return among.find((f) => f.name === source) ?? among.find((f) => f.name === row.task);
}
