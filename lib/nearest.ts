/**
 * "Did you mean" suggestions for mistyped names: magics, magic options, collections. Uses the
 * optimal string alignment distance (edits plus adjacent swaps), since "trian" for "train" is
 * one typo, not two.
 */

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Candidates close to `name`, nearest first: within a third of the name's length (at least 2
 * edits), or one a prefix of the other ("tim" → "timeit", "scan_v2" → "scan"). At most
 * `limit` of them.
 */
export function nearestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase();
  const budget = Math.max(2, Math.floor(lower.length / 3));
  const scored: [string, number][] = [];
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const prefix = Math.min(lower.length, other.length) >= 2 && (other.startsWith(lower) || lower.startsWith(other));
    if (distance <= budget || prefix) scored.push([candidate, prefix ? Math.min(distance, 1) : distance]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, limit).map(([candidate]) => candidate);
}

/** "a", "a or b", "a, b or c". */
export function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
