/**
 * %time / %%time and %timeit / %%timeit, as in IPython. %timeit compiles the statement once
 * into a loop (through ctx.evaluate, so it sees the cell's variables) and times whole runs,
 * so the cost of evaluating a cell is not counted per loop.
 */
import { displaySymbol, type MimeBundle } from "../../../lib/display/protocol.ts";
import { UsageError } from "../../../lib/errors.ts";
import { registerMagic } from "../registry.ts";
import type { MagicContext } from "../types.ts";

/** IPython's format: three significant digits in s, ms, µs or ns; minutes beyond 60 s. */
export function formatDuration(seconds: number): string {
  if (seconds >= 60) {
    const [d, h, m] = [Math.floor(seconds / 86400), Math.floor((seconds % 86400) / 3600), Math.floor((seconds % 3600) / 60)];
    const s = Math.round(seconds % 60);
    return [d && `${d}d`, h && `${h}h`, m && `${m}min`, `${s}s`].filter(Boolean).join(" ");
  }
  const units: [string, number][] = [["s", 1], ["ms", 1e-3], ["µs", 1e-6], ["ns", 1e-9]];
  const [unit, scale] = units.find(([, scale]) => seconds >= scale) ?? units[3]!;
  return `${Number((seconds / scale).toPrecision(3))} ${unit}`;
}

function checkInterrupted(ctx: MagicContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error("interrupted");
}

registerMagic({
  name: "time",
  mode: "both",
  summary: "Time one execution of a statement or cell (wall and CPU time)",
  help: "Prints CPU and wall time, then returns the statement's value. Times are printed even if it fails.",
  args: [{ name: "code", help: "the statement to time (line form); the cell body in %%time", raw: true }],
  async run(args, ctx) {
    const line = (args.code as string | undefined) ?? "";
    if (ctx.body !== undefined && line) {
      throw new UsageError("%%time: code after %%time on its line is not allowed; put it in the cell body");
    }
    const code = ctx.body ?? line;
    if (!code.trim()) throw new UsageError("%time: nothing to time; write %time <statement> or use %%time on a cell");
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      return await ctx.evaluate(code);
    } finally {
      const wall = (performance.now() - start) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      ctx.print(
        `CPU times: user ${formatDuration(user / 1e6)}, sys: ${formatDuration(system / 1e6)}, total: ${formatDuration((user + system) / 1e6)}\n` +
          `Wall time: ${formatDuration(wall)}\n`,
      );
    }
  },
});

/** What %timeit -o returns: per-loop seconds of each run, and the summary as its display. */
export interface TimeitResult {
  loops: number;
  repeat: number;
  /** Seconds per loop, one entry per run. */
  timings: number[];
  best: number;
  worst: number;
  average: number;
  stdev: number;
  [displaySymbol](): MimeBundle;
}

export function timeitResult(loops: number, timings: number[]): TimeitResult {
  const average = timings.reduce((a, b) => a + b, 0) / timings.length;
  const stdev = Math.sqrt(timings.reduce((a, t) => a + (t - average) ** 2, 0) / timings.length);
  const repeat = timings.length;
  const summary =
    `${formatDuration(average)} ± ${formatDuration(stdev)} per loop (mean ± std. dev. of ${repeat} run${repeat === 1 ? "" : "s"}, ` +
    `${loops.toLocaleString("en-US")} loop${loops === 1 ? "" : "s"} each)`;
  return {
    loops,
    repeat,
    timings,
    best: Math.min(...timings),
    worst: Math.max(...timings),
    average,
    stdev,
    [displaySymbol]: () => ({ "text/plain": summary }),
  };
}

/** The statement wrapped into `async (loops) => ms`: setup once, then the statement `loops` times. */
function timingFunction(setup: string, code: string): string {
  return [
    "async (__symtune_loops = 1) => {",
    setup,
    "const __symtune_t0 = performance.now();",
    "for (let __symtune_i = 0; __symtune_i < __symtune_loops; __symtune_i++) {",
    code,
    "}",
    "return performance.now() - __symtune_t0;",
    "}",
  ].join("\n");
}

/** timeit.autorange: 1, 2, 5, 10, 20, 50, ... loops until one run takes at least 0.2 s. */
async function autorange(run: (loops: number) => Promise<number>, ctx: MagicContext): Promise<number> {
  for (let base = 1; ; base *= 10) {
    for (const k of [1, 2, 5]) {
      checkInterrupted(ctx);
      const loops = k * base;
      if ((await run(loops)) >= 200 || loops >= 1e9) return loops;
    }
  }
}

registerMagic({
  name: "timeit",
  mode: "both",
  summary: "Time repeated executions of a statement or cell (mean ± std. dev.)",
  help: [
    "Without -n, the loop count grows (1, 2, 5, 10, 20, ...) until one run takes at least 0.2 s;",
    "with -n, one untimed run (of N loops) comes first, to warm up the JIT.",
    "In %%timeit the rest of the first line is setup code, run once before each run; the body is timed.",
  ].join("\n"),
  args: [
    { name: "number", short: "n", option: true, type: "integer", help: "loops per run (default: chosen so a run takes ≥ 0.2 s)" },
    { name: "repeat", short: "r", option: true, type: "integer", default: 7, help: "number of runs" },
    { name: "quiet", short: "q", option: true, flag: true, help: "print nothing" },
    { name: "output", short: "o", option: true, flag: true, help: "return the TimeitResult (timings, average, stdev)" },
    { name: "code", help: "the statement to time; in %%timeit, setup code", raw: true },
  ],
  async run(args, ctx) {
    const line = (args.code as string | undefined) ?? "";
    const [setup, code] = ctx.body !== undefined ? [line, ctx.body] : ["", line];
    if (!code.trim()) throw new UsageError("%timeit: nothing to time; write %timeit <statement> or use %%timeit on a cell");
    const repeat = args.repeat as number;
    if (repeat < 1) throw new UsageError(`%timeit: -r expects at least 1 run, got ${repeat}`);
    if (args.number !== undefined && (args.number as number) < 1) {
      throw new UsageError(`%timeit: -n expects at least 1 loop, got ${String(args.number)}`);
    }
    const run = (await ctx.evaluate(timingFunction(setup, code))) as (loops: number) => Promise<number>;
    let loops = args.number as number | undefined;
    if (loops === undefined) loops = await autorange(run, ctx);
    else await run(loops); // one untimed run, so the first timed run does not include JIT warm-up
    const timings: number[] = [];
    for (let r = 0; r < repeat; r++) {
      checkInterrupted(ctx);
      timings.push((await run(loops)) / 1000 / loops);
    }
    const result = timeitResult(loops, timings);
    if (!args.quiet) {
      if (result.worst > 4 * result.best && result.worst > 1e-6) {
        ctx.print(
          `The slowest run took ${(result.worst / result.best).toFixed(2)} times longer than the fastest. ` +
            "This could mean that an intermediate result is being cached.\n",
        );
      }
      ctx.print(`${(result[displaySymbol]() as { "text/plain": string })["text/plain"]}\n`);
    }
    return args.output ? result : undefined;
  },
});
