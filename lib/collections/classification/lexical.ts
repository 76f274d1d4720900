/**
 * Classification tasks over real words: AFINN sentiment, WordNet parts of speech, lexicographer
 * topics, synonym, antonym and hypernym relations.
 */
import { antonymPairs, familiar, hypernymPairs, nounsIn, sentimentWords, singlePos, synonymPairs } from "../general/lexicon.ts";
import { type Pos, wordnet } from "../general/wordnet.ts";
import type { Rng } from "../../rng.ts";
import type { ClassificationTask } from "../types.ts";
import { classificationTask, pickOther } from "./task.ts";

const memo = new Map<string, string[]>();
/** A word pool, computed once per key. */
const pool = (key: string, make: () => string[]) => {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key)!;
};
const signed = (sign: number) => pool(`afinn${sign}`, () => sentimentWords().filter(([, s]) => Math.sign(s) === sign).map(([w]) => w));
/** AFINN words WordNet also lists as adjectives: they read naturally in phrase templates. */
const signedAdjectives = (sign: number) => pool(`afinnAdj${sign}`, () => {
  const adjectives = wordnet().lemmas("adjective");
  return signed(sign).filter((w) => adjectives.has(w));
});
const strength = (strong: boolean) => pool(`strength${strong}`, () =>
  sentimentWords().filter(([, s]) => (strong ? Math.abs(s) >= 3 : Math.abs(s) <= 2)).map(([w]) => w));
const ofPos = (pos: Pos) => pool(`pos:${pos}`, () => singlePos().filter((x) => x.pos === pos).map((x) => x.word));
const words = (pos: Pos) => pool(`words:${pos}`, () => familiar(pos).map((l) => l.lemma));

/** Nouns outside a lexicographer file: for "X or not X" tasks. */
const nounsOutside = (lexName: string) => pool(`outside:${lexName}`, () => {
  const inside = new Set(nounsIn(lexName));
  return words("noun").filter((w) => !inside.has(w));
});

export function lexicalTasks(): ClassificationTask[] {
  return [
    classificationTask({
      name: "word_sentiment", labels: ["negative", "positive"], role: "train",
      instruction: "Is the feeling this word expresses negative or positive?",
      draw: (rng, label) => rng.pick(signed(label === "positive" ? 1 : -1)),
    }),
    classificationTask({
      name: "sentiment_strength", labels: ["mild", "strong"], role: "train",
      instruction: "Is the emotion carried by this word mild or strong?",
      draw: (rng, label) => rng.pick(strength(label === "strong")),
    }),
    classificationTask({
      name: "part_of_speech", labels: ["noun", "verb", "adjective", "adverb"], role: "train",
      instruction: "Which part of speech is this word: noun, verb, adjective or adverb?",
      draw: (rng, label) => rng.pick(ofPos(label as Pos)),
    }),
    classificationTask({
      name: "noun_or_verb", labels: ["noun", "verb"], role: "train",
      instruction: "Is this word a noun or a verb?",
      draw: (rng, label) => rng.pick(ofPos(label as Pos)),
    }),
    classificationTask({
      name: "synonym_pair", labels: ["synonyms", "unrelated"], role: "train",
      instruction: "Do the two words mean the same thing (synonyms) or are they unrelated?",
      draw: (rng, label) => {
        const [w, s, all] = rng.pick(synonymPairs());
        if (label === "synonyms") return `${w}, ${s}`;
        return `${w}, ${pickOther(rng, words("noun"), (x) => x === w || all.includes(x))}`;
      },
    }),
    classificationTask({
      name: "animal_or_not", labels: ["animal", "not an animal"], role: "train",
      instruction: "Does this word name an animal?",
      draw: (rng, label) => rng.pick(label === "animal" ? nounsIn("noun.animal") : nounsOutside("noun.animal")),
    }),
    classificationTask({
      name: "noun_topic", labels: ["animal", "food", "plant", "artifact", "body", "person"], role: "train",
      instruction: "What kind of thing does the noun name: animal, food, plant, artifact, body or person?",
      draw: (rng, label) => rng.pick(nounsIn(`noun.${label}`)),
    }),
    classificationTask({
      name: "verb_topic", labels: ["motion", "communication", "consumption", "perception", "creation", "emotion"], role: "train",
      instruction: "What is the verb about: motion, communication, consumption, perception, creation or emotion?",
      draw: (rng, label) => rng.pick(nounsIn(`verb.${label}`)),
    }),
    // Held-out evaluation tasks (binary ones serve the flipped-label test).
    classificationTask({
      name: "phrase_sentiment", labels: ["negative", "positive"], role: "eval",
      instruction: "Is the sentiment of the phrase negative or positive?",
      draw: (rng: Rng, label) => {
        const words = signedAdjectives(label === "positive" ? 1 : -1);
        const [a, b] = [rng.pick(words), rng.pick(words)];
        return rng.pick([`what a ${a} and ${b} experience`, `the service was ${a}, the food ${b}`, `people called it ${a} and ${b}`,
          `honestly ${a}. really ${b}.`, `${/^[aeiou]/.test(a) ? "an" : "a"} ${a}, ${b} film`]);
      },
    }),
    classificationTask({
      name: "antonym_pair", labels: ["antonyms", "not antonyms"], role: "eval",
      instruction: "Are the two adjectives opposites of each other?",
      draw: (rng, label) => {
        const [a, b] = rng.pick(antonymPairs());
        if (label === "antonyms") return `${a}, ${b}`;
        const opposite = antonymPairs().filter(([x]) => x === a).map(([, y]) => y);
        return `${a}, ${pickOther(rng, words("adjective"), (x) => x === a || opposite.includes(x))}`;
      },
    }),
    classificationTask({
      name: "hypernym_pair", labels: ["true", "false"], role: "eval",
      instruction: "Is the statement about the two words true or false?",
      draw: (rng, label) => {
        const [w, up] = rng.pick(hypernymPairs());
        const y = label === "true" ? up[0]! : pickOther(rng, hypernymPairs(), ([, u]) => u.some((x) => up.includes(x)))[1][0]!;
        return `${/^[aeiou]/.test(w) ? "an" : "a"} ${w} is a kind of ${y}`;
      },
    }),
    classificationTask({
      name: "food_or_not", labels: ["food", "not food"], role: "eval",
      instruction: "Is this noun a kind of food?",
      draw: (rng, label) => rng.pick(label === "food" ? nounsIn("noun.food") : nounsOutside("noun.food")),
    }),
    classificationTask({
      name: "same_topic", labels: ["same", "different"], role: "eval",
      instruction: "Do the two nouns belong to the same broad category?",
      draw: (rng, label) => {
        const topics = ["noun.animal", "noun.food", "noun.plant", "noun.artifact", "noun.body", "noun.person", "noun.location", "noun.time"];
        const t = rng.pick(topics);
        const u = label === "same" ? t : pickOther(rng, topics, (x) => x === t);
        const a = rng.pick(nounsIn(t));
        return `${a}, ${pickOther(rng, nounsIn(u), (x) => x === a)}`;
      },
    }),
    classificationTask({
      name: "noun_category", labels: ["location", "time", "substance", "feeling"], role: "eval",
      instruction: "Does the noun name a location, a time, a substance or a feeling?",
      draw: (rng, label) => rng.pick(nounsIn(`noun.${label}`)),
    }),
    classificationTask({
      name: "adjective_or_adverb", labels: ["adjective", "adverb"], role: "eval",
      instruction: "Is this word an adjective or an adverb?",
      draw: (rng, label) => rng.pick(ofPos(label as Pos)),
    }),
  ];
}
