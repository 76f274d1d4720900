/**
 * The algorithmic evaluations of symbol tuning (List Functions, Simple Turing Concepts) on a
 * model of the feature world: fixed prompt sets (EVAL_SEED), scored by rank classification in
 * the episode framing, each beside its chance level. The symbol-tuning arms are measured on
 * them after training (lib/effects/symbol-tuning.ts: effects `list-functions` and
 * `turing-concepts`), the base before.
 *
 * A prompt must be made of the tokenizer's own pieces: a piece outside the vocabulary would be
 * spelt in bytes the model never saw, and the comparison would measure that instead.
 */
import { conceptSet, listFunctionSet } from "../collections/algorithmic.ts";
import { EVAL_SYMBOLS, type Episode } from "../collections/feature-world.ts";
import { DataError } from "../errors.ts";
import { choiceAccuracy, type ChoiceAccuracy, type LogitModel } from "../eval/probes.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { WordTokenizer, wordPieces } from "../model/tokenizer-word.ts";
import { EVAL_SEED, episodeRows } from "./base.ts";

/** The two settings and their prompt sets (≥ `n` prompts each). */
export const ALGORITHMIC = {
  "list functions": (n: number) => listFunctionSet(EVAL_SEED, n),
  "turing concepts": (n: number) => conceptSet(EVAL_SEED, n, EVAL_SYMBOLS),
} as const;
export type AlgorithmicSetting = keyof typeof ALGORITHMIC;

/** Throws on the first prompt or candidate piece a word tokenizer would spell in bytes. */
export function checkVocabulary(tokenizer: Tokenizer, setting: string, episodes: readonly Episode[]): void {
  if (!(tokenizer instanceof WordTokenizer)) return; // a byte tokenizer has no vocabulary to miss
  for (const e of episodes) {
    for (const text of [e.context, ...e.candidates]) {
      const missing = wordPieces(text).find((p) => tokenizer.idOf(p) === undefined);
      if (missing !== undefined) {
        throw new DataError(`${setting}: the piece ${JSON.stringify(missing)} of a ${e.task} prompt is not in the model's word vocabulary; every piece must be one of its words, digits or characters.`);
      }
    }
  }
}

/** Rank accuracy of `model` on each algorithmic setting (rows that do not fit the context are refused and counted). */
export async function algorithmicIcl(model: LogitModel, tokenizer: Tokenizer, perSetting = 400): Promise<Record<AlgorithmicSetting, ChoiceAccuracy>> {
  const out = {} as Record<AlgorithmicSetting, ChoiceAccuracy>;
  for (const [name, make] of Object.entries(ALGORITHMIC) as [AlgorithmicSetting, (n: number) => Episode[]][]) {
    const episodes = make(perSetting);
    checkVocabulary(tokenizer, name, episodes);
    out[name] = await choiceAccuracy(model, tokenizer, episodeRows(episodes));
  }
  return out;
}
