/**
 * Builders for the papers' figures. Each takes plain result rows (one value, or one value per
 * seed) and returns a Figure; a value given per seed is drawn as the mean with a 95% interval.
 */
import { UsageError } from "../errors.ts";
import { summarize, type Summary } from "../stats.ts";
import { Figure, type Trace } from "./figure.ts";

/** One number, or one per seed. */
export type Measured = number | readonly number[];

function summary(value: Measured): Summary {
  return summarize(typeof value === "number" ? [value] : value);
}

function errorBar(s: Summary): Record<string, unknown> | undefined {
  return s.n > 1 ? { type: "data", array: [s.ci95], visible: true, thickness: 1.5, width: 4 } : undefined;
}

function firstAppearance<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function requireRows(rows: readonly unknown[], what: string): void {
  if (rows.length === 0) throw new UsageError(`${what}: no results to plot (the rows list is empty)`);
}

export interface ModelPoint {
  /** e.g. "base", "injection", "infusion", "one-stage". */
  model: string;
  symbolic: Measured;
  general: Measured;
}

/** Symbol-LLM's figure: each model as a point, symbolic score (x) against general score (y). */
export function symbolicVsGeneral(
  points: readonly ModelPoint[],
  options: { title?: string; xLabel?: string; yLabel?: string } = {},
): Figure {
  requireRows(points, "symbolicVsGeneral");
  const traces: Trace[] = points.map((p) => {
    const sx = summary(p.symbolic);
    const sy = summary(p.general);
    return {
      type: "scatter",
      mode: "markers+text",
      name: p.model,
      x: [sx.mean],
      y: [sy.mean],
      text: [p.model],
      textposition: "top center",
      marker: { size: 12 },
      error_x: errorBar(sx),
      error_y: errorBar(sy),
    };
  });
  return new Figure(traces, {
    title: { text: options.title ?? "Symbolic vs general ability" },
    xaxis: { title: { text: options.xLabel ?? "symbolic tasks (score, %)" }, zeroline: false },
    yaxis: { title: { text: options.yLabel ?? "general tasks (score, %)" }, zeroline: false },
    showlegend: true,
  });
}

export interface BarDatum {
  /** The x category (a task, an ICL setting, a variant). */
  group: string;
  /** The bar within the group (a model). */
  series: string;
  value: Measured;
}

/** Grouped bars: groups along x, one colour per series; optional dashed chance line. */
export function groupedBars(
  rows: readonly BarDatum[],
  options: { title?: string; yLabel?: string; xLabel?: string; chance?: number; yRange?: [number, number] } = {},
): Figure {
  requireRows(rows, "groupedBars");
  const groups = firstAppearance(rows.map((r) => r.group));
  const series = firstAppearance(rows.map((r) => r.series));
  const traces: Trace[] = series.map((name) => {
    const stats = groups.map((g) => {
      const row = rows.find((r) => r.series === name && r.group === g);
      return row ? summary(row.value) : null;
    });
    const anyInterval = stats.some((s) => s && s.n > 1);
    return {
      type: "bar",
      name,
      x: groups,
      y: stats.map((s) => (s ? s.mean : null)),
      error_y: anyInterval
        ? { type: "data", array: stats.map((s) => (s ? s.ci95 : 0)), visible: true, thickness: 1.5, width: 4 }
        : undefined,
      hovertemplate: `${name}<br>%{x}: %{y:.1f}<extra></extra>`,
    };
  });
  const shapes =
    options.chance === undefined
      ? []
      : [
          {
            type: "line",
            xref: "paper",
            x0: 0,
            x1: 1,
            y0: options.chance,
            y1: options.chance,
            line: { dash: "dash", color: "#555", width: 1 },
          },
        ];
  const annotations =
    options.chance === undefined
      ? []
      : [{ xref: "paper", x: 1, y: options.chance, text: "chance", showarrow: false, xanchor: "right", yanchor: "bottom" }];
  return new Figure(traces, {
    title: { text: options.title ?? "" },
    barmode: "group",
    xaxis: { title: { text: options.xLabel ?? "" } },
    yaxis: { title: { text: options.yLabel ?? "accuracy (%)" }, range: options.yRange },
    shapes,
    annotations,
  });
}

export interface IclDatum {
  model: string;
  /** One of the four settings, e.g. "instruction + relevant labels". */
  setting: string;
  accuracy: Measured;
}

/** Symbol tuning's four-setting figure (instruction yes/no × relevant labels yes/no). */
export function iclSettingsBars(rows: readonly IclDatum[], options: { title?: string; chance?: number } = {}): Figure {
  return groupedBars(
    rows.map((r) => ({ group: r.setting, series: r.model, value: r.accuracy })),
    { title: options.title ?? "Unseen tasks in the four in-context settings", yLabel: "accuracy (%)", chance: options.chance, yRange: [0, 100] },
  );
}

export interface FlippedDatum {
  model: string;
  /** A task name, or "average". */
  task: string;
  accuracy: Measured;
}

/** Symbol tuning's flipped-label figure: accuracy on flipped labels, chance line at 50%. */
export function flippedLabelBars(rows: readonly FlippedDatum[], options: { title?: string } = {}): Figure {
  return groupedBars(
    rows.map((r) => ({ group: r.task, series: r.model, value: r.accuracy })),
    { title: options.title ?? "Following flipped labels", yLabel: "accuracy on flipped labels (%)", chance: 50, yRange: [0, 100] },
  );
}

export interface AblationDatum {
  /** e.g. "Symbol-evol off", "ratio 0.84:1", "8 label symbols". */
  variant: string;
  /** Per-seed values; the bar is the mean with a 95% interval. */
  value: Measured;
  /** Optional second dimension (a metric), drawn as grouped bars. */
  metric?: string;
}

/** Ablation bars: one bar per variant (grouped by metric when several), error bars over seeds. */
export function ablationBars(
  rows: readonly AblationDatum[],
  options: { title?: string; yLabel?: string; xLabel?: string } = {},
): Figure {
  return groupedBars(
    rows.map((r) => ({ group: r.variant, series: r.metric ?? options.yLabel ?? "score", value: r.value })),
    { title: options.title ?? "Ablation", yLabel: options.yLabel ?? "score (%)", xLabel: options.xLabel },
  );
}

export interface CurveSeries {
  name: string;
  steps: readonly number[];
  values: readonly number[];
  /** "lines" for training loss, "lines+markers" for sparse evals. */
  mode?: "lines" | "lines+markers";
}

/** Training curves: loss (or any metric) against step, one line per series. */
export function trainingCurves(
  series: readonly CurveSeries[],
  options: { title?: string; yLabel?: string; logY?: boolean } = {},
): Figure {
  requireRows(series, "trainingCurves");
  const traces: Trace[] = series.map((s) => ({
    type: "scatter",
    mode: s.mode ?? "lines",
    name: s.name,
    x: [...s.steps],
    y: [...s.values],
  }));
  return new Figure(traces, {
    title: { text: options.title ?? "Training" },
    xaxis: { title: { text: "step" } },
    yaxis: { title: { text: options.yLabel ?? "loss" }, type: options.logY ? "log" : "linear" },
  });
}
