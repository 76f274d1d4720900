/**
 * %collection: load, list, show, stats, split, sample, mix and export collections. Thin: each
 * action is one call into lib/collections (openCollection, familiesTable, Collection's
 * methods, mix); the value returned displays itself.
 */
import { displaySymbol } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";
import type { Collection } from "../../lib/collections/collection.ts";
import { registerMagic } from "./registry.ts";
import { asMagic, collectionFromScope, ratioPairs, storeAs } from "./scope.ts";
import type { MagicArgs, MagicContext } from "./types.ts";

type Action = (args: MagicArgs, ctx: MagicContext, target: () => Promise<Collection>) => Promise<unknown>;
const need = (what: string, value: unknown): never => (value ?? (() => { throw new UsageError(`%collection: ${what}`); })()) as never;

const actions: Record<string, Action> = {
  load: async (a, ctx) => {
    const { openCollection } = await import("../../lib/collections/registry.ts");
    const sample = a.sample !== undefined ? { n: a.sample as number, seed: a.seed as number } : undefined;
    const options = { n: a.n as number | undefined, seed: a.seed as number, onError: a.onError as "throw", limit: a.limit as number | undefined, sample };
    const c = await asMagic("%collection load", () => openCollection((a.target as string[])[0]!, options));
    if (c.report?.skipped) ctx.print(`skipped ${c.report.skipped} malformed rows; first: ${c.report.errors[0]}\n`);
    storeAs("%collection load", a.as, c, ctx.scope);
    // --quiet: one line instead of the first rows (a notebook that loads many collections).
    return a.quiet ? { [displaySymbol]: () => ({ "text/plain": `${c.summary()}${a.as ? ` → ${String(a.as)}` : ""}` }) } : c;
  },
  list: async () => (await import("../../lib/collections/registry.ts")).familiesTable(),
  show: async (a, _ctx, target) => (await target()).table((a.n as number | undefined) ?? 10), stats: async (_a, _ctx, target) => (await target()).statsTable(),
  split: async (a, ctx, target) => {
    const c = await target();
    const heldOutTasks = typeof a.heldOut === "string" && a.heldOut ? a.heldOut.split(",").map((t) => t.trim()) : [];
    const parts = c.split({ test: a.test as number, valid: a.valid as number, heldOutTasks, seed: a.seed as number });
    const prefix = (a.as as string | undefined) ?? (a.target as string[])[0]!;
    for (const [part, rows] of Object.entries(parts)) storeAs("%collection split", `${prefix}_${part}`, rows, ctx.scope);
    const { splitTable } = await import("../../lib/collections/collection.ts");
    return splitTable(parts, prefix, `split of "${c.name}" (seed ${a.seed})`);
  },
  sample: async (a, ctx, target) => storeAs("%collection sample", a.as, (await target()).sample(need("give the number of rows with --n N", a.n), a.seed as number), ctx.scope),
  mix: async (a, ctx) => {
    const parts = await ratioPairs("%collection mix", a.target as string[], ctx.scope);
    const { mix } = await import("../../lib/collections/collection.ts");
    return storeAs("%collection mix", a.as, mix(parts, { n: need("give the number of rows with --n N", a.n), seed: a.seed as number }), ctx.scope);
  },
  export: async (a, _ctx, target) => {
    const written = await (await target()).export(need("give the file to write with --out FILE", a.out), a.layout as "prompt-completion", { force: a.force === true });
    return `wrote ${written.rows} rows (${written.bytes} bytes, ${a.layout} layout) to ${written.file}${written.replaced ? " (replaced the file that was there)" : ""}`;
  },
};

registerMagic({
  name: "collection",
  mode: "line",
  summary: "Load, list, show, split, sample, mix and export symbolic collections",
  help: [
    "%collection list                              built-in families and classification tasks",
    "%collection load scan --n 200 --seed 1 --as scan   (or a .jsonl/.json file or folder)",
    "%collection show scan --n 5  |  %collection stats scan",
    "%collection split scan --test 0.1 --held-out sql   stores scan_train, scan_valid, scan_test",
    "%collection sample scan --n 50 --as small  |  %collection export scan --out scan.jsonl [--force]",
    "%collection mix scan:0.84 general:1 --n 1000 --as infusion   ratios exact, rows interleaved",
  ].join("\n"),
  args: [
    { name: "action", help: `what to do: ${Object.keys(actions).join(", ")}`, choices: Object.keys(actions), required: true },
    { name: "target", variadic: true, help: "family name or path (load); the collection variable; for mix: VAR:RATIO pairs" },
    { name: "n", option: true, short: "n", type: "integer", min: 0, help: "rows to generate (load, default 100), show (default 10), sample or mix" },
    { name: "seed", option: true, type: "integer", default: 0, help: "seed for generation, sampling and splitting" },
    { name: "as", option: true, help: "variable to store the result in (split: prefix)" },
    { name: "on-error", option: true, choices: ["throw", "skip"], default: "throw", help: "load: fail on a malformed row, or skip and count it" },
    { name: "quiet", option: true, flag: true, help: "load: show one line (name, rows, tasks) instead of the first rows" },
    { name: "limit", option: true, type: "integer", min: 0, help: "load: keep at most this many rows from files" },
    { name: "sample", option: true, type: "integer", min: 0, help: "load: keep a seeded uniform sample of this many rows (one pass)" },
    { name: "test", option: true, type: "number", min: 0, max: 1, default: 0.1, help: "split: fraction for test" },
    { name: "valid", option: true, type: "number", min: 0, max: 1, default: 0, help: "split: fraction for valid" },
    { name: "held-out", option: true, help: "split: comma-separated tasks that go wholly to test" },
    { name: "out", option: true, help: "export: the JSONL file to write" },
    { name: "force", option: true, flag: true, help: "export: replace the file --out names if it exists" },
    { name: "layout", option: true, choices: ["prompt-completion", "messages", "rows"], default: "prompt-completion", help: "export: JSONL layout" },
  ],
  run: (a, ctx) => actions[a.action as string]!(a, ctx, () => collectionFromScope(`%collection ${a.action}`, (a.target as string[])[0], ctx.scope)),
});
