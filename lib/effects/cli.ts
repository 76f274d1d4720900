/**
 * `symtune effects [--effect NAME[,NAME...]] [--seeds LIST] [--size quick|full] [--json] [--out FILE]`:
 * runs the effects (all, or one), prints per effect, per seed and overall: treatment, control,
 * difference, 95% interval and verdict. With --json it also writes the results file
 * (default results/effects.json), replacing the entries of the effects it ran and keeping the
 * others, so one effect can be rerun without redoing the rest.
 *
 * `symtune effects --merge A.json B.json ... [--out FILE]` combines the per-seed results of runs
 * made separately (one process per seed, to use more cores) into one file, summarised anew; a
 * seed present twice must carry the same numbers.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isUserError, UsageError } from "../errors.ts";
import { EFFECT_SIZES, formatEffects, runEffect, summarizeEffect, type EffectResult, type EffectSize, type SeedResult } from "./harness.ts";
import { EFFECTS, effectNames } from "./registry.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const RESULTS_FILE = resolve(ROOT, "results/effects.json");

const USAGE = `usage: symtune effects [--effect NAME[,NAME...]] [--seeds 0,1,2] [--size quick|full] [--json] [--out FILE]
       symtune effects --merge A.json B.json ... [--out FILE]
  effects: ${effectNames().join(", ")}`;

export interface EffectsFile {
  commit: string;
  generated: string;
  threads: string;
  effects: (EffectResult & { size: EffectSize; wall_seconds: number; commit: string })[];
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (!isUserError(error)) throw error;
    process.stderr.write(`symtune effects: ${error.message}\n`);
    return 2;
  }
}

export function parseSeeds(text: string): number[] {
  const seeds = text.split(",").map((s) => s.trim());
  if (seeds.some((s) => !/^\d+$/.test(s))) throw new UsageError(`--seeds must be a comma-separated list of non-negative integers, like 0,1,2 (got "${text}")`);
  return [...new Set(seeds.map(Number))];
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === "help" || argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let values, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { effect: { type: "string" }, seeds: { type: "string", default: "0,1,2" }, size: { type: "string", default: "quick" }, json: { type: "boolean", default: false }, out: { type: "string" }, merge: { type: "boolean", default: false } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(".")[0]}; the options are --effect, --seeds, --size, --json, --out, --merge`);
  }
  const out = values.out ? resolve(values.out as string) : RESULTS_FILE;
  if (values.merge) {
    const merged = mergeResults(positionals.map((f) => resolve(f)));
    for (const entry of merged) writeResults(out, entry, entry.commit);
    process.stdout.write(`${formatEffects(merged)}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (files are read only with --merge)`);
  const size = values.size as EffectSize;
  if (!EFFECT_SIZES.includes(size)) throw new UsageError(`--size must be quick or full, not "${values.size}"`);
  const seeds = parseSeeds(values.seeds as string);
  // A comma list runs several effects in one process (flipped-labels,unseen-tasks share their arms).
  const names = values.effect === undefined ? effectNames() : (values.effect as string).split(",").map((n) => n.trim());
  const unknown = names.find((n) => !effectNames().includes(n));
  if (unknown !== undefined) throw new UsageError(`unknown effect "${unknown}"; the effects are ${effectNames().join(", ")}`);
  const chosen = EFFECTS.filter((e) => names.includes(e.name));
  const commit = gitCommit();
  const results: EffectsFile["effects"] = [];
  for (const effect of chosen) {
    const started = performance.now();
    const log = (line: string) => process.stderr.write(`[${effect.name}] ${line}\n`);
    log(`${size} size, seeds ${seeds.join(",")}: ${effect.metric}`);
    const result = await runEffect(effect, seeds, size, { log });
    const entry = { ...result, size, wall_seconds: Math.round((performance.now() - started) / 100) / 10, commit };
    results.push(entry);
    process.stdout.write(`${formatEffects([result])}\n`);
    if (values.json) writeResults(out, entry, commit);
  }
  return 0;
}

/** Replaces (or adds) one effect's entry in the results file, atomically. */
export function writeResults(file: string, entry: EffectsFile["effects"][number], commit: string): void {
  const previous: EffectsFile | undefined = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  const effects = (previous?.effects ?? []).filter((e) => e.effect !== entry.effect);
  effects.push(entry);
  const order = effectNames();
  effects.sort((a, b) => order.indexOf(a.effect) - order.indexOf(b.effect));
  const out: EffectsFile = { commit, generated: new Date().toISOString(), threads: process.env.SYMTUNE_THREADS ?? "default", effects };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(out, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** Per effect, the union of the files' seeds, summarised again. */
export function mergeResults(files: readonly string[]): EffectsFile["effects"] {
  if (files.length === 0) throw new UsageError("--merge needs the results files to combine, e.g. --merge seed-0.json seed-1.json");
  const byEffect = new Map<string, EffectsFile["effects"]>();
  for (const file of files) {
    if (!existsSync(file)) throw new UsageError(`--merge: ${file} does not exist`);
    for (const entry of (JSON.parse(readFileSync(file, "utf8")) as EffectsFile).effects) {
      byEffect.set(entry.effect, [...(byEffect.get(entry.effect) ?? []), entry]);
    }
  }
  return [...byEffect.values()].map((entries) => {
    const first = entries[0]!;
    const seeds = new Map<number, SeedResult>();
    for (const e of entries) {
      if (e.size !== first.size) throw new UsageError(`--merge: ${first.effect} was run at sizes ${first.size} and ${e.size}; merge runs of one size`);
      for (const s of e.per_seed) {
        const known = seeds.get(s.seed);
        if (known && (known.treatment !== s.treatment || known.control !== s.control)) {
          throw new UsageError(`--merge: ${first.effect} seed ${s.seed} differs between files (${known.treatment}/${known.control} vs ${s.treatment}/${s.control})`);
        }
        seeds.set(s.seed, s);
      }
    }
    const perSeed = [...seeds.values()].sort((a, b) => a.seed - b.seed);
    const commits = [...new Set(entries.map((e) => e.commit))].join("+");
    return { ...summarizeEffect({ name: first.effect, expected: first.expected, metric: first.metric }, perSeed), size: first.size, wall_seconds: entries.reduce((a, e) => a + e.wall_seconds, 0), commit: commits };
  });
}
