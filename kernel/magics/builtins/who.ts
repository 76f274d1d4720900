/** %who and %whos: the notebook's variables (what the user and magics defined), sorted, as in IPython. */
import { inspect } from "node:util";
import { registerMagic } from "../registry.ts";
import type { MagicContext } from "../types.ts";

function names(ctx: MagicContext): string[] {
  // Sorted, as IPython lists them.
  return (ctx.variables ? ctx.variables() : Object.keys(ctx.scope).filter((n) => !n.startsWith("__symtune"))).sort();
}

/** A value's kind in a word: the class for objects, typeof for the rest. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === "function") return /^class\b/.test(Function.prototype.toString.call(value)) ? "class" : "function";
  if (typeof value === "object") return (value as object).constructor?.name || "Object";
  return typeof value;
}

function summary(value: unknown, width: number): string {
  const text = typeof value === "function" ? `${(value as { name?: string }).name || "(anonymous)"}(…)` : inspect(value, { depth: 0, breakLength: Infinity, maxArrayLength: 10, maxStringLength: width });
  const line = text.replace(/\s+/g, " ");
  return line.length > width ? line.slice(0, width - 1) + "…" : line;
}

registerMagic({
  name: "who",
  mode: "line",
  summary: "List the notebook's variables",
  help: "%who lists every name; %who Collection lists only those of that kind (class or typeof).",
  args: [{ name: "kinds", variadic: true, help: "only variables of these kinds" }],
  run(args, ctx) {
    const kinds = args.kinds as string[];
    const shown = names(ctx).filter((n) => kinds.length === 0 || kinds.includes(kindOf(ctx.scope[n]).replace(/\(\d+\)$/, "")));
    ctx.print(shown.length === 0 ? "Interactive namespace is empty." : shown.join("\t"));
  },
});

registerMagic({
  name: "whos",
  mode: "line",
  summary: "Table of the notebook's variables: name, kind, value",
  args: [{ name: "kinds", variadic: true, help: "only variables of these kinds" }],
  run(args, ctx) {
    const kinds = args.kinds as string[];
    const rows = names(ctx)
      .map((n) => [n, kindOf(ctx.scope[n]), summary(ctx.scope[n], 60)] as const)
      .filter(([, kind]) => kinds.length === 0 || kinds.includes(kind.replace(/\(\d+\)$/, "")));
    if (rows.length === 0) return ctx.print("Interactive namespace is empty.");
    const head = ["Variable", "Type", "Data/Info"] as const;
    const w0 = Math.max(head[0].length, ...rows.map((r) => r[0].length));
    const w1 = Math.max(head[1].length, ...rows.map((r) => r[1].length));
    const line = (r: readonly string[]) => `${r[0]!.padEnd(w0)}   ${r[1]!.padEnd(w1)}   ${r[2]}`.trimEnd();
    const table = [line(head), "-".repeat(w0 + w1 + 6 + Math.max(9, ...rows.map((r) => r[2].length))), ...rows.map(line)];
    ctx.print(table.join("\n"));
  },
});
