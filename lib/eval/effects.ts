/**
 * Did an effect reproduce? Paired by seed (treated and control trained with the same seeds),
 * the difference's mean and 95% interval decide, in plain words. Fewer than three seeds never
 * count as reproduced: the notebooks' quick size says so instead of claiming anything.
 *
 * Seeds vary the models, not the test rows: with a small test set, three seeds can agree
 * exactly (a t-interval of 0) on a difference of two or three rows. Given `testSize` (rows
 * behind each accuracy), the interval is at least the test set's own 95% sampling error of a
 * difference of two accuracies, which more seeds do not shrink.
 */
import { UsageError } from "../errors.ts";
import { table, type Table } from "../display/table.ts";
import { summarize, type Summary } from "../stats.ts";

export interface EffectCheck {
  name: string;
  /** treated − control per seed, summarised (points). */
  difference: Summary;
  expected: "increase" | "decrease";
  reproduced: boolean;
  statement: string;
}

export const MIN_SEEDS = 3;

export function checkEffect(
  name: string,
  treated: readonly number[],
  control: readonly number[],
  expected: "increase" | "decrease",
  options: { testSize?: number } = {},
): EffectCheck {
  if (treated.length !== control.length || treated.length === 0) {
    throw new UsageError(`checkEffect "${name}": give one treated and one control value per seed (got ${treated.length} and ${control.length})`);
  }
  const seeds = summarize(treated.map((t, i) => t - control[i]!));
  const difference = { ...seeds, ci95: Math.max(seeds.ci95, testSamplingError(treated, control, options.testSize)) };
  const sign = expected === "increase" ? 1 : -1;
  const low = sign * difference.mean - difference.ci95;
  const inDirection = sign * difference.mean > 0;
  const reproduced = difference.n >= MIN_SEEDS && low > 0;
  const shown = `${difference.mean >= 0 ? "+" : ""}${difference.mean.toFixed(1)} points`;
  let verdict: string;
  if (difference.n < MIN_SEEDS) verdict = `${difference.n} seed(s): too few to tell (run SYMTUNE_SIZE=full for ≥ ${MIN_SEEDS} seeds)`;
  else if (reproduced) verdict = "reproduced at this scale (the 95% interval excludes 0)";
  else if (inDirection) verdict = "not reproduced at this scale: the direction is right but the 95% interval includes 0";
  else verdict = "not reproduced at this scale: the difference goes the other way or is 0";
  const interval = difference.n > 1 ? ` ± ${difference.ci95.toFixed(1)}` : "";
  return { name, difference, expected, reproduced, statement: `${name}: ${shown}${interval} (n=${difference.n}) — ${verdict}` };
}

/** 1.96 × the standard error of a difference of two accuracies (in points) on `n` rows. */
function testSamplingError(treated: readonly number[], control: readonly number[], n: number | undefined): number {
  if (!n || n < 1) return 0;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length / 100;
  const [p, q] = [mean(treated), mean(control)];
  return 196 * Math.sqrt((p * (1 - p) + q * (1 - q)) / n);
}

export function effectsTable(checks: readonly EffectCheck[], title = "Effects"): Table {
  return table(
    checks.map((c) => ({
      effect: c.name,
      expected: c.expected,
      difference: c.difference.mean,
      ci95: c.difference.n > 1 ? c.difference.ci95 : null,
      seeds: c.difference.n,
      reproduced: c.reproduced ? "yes" : "no",
    })),
    { caption: title, digits: 1, units: { difference: " pts", ci95: " pts" } },
  );
}
