/** General (non-symbolic) instruction data built from WordNet and AFINN. */
export { afinn } from "./afinn.ts";
export { checkGeneral, F1_CORRECT, type GeneralMetric, generalFamily, generalHeldOutFamily, isHeldOut, tokenF1 } from "./general.ts";
export { LEX_NAMES, type Lemma, type Pos, type Synset, WordNet, wordnet } from "./wordnet.ts";
