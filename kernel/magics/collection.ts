/**
 * %collection: load, list, show, stats, split and export collections. Thin: parse, call
 * lib/collections, return the result (a Collection renders as a table). Library modules are
 * imported on first use so a kernel that never touches collections does not load them.
 */
import { existsSync } from "node:fs";
import { displaySymbol } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";
import { unstorableReason } from "../exec/storable.ts";
import type { Collection } from "../../lib/collections/collection.ts";
import { registerMagic } from "./registry.ts";
import type { MagicArgs, MagicContext } from "./types.ts";

const ACTIONS = ["load", "list", "show", "stats", "split", "sample", "mix", "export"] as const;
type Action = (typeof ACTIONS)[number];

/** The collection a notebook variable holds, or a UsageError naming the ones that exist; `magic` as the user wrote it ("%evol"). */
export async function collectionFromScope(magic: string, name: unknown, scope: Record<string, unknown>): Promise<Collection> {
  const { Collection } = await import("../../lib/collections/collection.ts");
  if (typeof name !== "string" || name === "") throw new UsageError(`${magic}: name the collection variable (e.g. ${magic} scan)`);
  const value = scope[name];
  if (value instanceof Collection) return value;
  const known = Object.keys(scope).filter((k) => scope[k] instanceof Collection);
  const list = known.length ? `collections defined: ${known.join(", ")}` : "no collection is defined yet; %collection load NAME --as VAR makes one";
  throw new UsageError(`${magic}: "${name}" is not a collection (${list})`);
}

/**
 * Runs the library call behind `magic` ("%evol"), so a UsageError from the library names the
 * magic the user typed; messages that already start with a magic name pass unchanged.
 */
export async function asMagic<T>(magic: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UsageError && !error.message.startsWith("%")) throw new UsageError(`${magic}: ${error.message}`);
    throw error;
  }
}

/** Stores under --as (a name later cells can use: kernel/exec/names.ts) and returns the value. */
export function storeAs<T>(magic: string, name: unknown, value: T, scope: Record<string, unknown>): T {
  if (name === undefined) return value;
  const reason = unstorableReason(name);
  if (reason !== null) throw new UsageError(`${magic}: --as ${reason}`);
  scope[name as string] = value;
  return value;
}

function looksLikePath(target: string): boolean {
  return /[\\/]/.test(target) || /\.(jsonl|json)$/.test(target) || existsSync(target);
}

/** The first target word (every action but mix takes one). */
function firstTarget(args: MagicArgs): string | undefined {
  return (args.target as string[])[0];
}

async function load(args: MagicArgs, ctx: MagicContext): Promise<unknown> {
  const target = firstTarget(args);
  if (!target) throw new UsageError("%collection load: give a family name (see %collection list) or a .jsonl/.json file or folder");
  const collection = await asMagic("%collection load", async (): Promise<Collection> => {
    if (!looksLikePath(target)) {
      const { generateCollection } = await import("../../lib/collections/registry.ts");
      return generateCollection(target, (args.n as number | undefined) ?? 100, args.seed as number);
    }
    const { loadCollection } = await import("../../lib/collections/load.ts");
    return await loadCollection(target, {
      onError: args.onError as "throw" | "skip",
      limit: args.limit as number | undefined,
      sample: args.sample !== undefined ? { n: args.sample as number, seed: args.seed as number } : undefined,
    });
  });
  if (collection.report?.skipped) {
    ctx.print(`skipped ${collection.report.skipped} malformed rows; first: ${collection.report.errors[0]}\n`);
  }
  storeAs("%collection load", args.as, collection, ctx.scope);
  // --quiet: one line instead of the first rows (a notebook that loads many collections).
  if (args.quiet) return { [displaySymbol]: () => ({ "text/plain": `${collection.summary()}${args.as ? ` → ${String(args.as)}` : ""}` }) };
  return collection;
}

async function split(args: MagicArgs, ctx: MagicContext): Promise<unknown> {
  const collection = await collectionFromScope("%collection split", firstTarget(args), ctx.scope);
  const heldOut = typeof args.heldOut === "string" && args.heldOut ? args.heldOut.split(",").map((t) => t.trim()) : [];
  const parts = collection.split({ test: args.test as number, valid: args.valid as number, heldOutTasks: heldOut, seed: args.seed as number });
  const prefix = (args.as as string | undefined) ?? firstTarget(args)!;
  for (const part of ["train", "valid", "test"] as const) storeAs("%collection split", `${prefix}_${part}`, parts[part], ctx.scope);
  const { table } = await import("../../lib/display/table.ts");
  return table(
    (["train", "valid", "test"] as const).map((part) => ({
      variable: `${prefix}_${part}`,
      rows: parts[part].size,
      tasks: new Set(parts[part].rows.map((r) => r.task)).size,
    })),
    { caption: `split of "${collection.name}" (seed ${args.seed})` },
  );
}

/** `%collection mix scan:0.84 general:1 --n 1000`: VAR:RATIO words, mixed by lib's Collection.mix. */
async function mix(args: MagicArgs, ctx: MagicContext): Promise<unknown> {
  const words = args.target as string[];
  if (words.length === 0) throw new UsageError("%collection mix: give VAR:RATIO pairs, e.g. %collection mix scan:0.84 general:1 --n 1000");
  const parts: [Collection, number][] = [];
  for (const word of words) {
    const match = /^([A-Za-z_$][\w$]*):(\d*\.?\d+)$/.exec(word);
    if (!match) throw new UsageError(`%collection mix: "${word}" is not VAR:RATIO (e.g. scan:0.84)`);
    parts.push([await collectionFromScope("%collection mix", match[1], ctx.scope), Number(match[2])]);
  }
  const n = args.n as number | undefined;
  if (n === undefined) throw new UsageError("%collection mix: give the number of rows with --n N");
  const { mix: mixCollections } = await import("../../lib/collections/collection.ts");
  return storeAs("%collection mix", args.as, mixCollections(parts, { n, seed: args.seed as number }), ctx.scope);
}

registerMagic({
  name: "collection",
  mode: "line",
  summary: "Load, list, show, split, sample, mix and export symbolic collections",
  help: [
    "%collection list                              built-in families and classification tasks",
    "%collection load scan --n 200 --seed 1 --as scan   generate a built-in family",
    "%collection load data/x.jsonl --as x          load JSONL/JSON (a file or a folder)",
    "%collection show scan --n 5                   the first rows as a table",
    "%collection stats scan                        rows and mean lengths per task",
    "%collection split scan --test 0.1 --held-out sql   stores scan_train, scan_valid, scan_test",
    "%collection sample scan --n 50 --seed 2 --as small",
    "%collection mix scan:0.84 general:1 --n 1000 --seed 0 --as infusion   ratios exact, rows interleaved",
    "%collection export scan --out scan.jsonl --layout messages",
  ].join("\n"),
  args: [
    { name: "action", help: `what to do: ${ACTIONS.join(", ")}`, choices: ACTIONS, required: true },
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
    { name: "layout", option: true, choices: ["prompt-completion", "messages", "rows"], default: "prompt-completion", help: "export: JSONL layout" },
  ],
  async run(args, ctx) {
    switch (args.action as Action) {
      case "load":
        return load(args, ctx);
      case "list": {
        const { listFamilies } = await import("../../lib/collections/registry.ts");
        const { table } = await import("../../lib/display/table.ts");
        const infos = listFamilies().map(({ name, kind, domain, form, checker, role }) => ({ name, kind, domain, form, checker, role: role ?? "" }));
        return table(infos, { caption: `${infos.length} built-in collections` });
      }
      case "show":
        return (await collectionFromScope("%collection show", firstTarget(args), ctx.scope)).table((args.n as number | undefined) ?? 10);
      case "stats":
        return (await collectionFromScope("%collection stats", firstTarget(args), ctx.scope)).statsTable();
      case "split":
        return split(args, ctx);
      case "sample": {
        const collection = await collectionFromScope("%collection sample", firstTarget(args), ctx.scope);
        const n = args.n as number | undefined;
        if (n === undefined) throw new UsageError("%collection sample: give the number of rows with --n N");
        return storeAs("%collection sample", args.as, collection.sample(n, args.seed as number), ctx.scope);
      }
      case "mix":
        return mix(args, ctx);
      case "export": {
        const collection = await collectionFromScope("%collection export", firstTarget(args), ctx.scope);
        if (typeof args.out !== "string") throw new UsageError("%collection export: give the file to write with --out FILE");
        const written = await collection.export(args.out, args.layout as "prompt-completion");
        return `wrote ${written.rows} rows (${written.bytes} bytes, ${args.layout} layout) to ${written.file}`;
      }
    }
  },
});
