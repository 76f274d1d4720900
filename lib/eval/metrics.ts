/**
 * String metrics for generated answers. Execution-based scoring (a family's checker) lives in
 * checks.ts; these are for forms that cannot be executed and for the EM-vs-execution contrast.
 */
import { bagF1 } from "../collections/f1.ts";

/** Trims and collapses runs of whitespace: layout is not part of an answer. */
export function normalizeAnswer(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

export function exactMatch(prediction: string, reference: string): boolean {
  return normalizeAnswer(prediction) === normalizeAnswer(reference);
}

/**
 * Tokens for F1: lower-cased, with brackets, parentheses, commas and quotes as tokens of their
 * own so `(a,b)` and `( a , b )` agree.
 */
export function answerTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/([()[\]{},;"'])/g, " $1 ")
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

/**
 * Bag-of-tokens F1 for symbolic answers, in [0, 1]: brackets and commas are tokens, case is
 * ignored. (lib/collections/general's tokenF1 is the natural-language variant that drops
 * punctuation and articles; for `(JOIN r e)` the brackets matter.)
 */
export function symbolTokenF1(prediction: string, reference: string): number {
  return bagF1(answerTokens(prediction), answerTokens(reference));
}

/** Mean of per-example scores in [0, 1], as a percentage; NaN for no examples. */
export function percent(scores: readonly number[]): number {
  return scores.length ? (100 * scores.reduce((a, b) => a + b, 0)) / scores.length : NaN;
}
