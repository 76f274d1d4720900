/** How a classification task is assembled: labels in balanced, shuffled blocks, one draw each. */
import { checkCount } from "../families/common.ts";
import { deriveSeed, Rng } from "../../rng.ts";
import type { ClassificationExample, ClassificationTask } from "../types.ts";

export interface TaskSpec {
  name: string;
  labels: readonly string[];
  role: "train" | "eval";
  instruction: string;
  /** An input whose true label is `label`. */
  draw(rng: Rng, label: string): string;
}

/**
 * Example i depends only on (seed, i): labels come in blocks of one of each, shuffled per block,
 * so any prefix is (nearly) balanced and generate(n) is a prefix of generate(n + 1).
 */
export function classificationTask(spec: TaskSpec): ClassificationTask {
  return {
    name: spec.name,
    labels: spec.labels,
    role: spec.role,
    instruction: spec.instruction,
    generate(n: number, seed: number): ClassificationExample[] {
      checkCount(spec.name, n, seed, "example count");
      const k = spec.labels.length;
      const out: ClassificationExample[] = [];
      let block: string[] = [];
      for (let i = 0; i < n; i++) {
        if (i % k === 0) block = new Rng(deriveSeed(seed, Math.floor(i / k), 0x51ab)).shuffle([...spec.labels]);
        const label = block[i % k]!;
        out.push({ input: spec.draw(new Rng(deriveSeed(seed, i)), label), label });
      }
      return out;
    },
  };
}

/** A pick from `items` that is not in `avoid` (tries a few times, then takes what it has). */
export function pickOther<T>(rng: Rng, items: readonly T[], avoid: (x: T) => boolean): T {
  for (let tries = 0; tries < 50; tries++) {
    const x = rng.pick(items);
    if (!avoid(x)) return x;
  }
  return items.find((x) => !avoid(x)) ?? rng.pick(items);
}

/** A value computed on first use: word pools load WordNet, which only some callers need. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) { value = make(); done = true; }
    return value as T;
  };
}
