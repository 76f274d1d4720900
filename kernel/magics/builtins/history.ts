/** %history: this session's inputs, as in IPython (`-n` numbers them, `-l N` the last N, `4-6` a range). */
import { UsageError } from "../../../lib/errors.ts";
import { registerMagic } from "../registry.ts";

registerMagic({
  name: "history",
  mode: "line",
  summary: "This session's inputs",
  help: "%history (all), %history -n (with their numbers), %history -l 3 (the last 3), %history 2-4 7 (those cells).",
  args: [
    { name: "numbers", short: "n", option: true, flag: true, help: "show each input's number" },
    { name: "last", short: "l", option: true, type: "integer", min: 1, help: "only the last N inputs" },
    { name: "ranges", variadic: true, help: "cell numbers: N or A-B" },
  ],
  run(args, ctx) {
    const inputs = (ctx.scope.In as string[] | undefined) ?? [];
    // In[0] is "" (as IPython), the current cell (this %history) is the last entry: not shown.
    let numbers = inputs.map((_, i) => i).slice(1, -1);
    const ranges = args.ranges as string[];
    if (ranges.length > 0) {
      const wanted = new Set<number>();
      for (const range of ranges) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(range);
        if (!m) throw new UsageError(`%history: a range is N or A-B (e.g. 2-4), got '${range}'`);
        for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) wanted.add(i);
      }
      numbers = numbers.filter((i) => wanted.has(i));
    }
    if (args.last !== undefined) numbers = numbers.slice(-(args.last as number));
    const text = numbers.map((i) => (args.numbers ? `${String(i).padStart(3)}: ${indentRest(inputs[i]!)}` : inputs[i]!)).join("\n");
    ctx.print(text);
  },
});

function indentRest(code: string): string {
  return code.replace(/\n/g, "\n     ");
}
