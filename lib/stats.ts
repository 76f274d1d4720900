/**
 * Summaries over seeds: mean and a 95% Student-t interval. With one seed the interval is 0
 * (reported as n = 1, never as certainty).
 */

export interface Summary {
  mean: number;
  /** Half-width of the 95% confidence interval of the mean (t distribution, n - 1 df). */
  ci95: number;
  std: number;
  n: number;
}

// Two-sided 95% t quantiles for 1..30 degrees of freedom; beyond that the normal's 1.96 is close.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function t95(df: number): number {
  if (df < 1) return 0;
  return df <= T95.length ? T95[df - 1]! : 1.96;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: NaN, ci95: NaN, std: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: 0, std: 0, n };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  return { mean, ci95: (t95(n - 1) * std) / Math.sqrt(n), std, n };
}

/** "61.2 ± 3.4 (n=3)" for tables and notebook prose. */
export function formatSummary(summary: Summary, digits = 1): string {
  if (summary.n === 0) return "–";
  const mean = summary.mean.toFixed(digits);
  return summary.n === 1 ? `${mean} (n=1)` : `${mean} ± ${summary.ci95.toFixed(digits)} (n=${summary.n})`;
}
