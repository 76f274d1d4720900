/**
 * The base model's pretraining data ("stage 0"), the toy analogue of what LLaMA-2-Chat or
 * Flan-PaLM knew before the papers' fine-tuning:
 *
 * - copy rows: a fresh random word sequence, " |", the same sequence (in the tokenizer's sample;
 *   the current recipe gives them no share: notes/effects-icl.md, session 3);
 * - natural-label ICL episodes of all fifteen feature-world tasks (k = 0…4 per class, half with
 *   the instruction), whole text so every exemplar label is a target;
 * - zero-shot questions of every task (instruction + number), a fixed set of word facts
 *   (sentiment, part of speech) in two phrasings, and number comparison: the "general
 *   ability" that two-stage training can make the model forget.
 *
 * Held-out general questions (`generalEvalRows`) are unseen numbers and the same facts in a
 * third phrasing never trained on. Rows use two framings: question rows `BOS prompt SEP answer
 * EOS` (loss on the answer), text rows `BOS SEP text EOS` (prompt "", loss on every token).
 */
import { FEATURE_TASKS, EVAL_SYMBOLS, TRAIN_SYMBOLS, drawInput, episode, isHeldoutInput } from "../collections/feature-world.ts";
import { familiar, sentimentWords, singlePos } from "../collections/general/lexicon.ts";
import { deriveSeed, Rng } from "../rng.ts";
import { WordTokenizer } from "../model/tokenizer-word.ts";
import type { Example } from "../prompts/format.ts";

const plain = (w: string) => /^[a-z]{3,10}$/.test(w);
let factsCache: { word: string; answer: string; kind: "sentiment" | "part_of_speech" }[] | undefined;

/** The fixed facts of every base (the same for all seeds): 60 sentiment words, 60 part-of-speech words. */
export function baseFacts(): { word: string; answer: string; kind: "sentiment" | "part_of_speech" }[] {
  if (factsCache) return factsCache;
  const rng = new Rng(20261129);
  const senti = sentimentWords().filter(([w, s]) => plain(w) && s !== 0);
  const pos = rng.shuffle(senti.filter(([, s]) => s > 0)).slice(0, 30);
  const neg = rng.shuffle(senti.filter(([, s]) => s < 0)).slice(0, 30);
  const sentimentFacts = [...pos, ...neg].map(([word, s]) => ({ word, answer: s > 0 ? "positive" : "negative", kind: "sentiment" as const }));
  const used = new Set(sentimentFacts.map((f) => f.word));
  const single = singlePos().filter((p) => plain(p.word) && !used.has(p.word));
  const posFacts = (["noun", "verb", "adjective"] as const).flatMap((p) =>
    rng.shuffle(single.filter((x) => x.pos === p)).slice(0, 20).map((x) => ({ word: x.word, answer: p, kind: "part_of_speech" as const })));
  factsCache = [...sentimentFacts, ...posFacts];
  return factsCache;
}

const FACT_LABELS = { sentiment: ["positive", "negative"], part_of_speech: ["noun", "verb", "adjective"] } as const;
/** Phrasings 0 and 1 are trained; phrasing 2 is only asked at evaluation. */
const FACT_PHRASINGS = {
  sentiment: [(w: string) => `Is the word ${w} positive or negative?`, (w: string) => `${w}: positive or negative?`, (w: string) => `What feeling does ${w} express?`],
  part_of_speech: [(w: string) => `Is ${w} a noun, a verb or an adjective?`, (w: string) => `${w}: noun, verb or adjective?`, (w: string) => `Which part of speech is ${w}?`],
};

/** Words the copy rows draw from (one token each); the symbol pools are among them so their embeddings are trained. */
export function copyPool(): string[] {
  const nouns = familiar("noun").map((l) => l.lemma).filter(plain);
  const rng = new Rng(7);
  return [...new Set([...rng.shuffle(nouns).slice(0, 400), ...TRAIN_SYMBOLS, ...EVAL_SYMBOLS])];
}

export interface QuestionRow extends Example {
  kind: string;
  /** The candidate answers (each as the completion would be), the right one included. */
  candidates: string[];
}

function factRow(rng: Rng, phrasing: number): QuestionRow {
  const f = rng.pick(baseFacts());
  return { kind: f.kind, prompt: FACT_PHRASINGS[f.kind][phrasing]!(f.word), completion: ` ${f.answer}`, candidates: FACT_LABELS[f.kind].map((l) => ` ${l}`) };
}

function featureQuestion(rng: Rng, heldoutInputs: boolean): QuestionRow {
  const t = rng.pick(FEATURE_TASKS);
  const cls = rng.chance(0.5) ? 1 : 0;
  return { kind: `feature:${t.name}`, prompt: `${t.instruction}\n${drawInput(rng, t, cls, heldoutInputs)}:`, completion: ` ${t.labels[cls]}`, candidates: t.labels.map((l) => ` ${l}`) };
}

function comparison(rng: Rng, heldoutInputs: boolean): QuestionRow {
  for (;;) {
    const a = rng.int(100, 999), b = rng.int(100, 999);
    if (a === b || (isHeldoutInput(a) || isHeldoutInput(b)) !== heldoutInputs) continue;
    return { kind: "comparison", prompt: `Which is larger, ${a} or ${b}?`, completion: a > b ? " first" : " second", candidates: [" first", " second"] };
  }
}

function copyRow(rng: Rng, pool: readonly string[]): Example {
  const s = Array.from({ length: rng.int(4, 12) }, () => ` ${rng.pick(pool)}`).join("");
  return { prompt: "", completion: `${s} |${s}` };
}

export type Mixture = { copy: number; episode: number; feature: number; fact: number; comparison: number };

/**
 * The default mixture: the sample the base tokenizer's vocabulary is built from (changing it
 * changes the vocabulary of every shipped base). The recipe's phases use their own mixtures
 * (lib/effects/base.ts), without copy rows.
 */
export const MIXTURE: Mixture = { copy: 0.45, episode: 0.3, feature: 0.12, fact: 0.08, comparison: 0.05 };

/** `n` fresh pretraining rows for a seed: every row is new (fresh random copy strings). */
export function pretrainRows(seed: number, n: number, mixture: Mixture = MIXTURE): Example[] {
  const rng = new Rng(deriveSeed(seed, 101));
  const pool = copyPool();
  const rows: Example[] = [];
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    if ((u -= mixture.copy) < 0) rows.push(copyRow(rng, pool));
    else if ((u -= mixture.episode) < 0) {
      const e = episode(rng, rng.pick(FEATURE_TASKS), { k: rng.int(1, 4), instruction: rng.chance(0.5) });
      rows.push({ prompt: "", completion: e.context + e.candidates[e.answer]! });
    } else if ((u -= mixture.feature) < 0) rows.push(stripQuestion(featureQuestion(rng, false)));
    else if ((u -= mixture.fact) < 0) rows.push(stripQuestion(factRow(rng, rng.int(0, 1))));
    else rows.push(stripQuestion(comparison(rng, false)));
  }
  return rows;
}


const stripQuestion = (q: QuestionRow): Example => ({ prompt: q.prompt, completion: q.completion });

/**
 * Held-out general questions (what two-stage training can make a base forget), scored by rank
 * over `candidates` in the framing `BOS prompt SEP candidate EOS`: feature questions and number
 * comparisons on numbers never trained on, and the base's facts in a phrasing never trained on
 * ("facts-new-phrasing") and in the trained phrasings ("facts").
 */
export function generalEvalRows(seed: number, perKind = 100): QuestionRow[] {
  const rng = new Rng(deriveSeed(seed, 202));
  const out: QuestionRow[] = [];
  for (let i = 0; i < perKind; i++) out.push({ ...featureQuestion(rng, true), kind: "feature" });
  for (let i = 0; i < perKind; i++) out.push(comparison(rng, true));
  for (let i = 0; i < perKind; i++) out.push({ ...factRow(rng, rng.int(0, 1)), kind: "facts" });
  for (let i = 0; i < perKind; i++) out.push({ ...factRow(rng, 2), kind: "facts-new-phrasing" });
  return out;
}

/** The base tokenizer: every piece of a fixed sample of the data (seed-independent), digits and symbols first. */
export function baseTokenizer(): WordTokenizer {
  const always = [
    ..."0123456789".split(""), ..."0123456789".split("").map((d) => ` ${d}`), "\n", ":", " |", "?", ",",
    ...[...TRAIN_SYMBOLS, ...EVAL_SYMBOLS, ...copyPool()].map((w) => ` ${w}`),
  ];
  const texts: string[] = [];
  for (const r of pretrainRows(0, 20000)) texts.push(r.prompt, r.completion);
  for (const f of baseFacts()) for (const p of Object.values(FACT_PHRASINGS[f.kind])) texts.push(p(f.word), p(f.word));
  for (const q of generalEvalRows(0, 200)) texts.push(q.prompt, ...q.candidates);
  return WordTokenizer.fromTexts(texts, { minCount: 2, always });
}
