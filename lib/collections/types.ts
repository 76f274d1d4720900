/**
 * A row of a symbolic collection: one text-to-symbol example. Every path through symtune
 * (collection → transform → prompts → tokens → model → metrics → figure) carries rows of
 * this shape.
 */

export type Split = "train" | "valid" | "test";

export interface RowMeta {
  /** Symbols the instruction defines (e.g. SCAN's I_TURN_RIGHT); what Symbol-evol renames. */
  symbols?: string[];
  /** Symbol-evol's mapping original → renamed, kept so the rename can be inverted. */
  evol?: Record<string, string>;
  seed?: number;
  /** Where the row came from: a family name, or file:line for loaded rows. */
  source?: string;
  /** Kept from the released data when present. */
  type?: string;
  origin_id?: string;
  /** Anything a family's checker needs to execute the answer (schema, scene, tests...). */
  [key: string]: unknown;
}

export interface Row {
  task: string;
  domain: string;
  /** The symbolic form of the output: "SQL", "PDDL", "FOL", "regex", ... */
  form: string;
  instruction: string;
  input: string;
  output: string;
  split: Split;
  meta: RowMeta;
}

/** How a family's checker decides. */
export type CheckerKind = "execution" | "simulation" | "equivalence" | "exact" | "f1";

export interface CheckResult {
  correct: boolean;
  /** 1/0 for pass/fail checkers; F1 or partial credit where the metric is graded. */
  score: number;
  /** One sentence on why, for tables and debugging. */
  detail?: string;
}

/** A built-in generator of text-to-symbol tasks with a checker that executes the answer. */
export interface TaskFamily {
  name: string;
  domain: string;
  form: string;
  checker: CheckerKind;
  description: string;
  /** Instruction templates; a row picks one with its seed. */
  templates: readonly string[];
  /** Deterministic: the same (n, seed) gives the same rows, byte for byte. */
  generate(n: number, seed: number): Row[];
  check(row: Row, prediction: string): CheckResult | Promise<CheckResult>;
}

/** A classification task with natural-language labels, for symbol tuning. */
export interface ClassificationExample {
  input: string;
  label: string;
}

export interface ClassificationTask {
  name: string;
  /** Natural-language labels, e.g. ["negative", "positive"]. Binary tasks have two. */
  labels: readonly string[];
  /** Which side of the paper's split: tasks tuned on, or held out for evaluation. */
  role: "train" | "eval";
  /** The task instruction used in the "instruction" settings. */
  instruction: string;
  generate(n: number, seed: number): ClassificationExample[];
}
