/**
 * List Functions (BIG-bench `list_functions`, used by symbol tuning's algorithmic evaluation):
 * hidden functions from lists of natural numbers to lists, shown by input/target pairs.
 */
import type { Rng } from "../../rng.ts";
import { type HiddenFunction, type InductionSpec, findFunction, inductionFamily, type Pair, pairsOf } from "./induction.ts";

type L = number[];
const fn = (name: string, description: string, apply: (x: L) => L): HiddenFunction<L> => ({ name, description, apply });

export const listFunctions: readonly HiddenFunction<L>[] = [
  fn("reverse", "reverse the list", (x) => [...x].reverse()),
  fn("sort_ascending", "sort in ascending order", (x) => [...x].sort((a, b) => a - b)),
  fn("sort_descending", "sort in descending order", (x) => [...x].sort((a, b) => b - a)),
  fn("dedupe", "remove repeated elements, keeping first occurrences", (x) => [...new Set(x)]),
  fn("first", "keep only the first element", (x) => x.slice(0, 1)),
  fn("last", "keep only the last element", (x) => x.slice(-1)),
  fn("drop_first", "remove the first element", (x) => x.slice(1)),
  fn("drop_last", "remove the last element", (x) => x.slice(0, -1)),
  fn("add_3", "add 3 to every element", (x) => x.map((v) => v + 3)),
  fn("double", "double every element", (x) => x.map((v) => v * 2)),
  fn("keep_even", "keep the even elements", (x) => x.filter((v) => v % 2 === 0)),
  fn("keep_odd", "keep the odd elements", (x) => x.filter((v) => v % 2 === 1)),
  fn("keep_above_50", "keep the elements greater than 50", (x) => x.filter((v) => v > 50)),
  fn("length", "the number of elements", (x) => [x.length]),
  fn("sum", "the sum of the elements", (x) => [x.reduce((s, v) => s + v, 0)]),
  fn("max", "the largest element", (x) => [Math.max(...x)]),
  fn("min", "the smallest element", (x) => [Math.min(...x)]),
  fn("count_even", "how many elements are even", (x) => [x.filter((v) => v % 2 === 0).length]),
  fn("prepend_7", "insert 7 at the front", (x) => [7, ...x]),
  fn("append_first", "append the first element at the end", (x) => [...x, x[0]!]),
  fn("swap_ends", "swap the first and last elements", (x) => (x.length < 2 ? [...x] : [x[x.length - 1]!, ...x.slice(1, -1), x[0]!])),
  fn("rotate_left", "move the first element to the end", (x) => [...x.slice(1), ...x.slice(0, 1)]),
  fn("take_3", "keep the first three elements", (x) => x.slice(0, 3)),
  fn("repeat_each", "repeat every element twice", (x) => x.flatMap((v) => [v, v])),
  fn("running_sum", "running totals", (x) => x.map((_, i) => x.slice(0, i + 1).reduce((s, v) => s + v, 0))),
  fn("ones_digit", "the last digit of every element", (x) => x.map((v) => v % 10)),
  fn("even_positions", "keep the elements at positions 1, 3, 5, ...", (x) => x.filter((_, i) => i % 2 === 0)),
  fn("indexes", "replace each element by its position, counting from 0", (x) => x.map((_, i) => i)),
];

const spec: InductionSpec<L> = {
  name: "list_functions",
  form: "list",
  description: "BIG-bench-style List Functions: infer a hidden function over lists of natural numbers from 4 input/output pairs and apply it.",
  functions: listFunctions,
  // Never empty, so first/last/max/min are defined; values 0–99 as in BIG-bench.
  sample: (rng: Rng) => Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 99)),
  format: (x) => `[${x.join(", ")}]`,
  shots: 4,
  templates: [
    "Find the rule that turns each input list into its output list, and apply it to the last input.",
    "Each output is computed from its input list by the same hidden function. What is the last output?",
  ],
};

export const listFunctionsFamily = inductionFamily(spec);

/** BIG-bench style pairs of one function (32 per function in the benchmark). */
export function listFunctionPairs(name: string, n = 32, seed = 0): Pair[] {
  return pairsOf(spec, findFunction(spec, name), n, seed);
}
