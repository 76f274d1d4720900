/**
 * The effects harness: an effect is a named experiment whose run(seed, size) trains and scores
 * a treated and a control model and returns one number for each (plus chance and details).
 * Seeds pair the two arms; over seeds the harness reports treatment, control, their paired
 * difference with a 95% interval, and a verdict (lib/eval/effects.ts checkEffect). When a run
 * says a prerequisite failed (the model does not copy from context, the base knows nothing),
 * the verdict is "prerequisite not met", never "not reproduced".
 */
import { UsageError } from "../errors.ts";
import { checkEffect, MIN_SEEDS } from "../eval/effects.ts";
import { summarize } from "../stats.ts";

export type EffectSize = "quick" | "full";
export const EFFECT_SIZES: readonly EffectSize[] = ["quick", "full"];

export interface Prerequisite {
  name: string;
  passed: boolean;
  /** The measured value and the bar, in words. */
  detail: string;
}

export interface EffectRun {
  /** The treated arm's score (points, e.g. percent accuracy). */
  treatment: number;
  control: number;
  /** Percent a uniform guess scores, when the metric has one (rank accuracy); null otherwise. */
  chance: number | null;
  prerequisites?: Prerequisite[];
  details?: Record<string, unknown>;
}

export interface EffectContext {
  log?: (line: string) => void;
}

export interface Effect {
  name: string;
  expected: "increase" | "decrease";
  /** What treatment and control measure, in words (printed above every table). */
  metric: string;
  run(seed: number, size: EffectSize, context?: EffectContext): Promise<EffectRun>;
}

export interface SeedResult {
  seed: number;
  treatment: number;
  control: number;
  chance: number | null;
  prerequisites: Prerequisite[];
  seconds: number;
  details?: Record<string, unknown>;
}

/** One entry of results/effects.json. */
export interface EffectResult {
  effect: string;
  metric: string;
  expected: "increase" | "decrease";
  treatment: number;
  control: number;
  per_seed: SeedResult[];
  diff_mean: number;
  ci_low: number;
  ci_high: number;
  chance: number | null;
  verdict: string;
  reproduced: boolean;
}

/** Summarises per-seed runs: means, the paired difference's 95% interval and the verdict. */
export function summarizeEffect(effect: Pick<Effect, "name" | "expected" | "metric">, perSeed: readonly SeedResult[]): EffectResult {
  if (perSeed.length === 0) throw new UsageError(`effect "${effect.name}": no seeds were run`);
  const treatment = perSeed.map((s) => s.treatment);
  const control = perSeed.map((s) => s.control);
  const check = checkEffect(effect.name, treatment, control, effect.expected);
  const diff = check.difference;
  const unmet = [...new Map(perSeed.flatMap((s) => s.prerequisites.filter((p) => !p.passed)).map((p) => [p.name, p])).values()];
  let verdict: string;
  if (unmet.length > 0) verdict = `prerequisite not met: ${unmet.map((p) => `${p.name} (${p.detail})`).join("; ")}`;
  else if (diff.n < MIN_SEEDS) verdict = `${diff.n} seed(s): too few to tell (≥ ${MIN_SEEDS} needed for a verdict)`;
  else if (check.reproduced) verdict = "reproduced (the 95% interval of the paired difference excludes 0 in the expected direction)";
  else if ((effect.expected === "increase" ? 1 : -1) * diff.mean > 0) verdict = "not reproduced: the direction is right but the 95% interval includes 0";
  else verdict = "not reproduced: the difference goes the other way or is 0";
  const chances = perSeed.map((s) => s.chance).filter((c): c is number => c !== null);
  return {
    effect: effect.name,
    metric: effect.metric,
    expected: effect.expected,
    treatment: summarize(treatment).mean,
    control: summarize(control).mean,
    per_seed: [...perSeed],
    diff_mean: diff.mean,
    ci_low: diff.mean - diff.ci95,
    ci_high: diff.mean + diff.ci95,
    chance: chances.length ? summarize(chances).mean : null,
    verdict,
    reproduced: unmet.length === 0 && check.reproduced,
  };
}

/** Runs an effect over seeds, one after the other. */
export async function runEffect(effect: Effect, seeds: readonly number[], size: EffectSize, context: EffectContext = {}): Promise<EffectResult> {
  const perSeed: SeedResult[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    const run = await effect.run(seed, size, context);
    perSeed.push({
      seed,
      treatment: run.treatment,
      control: run.control,
      chance: run.chance,
      prerequisites: run.prerequisites ?? [],
      seconds: (performance.now() - started) / 1000,
      details: run.details,
    });
    context.log?.(`${effect.name} seed ${seed}: treatment ${run.treatment.toFixed(2)}, control ${run.control.toFixed(2)}`);
  }
  return summarizeEffect(effect, perSeed);
}

/** Plain-text table of results: per seed and overall, with the interval and the verdict. */
export function formatEffects(results: readonly EffectResult[]): string {
  const f = (x: number | null) => (x === null || Number.isNaN(x) ? "–" : x.toFixed(1));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.effect} — ${r.metric}; expected: ${r.expected}; chance ${f(r.chance)}`);
    lines.push("  seed  treatment  control  difference");
    for (const s of r.per_seed) lines.push(`  ${String(s.seed).padStart(4)}  ${f(s.treatment).padStart(9)}  ${f(s.control).padStart(7)}  ${f(s.treatment - s.control).padStart(10)}`);
    lines.push(`  mean  ${f(r.treatment).padStart(9)}  ${f(r.control).padStart(7)}  ${f(r.diff_mean).padStart(10)}   95% CI [${f(r.ci_low)}, ${f(r.ci_high)}]`);
    lines.push(`  verdict: ${r.verdict}`, "");
  }
  return lines.join("\n");
}
