/**
 * General instruction data for the Infusion stage and for measuring forgetting: questions
 * about real words (WordNet definitions, hypernyms, synonyms, antonyms, parts of speech; AFINN
 * sentiment) and templated text tasks. Every row has a checker: exact (any accepted answer),
 * contains, or token F1.
 */
import { hashString, type Rng } from "../../rng.ts";
import type { CheckResult, Row, TaskFamily } from "../types.ts";
import { fail, generateRows, pass } from "../families/common.ts";
import { bagF1 } from "../f1.ts";
import { escapeRegExp } from "../tokens.ts";
import { antonymPairs, definitions, exampleSentences, familiar, hypernymPairs, sentimentWords, singlePos, synonymPairs } from "./lexicon.ts";

export type GeneralMetric = "exact" | "contains" | "f1";

interface Draft { kind: string; instruction: string; input: string; output: string; metric: GeneralMetric; accept?: string[] }

const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

function draft(rng: Rng): Draft {
  const nouns = familiar("noun");
  const word = () => rng.pick(nouns).lemma;
  switch (rng.int(0, 12)) {
    case 0: {
      const d = rng.pick(definitions());
      return { kind: "definition", instruction: rng.pick(["Define the word.", "What does this word mean?", "Give a short dictionary definition of the word."]),
        input: `${d.word} (${d.pos})`, output: d.definition, metric: "f1" };
    }
    case 1: {
      const [w, up] = rng.pick(hypernymPairs());
      return { kind: "hypernym", instruction: "Name the broader category the thing belongs to.", input: `${/^[aeiou]/.test(w) ? "An" : "A"} ${w} is a kind of what?`, output: up[0]!, metric: "exact", accept: up };
    }
    case 2: {
      const [w, s, all] = rng.pick(synonymPairs());
      return { kind: "synonym", instruction: rng.pick(["Give a synonym of the word.", "Write a word that means the same."]), input: w, output: s, metric: "exact", accept: all };
    }
    case 3: {
      const [w, a] = rng.pick(antonymPairs());
      return { kind: "antonym", instruction: rng.pick(["Give the opposite of the word.", "What is the antonym?"]), input: w, output: a, metric: "exact" };
    }
    case 4: {
      const { word: w, pos } = rng.pick(singlePos());
      return { kind: "part_of_speech", instruction: "Is the word a noun, a verb, an adjective or an adverb?", input: w, output: pos, metric: "exact" };
    }
    case 5: {
      const [w, score] = rng.pick(sentimentWords());
      return { kind: "sentiment", instruction: "Does the word express a positive or a negative feeling?", input: w, output: score > 0 ? "positive" : "negative", metric: "exact" };
    }
    case 6: {
      const w = word();
      return { kind: "reverse", instruction: "Spell the word backwards.", input: w, output: [...w].reverse().join(""), metric: "exact" };
    }
    case 7: {
      const w = word();
      return { kind: "letters", instruction: "How many letters does the word have? Answer with a number.", input: w, output: String(w.length), metric: "exact", accept: [String(w.length), ...(NUMBER_WORDS[w.length] ? [NUMBER_WORDS[w.length]!] : [])] };
    }
    case 8: {
      const ws = Array.from({ length: rng.int(3, 5) }, word);
      return { kind: "sort", instruction: "Sort the words alphabetically and list them separated by spaces.", input: ws.join(" "), output: [...ws].sort().join(" "), metric: "exact" };
    }
    case 9: {
      const [a, b] = [rng.int(2, 99), rng.int(2, 99)];
      const op = rng.pick(["+", "-", "*"] as const);
      const value = op === "+" ? a + b : op === "-" ? a - b : a * b;
      return { kind: "arithmetic", instruction: "Compute the result.", input: `${a} ${op} ${b}`, output: String(value), metric: "exact" };
    }
    case 10: {
      const w = word();
      const n = [...w].filter((c) => "aeiou".includes(c)).length;
      return { kind: "vowels", instruction: "Count the vowels (a, e, i, o, u) in the word.", input: w, output: String(n), metric: "exact", accept: [String(n), NUMBER_WORDS[n]!] };
    }
    case 11: {
      const [x, y] = [word(), word()];
      return { kind: "dictionary_order", instruction: "Which of the two words comes first in a dictionary?", input: `${x} or ${y}`, output: x < y ? x : y, metric: "exact" };
    }
    default: {
      const [w, example] = rng.pick(exampleSentences());
      return { kind: "use_in_sentence", instruction: "Write a sentence that uses the word.", input: w, output: example, metric: "contains", accept: [w] };
    }
  }
}

const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, " ").replace(/\s+/g, " ").trim();
const tokens = (s: string) => normalise(s).split(" ").filter((t) => t && !["a", "an", "the"].includes(t));

/** SQuAD-style token F1 (lowercase, punctuation and articles removed). */
export function tokenF1(prediction: string, reference: string): number {
  return bagF1(tokens(prediction), tokens(reference));
}

/** F1 at or above this counts as correct for free-text answers. */
export const F1_CORRECT = 0.5;

export function checkGeneral(row: Row, prediction: string): CheckResult {
  const metric = (row.meta.metric ?? "exact") as GeneralMetric;
  const accept = ((row.meta.accept as string[] | undefined) ?? [row.output]).map(normalise);
  const got = normalise(prediction);
  if (metric === "f1") {
    const f1 = tokenF1(prediction, row.output);
    const score = Math.round(f1 * 10000) / 10000;
    return f1 >= F1_CORRECT ? { correct: true, score, detail: `token F1 ${score.toFixed(3)}` } : fail(`token F1 ${score.toFixed(3)} is below ${F1_CORRECT}`, score);
  }
  if (metric === "contains") {
    const hit = accept.find((a) => new RegExp(`(^| )${escapeRegExp(a)}( |$)`).test(got));
    return hit && got.split(" ").length >= 3 ? pass(`uses "${hit}"`) : fail(`does not use ${accept.map((a) => `"${a}"`).join(" or ")} in a sentence`);
  }
  return accept.includes(got) ? pass() : fail(`"${prediction.trim()}" is not ${accept.map((a) => `"${a}"`).join(" or ")}`);
}

/** One input in five is held out: a stable hash of the input decides, whatever the seed. */
export function isHeldOut(input: string): boolean {
  return hashString(input) % 5 === 0;
}

const TEMPLATES = ["Define the word.", "Give a synonym of the word.", "Spell the word backwards.", "Compute the result."];

function generalFamilyFor(heldOut: boolean): TaskFamily {
  const header = { name: heldOut ? "general_heldout" : "general", domain: "general", form: "text" };
  return {
    ...header,
    checker: "exact",
    description: heldOut
      ? "General data on held-out inputs (disjoint from \"general\"), for measuring forgetting; split test."
      : "General instruction data from WordNet 3.1 and AFINN plus templated text tasks; per-row metric exact, contains or token F1 (meta.metric).",
    templates: TEMPLATES,
    generate(n: number, seed: number): Row[] {
      const rows = generateRows(header, n, seed, (rng) => {
        let d = draft(rng);
        while (isHeldOut(d.input) !== heldOut) d = draft(rng);
        return { task: "general", instruction: d.instruction, input: d.input, output: d.output,
          meta: { kind: d.kind, metric: d.metric, ...(d.accept ? { accept: d.accept } : {}) } };
      });
      return heldOut ? rows.map((r) => ({ ...r, split: "test" })) : rows;
    },
    check: checkGeneral,
  };
}

/** Training-side general data (inputs outside the held-out fifth). */
export const generalFamily = generalFamilyFor(false);
/** General data whose inputs never occur in `general`: the forgetting measurement. */
export const generalHeldOutFamily = generalFamilyFor(true);
