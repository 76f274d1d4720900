/**
 * The shared shape of the algorithmic tasks of symbol tuning: a set of hidden functions, each
 * shown through input→target pairs; a row is k exemplars plus a query, and the answer is the
 * query's target (checked exactly, modulo whitespace).
 */
import { deriveSeed, hashString, Rng } from "../../rng.ts";
import { checkCount, fail, generateRows, pass, squash } from "../families/common.ts";
import type { Row, TaskFamily } from "../types.ts";
import { UsageError } from "../../errors.ts";

export interface HiddenFunction<T> {
  name: string;
  description: string;
  apply(x: T): T;
}

export interface Pair {
  input: string;
  target: string;
}

export interface InductionSpec<T> {
  name: string;
  form: string;
  description: string;
  functions: readonly HiddenFunction<T>[];
  sample(rng: Rng): T;
  format(x: T): string;
  /** Exemplars per prompt; the paper evaluated list functions 4-shot. */
  shots: number;
  templates: readonly string[];
}

/** n distinct input/target pairs of one function (BIG-bench style; fewer if inputs run out). */
export function pairsOf<T>(spec: InductionSpec<T>, fn: HiddenFunction<T>, n: number, seed: number): Pair[] {
  checkCount(spec.name, n, seed);
  const rng = new Rng(deriveSeed(seed, hashString(fn.name)));
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  for (let tries = 0; pairs.length < n && tries < n * 50; tries++) {
    const x = spec.sample(rng);
    const input = spec.format(x);
    if (seen.has(input)) continue;
    seen.add(input);
    pairs.push({ input, target: spec.format(fn.apply(x)) });
  }
  return pairs;
}

export function findFunction<T>(spec: InductionSpec<T>, name: string): HiddenFunction<T> {
  const fn = spec.functions.find((f) => f.name === name);
  if (!fn) throw new UsageError(`${spec.name}: no function "${name}"; known: ${spec.functions.map((f) => f.name).join(", ")}`);
  return fn;
}

/** A TaskFamily whose rows are k-shot prompts for a randomly drawn hidden function. */
export function inductionFamily<T>(spec: InductionSpec<T>, domain = "Algorithmic"): TaskFamily {
  const header = { name: spec.name, domain, form: spec.form };
  return {
    ...header,
    checker: "exact",
    description: spec.description,
    templates: spec.templates,
    generate(n: number, seed: number): Row[] {
      return generateRows(header, n, seed, (rng) => {
        const fn = rng.pick(spec.functions);
        const pairs = pairsOf(spec, fn, spec.shots + 1, rng.int(0, 2 ** 31));
        const query = pairs.pop()!;
        const shown = pairs.map((p) => `Input: ${p.input}\nOutput: ${p.target}`).join("\n\n");
        return {
          task: `${spec.name}/${fn.name}`,
          instruction: rng.pick(spec.templates),
          input: `${shown}\n\nInput: ${query.input}\nOutput:`,
          output: query.target,
          meta: { function: fn.name, description: fn.description, exemplars: pairs },
        };
      });
    },
    check(row: Row, prediction: string) {
      const got = squash(prediction).replace(/\s*([,[\]])\s*/g, "$1");
      const want = squash(row.output).replace(/\s*([,[\]])\s*/g, "$1");
      return got === want ? pass() : fail(`${squash(prediction) || "(empty)"} is not ${row.output}`);
    },
  };
}
