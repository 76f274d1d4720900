/**
 * Simple Turing Concepts (symbol tuning's second algorithmic benchmark): hidden functions from
 * binary strings to binary strings, shown by input/target pairs.
 */
import type { Rng } from "../../rng.ts";
import { type HiddenFunction, type InductionSpec, findFunction, inductionFamily, type Pair, pairsOf } from "./induction.ts";

const fn = (name: string, description: string, apply: (x: string) => string): HiddenFunction<string> => ({ name, description, apply });
const flip = (b: string) => (b === "0" ? "1" : "0");

export const turingConcepts: readonly HiddenFunction<string>[] = [
  fn("invert", "flip every bit", (x) => [...x].map(flip).join("")),
  fn("reverse", "reverse the string", (x) => [...x].reverse().join("")),
  fn("append_1", "append a 1", (x) => `${x}1`),
  fn("prepend_0", "put a 0 in front", (x) => `0${x}`),
  fn("drop_last", "remove the last bit", (x) => x.slice(0, -1)),
  fn("drop_first", "remove the first bit", (x) => x.slice(1)),
  fn("double_bits", "write every bit twice", (x) => [...x].map((b) => b + b).join("")),
  fn("repeat", "write the string twice", (x) => x + x),
  fn("rotate_left", "move the first bit to the end", (x) => x.slice(1) + x.slice(0, 1)),
  fn("rotate_right", "move the last bit to the front", (x) => x.slice(-1) + x.slice(0, -1)),
  fn("keep_ones", "delete every 0", (x) => x.replace(/0/g, "")),
  fn("sort_bits", "all 0s first, then all 1s", (x) => [...x].sort().join("")),
  fn("parity_bit", "append 1 if the number of 1s is odd, else 0", (x) => x + ([...x].filter((b) => b === "1").length % 2)),
  fn("xor_alternating", "flip the bits at positions 2, 4, 6, ...", (x) => [...x].map((b, i) => (i % 2 === 1 ? flip(b) : b)).join("")),
  fn("swap_pairs", "swap each pair of neighbouring bits", (x) => x.replace(/(.)(.)/g, "$2$1")),
  fn("first_to_end_inverted", "move the first bit to the end, flipped", (x) => x.slice(1) + flip(x[0]!)),
];

const spec: InductionSpec<string> = {
  name: "simple_turing_concepts",
  form: "binary string",
  description: "Simple Turing Concepts: infer a hidden binary-string → binary-string function from 4 examples and apply it.",
  functions: turingConcepts,
  sample: (rng: Rng) => Array.from({ length: rng.int(2, 9) }, () => (rng.chance(0.5) ? "1" : "0")).join(""),
  format: (x) => x,
  shots: 4,
  templates: [
    "Work out how each output string is made from its input string, then give the last output.",
    "The outputs follow one hidden rule over binary strings. Apply it to the last input.",
  ],
};

export const simpleTuringConceptsFamily = inductionFamily(spec);

export function turingConceptPairs(name: string, n = 32, seed = 0): Pair[] {
  return pairsOf(spec, findFunction(spec, name), n, seed);
}
