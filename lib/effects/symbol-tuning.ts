/**
 * Symbol tuning (Wei et al. 2023) at toy scale: from a shipped base, two arms trained for the
 * same steps on the ten "tune" tasks of the feature world, each mixed 1 : 1 with replay of the
 * base's pretraining data:
 *
 *   symbol-tuned        ICL episodes whose labels are arbitrary symbols (training pool), no
 *                       instruction: the answer can only come from the in-context mapping;
 *   instruction-tuned   the same episodes with the natural labels, half with the instruction.
 *
 * Both are measured on the five held-out tasks (k = 4 per class, numbers never trained on,
 * rank classification, ≥ 400 prompts per setting). The effects:
 *
 *   flipped-labels   natural labels flipped in the exemplars: the right answer is the flipped
 *                    label; symbol-tuned − instruction-tuned (paper +26.5…+34.0 points);
 *   unseen-tasks     no instruction, evaluation-pool symbols as labels (paper +11.1 points).
 *
 * Before any verdict the prerequisites of the base are printed (lib/eval/probes.ts gates).
 */
import { TRAIN_SYMBOLS, episode, symbolPair, tuneTasks } from "../collections/feature-world.ts";
import { formatGates, type ChoiceAccuracy } from "../eval/probes.ts";
import { checkEffect, type EffectCheck } from "../eval/effects.ts";
import type { Example } from "../prompts/format.ts";
import { deriveSeed, Rng } from "../rng.ts";
import { train } from "../train/trainer.ts";
import type { StepRecord } from "../runs/metrics.ts";
import { baseReport, heldoutIcl, loadBase, type BaseReport } from "./base.ts";
import { pretrainRows } from "./base-data.ts";

export type Arm = "symbol" | "instruction";

/** Training settings of both arms (equal steps); `quick` is what CI and the quick notebook run. */
export const ARM_SIZES = {
  quick: { steps: 60, batchSize: 32, perSetting: 100 },
  full: { steps: 400, batchSize: 32, perSetting: 400 },
} as const;
export type Size = keyof typeof ARM_SIZES;
export const ARM_LR = 5e-4;

/** The arm's tuning rows: half tuning episodes, half replay of the base's pretraining rows. */
export function armRows(arm: Arm, seed: number, n: number): Example[] {
  const rng = new Rng(deriveSeed(seed, arm === "symbol" ? 301 : 302));
  const replay = pretrainRows(deriveSeed(seed, 303), Math.ceil(n / 2));
  const rows: Example[] = [];
  for (let i = 0; rows.length < n; i++) {
    if (i % 2 === 1 && replay.length) {
      rows.push(replay.pop()!);
      continue;
    }
    const t = rng.pick(tuneTasks());
    const k = rng.int(1, 4);
    const e = arm === "symbol"
      ? episode(rng, t, { k, labels: symbolPair(rng, TRAIN_SYMBOLS) })
      : episode(rng, t, { k, instruction: rng.chance(0.5) });
    rows.push({ prompt: "", completion: e.context + e.candidates[e.answer]! });
  }
  return rows;
}

export interface ArmResult {
  arm: Arm;
  seed: number;
  icl: Awaited<ReturnType<typeof heldoutIcl>>;
  seconds: number;
  finalLoss: number;
}

/** Trains one arm from base `seed` and measures it on the held-out tasks. */
export async function runArm(arm: Arm, seed: number, size: Size, onStep?: (m: StepRecord) => void): Promise<ArmResult> {
  const s = ARM_SIZES[size];
  const { model, tokenizer } = loadBase(seed);
  try {
    const started = performance.now();
    const result = await train({
      model, tokenizer, data: armRows(arm, seed, s.steps * s.batchSize), steps: s.steps, batchSize: s.batchSize,
      lr: ARM_LR, minLr: ARM_LR, warmup: 10, weightDecay: 0, seed, onStep,
    });
    const icl = await heldoutIcl(model, tokenizer, s.perSetting);
    return { arm, seed, icl, seconds: (performance.now() - started) / 1000, finalLoss: result.losses.at(-1) ?? NaN };
  } finally {
    model.dispose();
  }
}

export interface SymbolTuningResult {
  seeds: number[];
  size: Size;
  base: Record<number, BaseReport>;
  arms: ArmResult[];
  effects: (EffectCheck & { effect: string; chance: number; treatment: number[]; control: number[]; prerequisite: boolean })[];
}

const pts = (a: ChoiceAccuracy) => 100 * a.accuracy;

/** Both effects over `seeds` (each seed: its base, both arms); prerequisites first, then verdicts. */
export async function symbolTuningEffects(seeds: readonly number[], size: Size, log: (line: string) => void = console.log): Promise<SymbolTuningResult> {
  const base: Record<number, BaseReport> = {};
  const arms: ArmResult[] = [];
  for (const seed of seeds) {
    const { model, tokenizer } = loadBase(seed);
    base[seed] = await baseReport(model, tokenizer, { perSetting: ARM_SIZES[size].perSetting });
    model.dispose();
    log(`base seed ${seed} — prerequisites:\n${formatGates(base[seed]!.gates)}`);
    for (const arm of ["symbol", "instruction"] as const) {
      const r = await runArm(arm, seed, size);
      arms.push(r);
      log(`seed ${seed} ${arm}-tuned (${r.seconds.toFixed(0)} s): ${Object.entries(r.icl).map(([k, a]) => `${k} ${pts(a).toFixed(1)}%`).join(", ")}`);
    }
  }
  const prerequisite = seeds.every((s) => base[s]!.gates.every((g) => g.passed));
  const get = (arm: Arm, setting: keyof ArmResult["icl"]) => seeds.map((s) => pts(arms.find((a) => a.arm === arm && a.seed === s)!.icl[setting]));
  const n = ARM_SIZES[size].perSetting;
  const effect = (effect: string, setting: keyof ArmResult["icl"]) => {
    const treatment = get("symbol", setting), control = get("instruction", setting);
    const check = checkEffect(effect, treatment, control, "increase", { testSize: n });
    const statement = prerequisite ? check.statement : `${effect}: prerequisite not met (see the gates above) — ${check.statement.replace(/ — .*/, "")}`;
    return { ...check, statement, reproduced: prerequisite && check.reproduced, effect, chance: 50, treatment, control, prerequisite };
  };
  const effects = [effect("flipped-labels", "flipped natural labels"), effect("unseen-tasks", "symbols, no instruction")];
  for (const e of effects) log(e.statement);
  return { seeds: [...seeds], size, base, arms, effects };
}
