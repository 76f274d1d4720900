/** Classification tasks over numbers and letter strings, where the label is computed exactly. */
import { familiar } from "../general/lexicon.ts";
import type { Rng } from "../../rng.ts";
import type { ClassificationTask } from "../types.ts";
import { classificationTask, lazy } from "./task.ts";

const letters = (rng: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + rng.int(0, 25))).join("");
const nouns = () => familiar("noun").map((l) => l.lemma);
const shortNouns = lazy(() => nouns().filter((w) => w.length <= 5));
const longNouns = lazy(() => nouns().filter((w) => w.length >= 9));
const vowelNouns = lazy(() => nouns().filter((w) => /^[aeiou]/.test(w)));
const consonantNouns = lazy(() => nouns().filter((w) => !/^[aeiou]/.test(w)));

export function syntheticTasks(): ClassificationTask[] {
  return [
    classificationTask({
      name: "number_parity", labels: ["even", "odd"], role: "train",
      instruction: "Is the number even or odd?",
      draw: (rng, label) => String(rng.int(0, 499) * 2 + (label === "odd" ? 1 : 0)),
    }),
    classificationTask({
      name: "number_comparison", labels: ["first", "second"], role: "train",
      instruction: "Which of the two numbers is larger, the first or the second?",
      draw: (rng, label) => {
        const a = rng.int(0, 998);
        const big = rng.int(a + 1, 999);
        return label === "first" ? `${big}, ${a}` : `${a}, ${big}`;
      },
    }),
    classificationTask({
      name: "word_length", labels: ["short", "long"], role: "train",
      instruction: "Is the word short (at most 5 letters) or long (at least 9 letters)?",
      draw: (rng, label) => rng.pick(label === "short" ? shortNouns() : longNouns()),
    }),
    classificationTask({
      name: "palindrome", labels: ["palindrome", "not a palindrome"], role: "train",
      instruction: "Does the string read the same forwards and backwards?",
      draw: (rng, label) => {
        const half = letters(rng, rng.int(2, 4));
        const middle = rng.chance(0.5) ? letters(rng, 1) : "";
        if (label === "palindrome") return half + middle + [...half].reverse().join("");
        for (;;) {
          const s = letters(rng, half.length * 2 + middle.length);
          if (s !== [...s].reverse().join("")) return s;
        }
      },
    }),
    classificationTask({
      name: "starts_with_vowel", labels: ["vowel", "consonant"], role: "train",
      instruction: "Does the word start with a vowel or a consonant?",
      draw: (rng, label) => rng.pick(label === "vowel" ? vowelNouns() : consonantNouns()),
    }),
    classificationTask({
      name: "number_magnitude", labels: ["small", "large"], role: "eval",
      instruction: "Is the number small (below 500) or large (500 or more)?",
      draw: (rng, label) => String(label === "small" ? rng.int(0, 499) : rng.int(500, 999)),
    }),
  ];
}
