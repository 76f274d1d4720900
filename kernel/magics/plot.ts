/**
 * %plot: the papers' figures from notebook variables (lib/plot/builders.ts), or training
 * curves straight from recorded runs. Returns the Figure (Plotly JSON + offline HTML + static
 * SVG); --save also writes it to a file (.svg, .png, .html, .json).
 */
import { UsageError } from "../../lib/errors.ts";
import { storeAs, valueOrName } from "./scope.ts";
import { registerMagic } from "./registry.ts";

const KINDS = ["scatter", "icl", "flipped", "ablation", "bars", "curves"] as const;

function rowsVar(name: unknown, scope: Record<string, unknown>): unknown[] {
  const held = typeof name === "string" ? scope[name] : undefined;
  const value = Array.isArray(held) ? held : (held as { results?: unknown } | undefined)?.results; // an %eval --icl report holds its rows
  if (!Array.isArray(value)) {
    throw new UsageError(`%plot: "${String(name)}" is not an array of results (e.g. [{model: "base", symbolic: 20, general: 40}])`);
  }
  return value;
}

registerMagic({
  name: "plot",
  mode: "line",
  summary: "Plot results: two-stage scatter, ICL/flipped bars, ablations, training curves",
  help: [
    "%plot scatter points            points = [{model, symbolic, general}] (numbers or per-seed arrays)",
    "%plot icl results               results = [{model, setting, accuracy}]",
    "%plot flipped results           results = [{model, task, accuracy}]  (chance line at 50%)",
    "%plot ablation results          results = [{variant, value, metric?}]",
    "%plot bars results              results = [{group, series, value}]",
    "%plot curves base inst ...     training loss of recorded runs (%train variables, run ids or prefixes)",
    "--save fig.svg writes the figure too (.svg/.png need Chromium; .html/.json always work).",
  ].join("\n"),
  args: [
    { name: "kind", help: "which figure", choices: KINDS, required: true },
    { name: "sources", help: "the results variable, or run ids for curves", variadic: true },
    { name: "title", option: true, help: "figure title" },
    { name: "log", option: true, flag: true, help: "curves: logarithmic y axis" },
    { name: "save", option: true, help: "also write the figure to this file" },
    { name: "as", option: true, help: "variable to store the Figure in" },
  ],
  async run(args, ctx) {
    const builders = await import("../../lib/plot/builders.ts");
    const sources = (args.sources as string[] | undefined) ?? [];
    if (sources.length === 0) throw new UsageError(`%plot ${String(args.kind)}: name the results variable${args.kind === "curves" ? " (or run ids)" : ""}`);
    const title = args.title as string | undefined;
    const kind = args.kind as (typeof KINDS)[number];
    let figure;
    if (kind === "curves") {
      // A %train result variable stands for its run; other words are run ids or prefixes.
      const { runCurves } = await import("../../lib/plot/curves.ts");
      figure = runCurves(sources.map((s) => valueOrName(s, ctx.scope) as string), { title, logY: args.log as boolean });
    } else {
      // Every other kind draws the rows of one results variable.
      const build = {
        scatter: builders.symbolicVsGeneral,
        icl: builders.iclSettingsBars,
        flipped: builders.flippedLabelBars,
        ablation: builders.ablationBars,
        bars: builders.groupedBars,
      }[kind] as (rows: never, options: { title?: string }) => Awaited<ReturnType<typeof builders.groupedBars>>;
      figure = build(rowsVar(sources[0], ctx.scope) as never, { title });
    }
    if (typeof args.save === "string") ctx.print(`saved ${await figure.save(args.save)}\n`);
    return storeAs("%plot", args.as, figure, ctx.scope);
  },
});
