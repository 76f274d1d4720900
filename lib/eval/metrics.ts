/**
 * String metrics for generated answers. Execution-based scoring (a family's checker) lives in
 * checks.ts; these are for forms that cannot be executed and for the EM-vs-execution contrast.
 */

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
  const pred = answerTokens(prediction);
  const ref = answerTokens(reference);
  if (pred.length === 0 && ref.length === 0) return 1;
  if (pred.length === 0 || ref.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of ref) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / pred.length;
  const recall = common / ref.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Mean of per-example scores in [0, 1], as a percentage; NaN for no examples. */
export function percent(scores: readonly number[]): number {
  return scores.length ? (100 * scores.reduce((a, b) => a + b, 0)) / scores.length : NaN;
}
