/** Tiny data and models shared by the compute tests. */
import { createGPT, type GPT } from "../../lib/model/gpt.ts";
import { CharTokenizer } from "../../lib/model/tokenizer.ts";
import type { Example } from "../../lib/prompts/format.ts";

/** Eight reversal examples: each completion is its prompt backwards. */
export const reversals: Example[] = ["cat", "dog", "abc", "sun", "hello", "moon", "star", "tree"].map((w) => ({
  prompt: w,
  completion: [...w].reverse().join(""),
}));

export const charTokenizer = CharTokenizer.fromTexts(reversals.flatMap((e) => [e.prompt, e.completion]));

/** A one-layer model over the reversal vocabulary, context 16. */
export function tinyModel(seed = 1, blockSize = 16): GPT {
  return createGPT({ vocabSize: charTokenizer.vocabSize, blockSize, nLayer: 1, nHead: 2, nEmbd: 32 }, seed);
}
