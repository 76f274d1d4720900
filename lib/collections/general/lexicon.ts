/**
 * Word pools drawn from WordNet and AFINN for the general and classification data: familiar
 * words only (seen in SemCor), so generated questions are about words people use. Each pool
 * is computed once, sorted, and deterministic.
 */
import { afinn } from "./afinn.ts";
import { type Lemma, type Pos, type Synset, wordnet } from "./wordnet.ts";

export const ALL_POS: readonly Pos[] = ["noun", "verb", "adjective", "adverb"];
const cache = new Map<string, unknown>();

function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

const plain = (w: string) => /^[a-z]{3,14}$/.test(w);

/** Sense-tagged at least this often in SemCor: "dog" 42, "fondness" 3, "seaquake" 1. */
export const FAMILIAR_COUNT = 3;

/** Familiar single-word lemmas of a part of speech, sorted. */
export function familiar(pos: Pos): Lemma[] {
  return once(`familiar:${pos}`, () => {
    const counts = wordnet().frequency(pos);
    return [...wordnet().lemmas(pos).values()]
      .filter((l) => (counts.get(l.lemma) ?? 0) >= FAMILIAR_COUNT && plain(l.lemma))
      .sort((a, b) => (a.lemma < b.lemma ? -1 : 1));
  });
}

/** Familiar nouns, verbs and adjectives (longer than 3 letters) with their main definition. */
export function definitions(): { word: string; pos: Pos; definition: string }[] {
  return once("definitions", () => (["noun", "verb", "adjective"] as const).flatMap((pos) =>
    familiar(pos).filter((l) => l.lemma.length > 3).map((l) => ({ word: l.lemma, pos, definition: firstSense(l).definition }))));
}

/** Familiar nouns with a WordNet example sentence (of 4+ words) that uses them. */
export function exampleSentences(): [string, string][] {
  return once("examples", () => familiar("noun").flatMap((l) => {
    const uses = new RegExp(`\\b${l.lemma}\\b`);
    const example = firstSense(l).examples.find((e) => uses.test(e) && e.split(" ").length >= 4);
    return example ? [[l.lemma, example] as [string, string]] : [];
  }));
}

/** The most frequent sense of a lemma. */
export function firstSense(l: Lemma): Synset {
  return wordnet().synset(l.pos, l.offsets[0]!);
}

/** Familiar words listed under exactly one part of speech, with that part of speech. */
export function singlePos(): { word: string; pos: Pos }[] {
  return once("singlePos", () => {
    const wn = wordnet();
    return ALL_POS.flatMap((pos) => familiar(pos)
      .filter((l) => ALL_POS.every((other) => other === pos || !wn.lemmas(other).has(l.lemma)))
      .map((l) => ({ word: l.lemma, pos })));
  });
}

/** Familiar nouns whose main sense sits in the given lexicographer file, e.g. "noun.animal". */
export function nounsIn(lexName: string): string[] {
  return once(`lex:${lexName}`, () => {
    const pos = lexName.startsWith("verb.") ? "verb" : "noun";
    return familiar(pos).filter((l) => firstSense(l).lexName === lexName).map((l) => l.lemma);
  });
}

/** (word, synonym) pairs: other plain lemmas of the word's main sense. */
export function synonymPairs(): [string, string, string[]][] {
  return once("synonyms", () => ALL_POS.flatMap((pos) => familiar(pos).flatMap((l) => {
    const others = firstSense(l).words.filter((w) => w !== l.lemma && plain(w));
    return others.length > 0 ? [[l.lemma, others[0]!, others] as [string, string, string[]]] : [];
  })));
}

/** (adjective, antonym) pairs from WordNet's lexical antonym pointers of the main sense. */
export function antonymPairs(): [string, string][] {
  return once("antonyms", () => {
    const wn = wordnet();
    return familiar("adjective").flatMap((l) => {
      const s = firstSense(l);
      const index = s.words.indexOf(l.lemma) + 1;
      const p = s.pointers.find((x) => x.symbol === "!" && (x.source === index || x.source === 0));
      if (!p) return [];
      const target = wn.synset(p.pos, p.offset).words[Math.max(0, p.target - 1)]!;
      return plain(target) ? [[l.lemma, target] as [string, string]] : [];
    });
  });
}

/** (noun, hypernym words) from the main sense's direct hypernyms. */
export function hypernymPairs(): [string, string[]][] {
  return once("hypernyms", () => {
    const wn = wordnet();
    return familiar("noun").flatMap((l) => {
      const up = wn.related(firstSense(l), "@").flatMap((h) => h.words.filter((w) => /^[a-z ]+$/.test(w)));
      return up.length > 0 ? [[l.lemma, up] as [string, string[]]] : [];
    });
  });
}

/** AFINN words with their scores, sorted by word. */
export function sentimentWords(): [string, number][] {
  return once("afinn", () => [...afinn()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}
