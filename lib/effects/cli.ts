/**
 * `symtune effects [--effect NAME] [--seeds LIST] [--size quick|full] [--json] [--out FILE]`:
 * runs the effects (all, or one), prints per effect, per seed and overall: treatment, control,
 * difference, 95% interval and verdict. With --json it also writes the results file
 * (default results/effects.json), replacing the entries of the effects it ran and keeping the
 * others, so one effect can be rerun without redoing the rest.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isUserError, UsageError } from "../errors.ts";
import { EFFECT_SIZES, formatEffects, runEffect, type EffectResult, type EffectSize } from "./harness.ts";
import { EFFECTS, effectNames } from "./registry.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const RESULTS_FILE = resolve(ROOT, "results/effects.json");

const USAGE = `usage: symtune effects [--effect NAME] [--seeds 0,1,2] [--size quick|full] [--json] [--out FILE]
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
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { effect: { type: "string" }, seeds: { type: "string", default: "0,1,2" }, size: { type: "string", default: "quick" }, json: { type: "boolean", default: false }, out: { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(".")[0]}; the options are --effect, --seeds, --size, --json, --out`);
  }
  const size = values.size as EffectSize;
  if (!EFFECT_SIZES.includes(size)) throw new UsageError(`--size must be quick or full, not "${values.size}"`);
  const seeds = parseSeeds(values.seeds as string);
  const chosen = values.effect === undefined ? EFFECTS : EFFECTS.filter((e) => e.name === values.effect);
  if (chosen.length === 0) throw new UsageError(`unknown effect "${values.effect}"; the effects are ${effectNames().join(", ")}`);
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
    if (values.json) writeResults(values.out ? resolve(values.out as string) : RESULTS_FILE, entry, commit);
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
