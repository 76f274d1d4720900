/**
 * Natural language → regular expression (NL2RX-like). Each row stores strings the regex must
 * match in full and strings it must reject; the checker runs the prediction on both.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, generateRows, pass } from "./common.ts";

interface CharClass { name: string; plural: string; re: string; chars: string }
const CLASSES: readonly CharClass[] = [
  { name: "digit", plural: "digits", re: "[0-9]", chars: "0123456789" },
  { name: "lowercase letter", plural: "lowercase letters", re: "[a-z]", chars: "abcdefghijklmnopqrstuvwxyz" },
  { name: "uppercase letter", plural: "uppercase letters", re: "[A-Z]", chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
  { name: "vowel", plural: "vowels", re: "[aeiou]", chars: "aeiou" },
];
const WORDS = ["dog", "cat", "ab", "xy", "run", "top", "42", "zz", "Q7", "sun"] as const;
/** The alphabet of filler and random strings: a mix of every class. */
const FILLER = "abexyzAQ0179";

interface Concept { text: string; regex: string; positive: (rng: Rng) => string }

const filler = (rng: Rng, max: number) =>
  Array.from({ length: rng.int(0, max) }, () => rng.pick([...FILLER])).join("");
const run = (rng: Rng, c: CharClass, lo: number, hi: number) =>
  Array.from({ length: rng.int(lo, hi) }, () => rng.pick([...c.chars])).join("");

function concept(rng: Rng): Concept {
  const c = rng.pick(CLASSES);
  const [w, w2] = rng.sample(WORDS, 2) as [string, string];
  const k = rng.int(2, 4);
  switch (rng.int(0, 9)) {
    case 0: return { text: `lines starting with "${w}"`, regex: `${w}.*`, positive: (r) => w + filler(r, 5) };
    case 1: return { text: `lines ending with "${w}"`, regex: `.*${w}`, positive: (r) => filler(r, 5) + w };
    case 2: return { text: `lines containing "${w}"`, regex: `.*${w}.*`, positive: (r) => filler(r, 3) + w + filler(r, 3) };
    case 3: return { text: `lines made only of ${c.plural}, at least one`, regex: `${c.re}+`, positive: (r) => run(r, c, 1, 6) };
    case 4: return { text: `lines of exactly ${k} ${c.plural}`, regex: `${c.re}{${k}}`, positive: (r) => run(r, c, k, k) };
    case 5: return { text: `lines that start with ${/^[aeiou]/.test(c.name) ? "an" : "a"} ${c.name} and end with "${w}"`, regex: `${c.re}.*${w}`,
      positive: (r) => run(r, c, 1, 1) + filler(r, 3) + w };
    case 6: return { text: `"${w}" followed by one or more ${c.plural}`, regex: `${w}${c.re}+`, positive: (r) => w + run(r, c, 1, 4) };
    case 7: return { text: `lines containing "${w}" and later "${w2}"`, regex: `.*${w}.*${w2}.*`,
      positive: (r) => filler(r, 2) + w + filler(r, 2) + w2 + filler(r, 2) };
    case 8: return { text: `lines starting with "${w}" or "${w2}"`, regex: `(${w}|${w2}).*`,
      positive: (r) => r.pick([w, w2]) + filler(r, 4) };
    default: return { text: `lines with at least ${k} ${c.plural} and nothing else`, regex: `${c.re}{${k},}`,
      positive: (r) => run(r, c, k, k + 3) };
  }
}

/** Near misses: one edit away from a positive, so a slightly wrong regex gets caught. */
function mutate(rng: Rng, s: string): string {
  const i = rng.int(0, Math.max(0, s.length - 1));
  const ch = rng.pick([...FILLER]);
  switch (rng.int(0, 3)) {
    case 0: return s.slice(0, i) + s.slice(i + 1);
    case 1: return s.slice(0, i) + ch + s.slice(i);
    case 2: return s.slice(0, i) + ch + s.slice(i + 1);
    default: return ch + s + rng.pick([...FILLER]);
  }
}

const TEMPLATES = [
  "Write a regular expression for the lines described. The whole line must match.",
  "Give a regex (JavaScript syntax, no delimiters) that matches exactly the lines described.",
  "Translate the description into a regular expression that fully matches those lines and no others.",
] as const;

const HEADER = { name: "regex", domain: "Code", form: "regex" };
const MAX_LENGTH = 200;

export function fullMatcher(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

export const regex: TaskFamily = {
  ...HEADER,
  checker: "execution",
  description: "Descriptions of string sets to regular expressions; run on stored positive and negative strings.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const c = concept(rng);
      const re = fullMatcher(c.regex);
      const positives = new Set<string>();
      const negatives = new Set<string>();
      for (let tries = 0; tries < 200 && (positives.size < 5 || negatives.size < 6); tries++) {
        const p = c.positive(rng);
        if (positives.size < 5 && re.test(p)) positives.add(p);
        const m = tries % 3 === 2 ? filler(rng, 8) : mutate(rng, p);
        if (negatives.size < 6 && !re.test(m)) negatives.add(m);
      }
      return {
        instruction: rng.pick(TEMPLATES),
        input: c.text,
        output: c.regex,
        meta: { positives: [...positives], negatives: [...negatives] },
      };
    });
  },
  check(row: Row, prediction: string) {
    const source = prediction.trim();
    if (source.length > MAX_LENGTH) return fail(`the regex is longer than ${MAX_LENGTH} characters`);
    let re: RegExp;
    try {
      re = fullMatcher(source);
    } catch (error) {
      return fail(`not a valid regular expression: ${(error as Error).message}`);
    }
    const positives = (row.meta.positives ?? []) as string[];
    const negatives = (row.meta.negatives ?? []) as string[];
    const missed = positives.find((s) => !re.test(s));
    if (missed !== undefined) return fail(`does not match "${missed}", which it should`);
    const wrong = negatives.find((s) => re.test(s));
    if (wrong !== undefined) return fail(`matches "${wrong}", which it should not`);
    return pass(`matches all ${positives.length} positives and none of ${negatives.length} negatives`);
  },
};
