/**
 * F1 of predicted items against reference items, counted as multisets (a bag: an item matches
 * as often as it occurs in both). The one overlap score of the project: answer sets, triples,
 * word tokens and symbol tokens all reduce to lists of strings and come here.
 */
export function bagF1(predicted: readonly string[], reference: readonly string[]): number {
  if (predicted.length === 0 || reference.length === 0) return predicted.length === reference.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const item of reference) counts.set(item, (counts.get(item) ?? 0) + 1);
  let hit = 0;
  for (const item of predicted) {
    const left = counts.get(item) ?? 0;
    if (left > 0) {
      hit++;
      counts.set(item, left - 1);
    }
  }
  // 2PR / (P + R) with P = hit / |predicted|, R = hit / |reference|, in one division.
  return (2 * hit) / (predicted.length + reference.length);
}
