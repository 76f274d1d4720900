/**
 * The byte-level base ("stage 0" for Symbol-evol and two-stage): a `tiny` GPT on the byte
 * tokenizer, context 256, pretrained on
 *
 * - copy rows of random alphanumeric names, the kind Symbol-evol renames symbols to (6
 *   characters, and 3-character ones): `k3Xa9Q bT2 Rr0pqZ | k3Xa9Q bT2 Rr0pqZ`, fresh names in
 *   every row, so the copy circuit reads any byte string rather than a fixed word list (the
 *   word-level bases copied only the words their copy rows used: notes/effects-icl.md);
 * - the general rows the two-stage effects use (their facts and procedures for this seed,
 *   `twoStageData(seed).baseRows`), so one base serves both effects.
 *
 * The recipe follows the research note §8 (the copy circuit forms at this shape with batch 128,
 * lr 1e-3 constant after warmup, weight decay 0, fresh rows, in ~2,500 steps). The gate is the
 * induction probe on names never seen in training: the loss on the repeat of a list of names far
 * below the loss on its first occurrence.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyGate, inductionProbe, tokenLogprobs, type Gate, type InductionResult, type LogitModel } from "../eval/probes.ts";
import { gradedScores } from "../eval/graded.ts";
import { loadCheckpoint } from "../model/checkpoint.ts";
import { DataError } from "../errors.ts";
import { createGPT, type GPT } from "../model/gpt.ts";
import { ByteTokenizer, type Tokenizer } from "../model/tokenizer.ts";
import type { Example } from "../prompts/format.ts";
import { toPrompt } from "../prompts/format.ts";
import { deriveSeed, Rng } from "../rng.ts";
import type { StepRecord } from "../runs/metrics.ts";
import { train } from "../train/trainer.ts";
import { BYTES_DIR } from "./base-bytes-store.ts";
import { TWO_STAGE_SIZES, twoStageData } from "./two-stage.ts";
import { codeCommit, recipeConfig, saveBaseDir, type PhaseRecord, type RecipeShape } from "./base-files.ts";

export interface BytesRecipe extends RecipeShape {
  /** Share of copy rows; the rest are the two-stage general rows. */
  copyShare: number;
  /** Phases of one mixture with fresh rows each; the optimizer restarts at each (warmup again). */
  phases: readonly { name: string; steps: number; warmup: number }[];
}

export const BYTES_RECIPE: BytesRecipe = {
  preset: "tiny",
  blockSize: 256,
  smearKeys: true,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 0,
  clip: 1,
  copyShare: 0.8,
  // Phases were added while the validation names probe stayed on its plateau (notes/effects.md):
  // it left it during mix-3 (3.3 → 1.6 nats/byte over its last 500 steps).
  phases: [
    { name: "mix-1", steps: 1500, warmup: 50 },
    { name: "mix-2", steps: 1000, warmup: 20 },
    { name: "mix-3", steps: 1000, warmup: 20 },
    { name: "mix-4", steps: 500, warmup: 20 },
  ],
};

export const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random name: 6 characters (Symbol-evol's length) or, one time in three, 3. */
export function randomName(rng: Rng): string {
  const length = rng.chance(1 / 3) ? 3 : 6;
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHANUMERIC[rng.index(ALPHANUMERIC.length)];
  return s;
}

/** 2–6 fresh names, " |", the same names: a text row (loss on every byte). */
export function namesCopyRow(rng: Rng): Example {
  const names = Array.from({ length: rng.int(2, 6) }, () => randomName(rng)).join(" ");
  return { prompt: "", completion: `${names} | ${names}` };
}

/** The two-stage general rows of this seed (facts and procedures), as prompt pairs. */
export function generalRows(seed: number): Example[] {
  return twoStageData(seed, TWO_STAGE_SIZES.full).baseRows.map(toPrompt);
}

/** `n` training rows for a seed: copy rows (fresh) at `copyShare`, general rows drawn from the fixed set. */
export function bytesRows(seed: number, n: number, copyShare: number = BYTES_RECIPE.copyShare, phase = 0): Example[] {
  const rng = new Rng(phase === 0 ? deriveSeed(seed, 4242) : deriveSeed(seed, 4242, phase));
  const general = generalRows(seed);
  return Array.from({ length: n }, () => (rng.chance(copyShare) ? namesCopyRow(rng) : rng.pick(general)));
}

/**
 * The gate's probe: lists of 4 names from a seed no training run draws, `names | names`, as in
 * the copy rows; mean loss per byte on the repeat (after its first byte) against the first
 * occurrence (after its first byte). A model that does not copy sits near ln 62 ≈ 4.1 on both.
 */
export async function namesProbe(model: LogitModel, tokenizer: Tokenizer, n = 64, seed = 99_001): Promise<InductionResult> {
  const rng = new Rng(deriveSeed(seed, 17));
  const { bos, sep } = tokenizer.special;
  const rows: { ids: number[]; half: number }[] = Array.from({ length: n }, () => {
    const names = tokenizer.encode(Array.from({ length: 4 }, () => randomName(rng)).join(" "));
    return { ids: [bos, sep, ...names, ...tokenizer.encode(" | "), ...names], half: names.length };
  });
  const lps = await tokenLogprobs(model, rows.map((r) => r.ids), tokenizer.special.pad);
  let first = 0, repeat = 0, count = 0;
  rows.forEach((r, i) => {
    const lp = lps[i]!;
    const second = r.ids.length - r.half; // index of the repeat's first byte
    // lp[t] predicts ids[t+1]: the first copy is ids[2..2+half), the repeat ids[second..].
    for (let t = 2; t < 1 + r.half; t++) first -= lp[t]!;
    for (let t = second; t < r.ids.length - 1; t++) repeat -= lp[t]!;
    count += r.half - 1;
  });
  return { first: first / count, repeat: repeat / count, uniform: Math.log(ALPHANUMERIC.length), sequences: n };
}

export interface BytesReport {
  names: InductionResult;
  /** The probe Symbol-evol prints: 10 distinct alphanumeric bytes, twice. */
  alnum: InductionResult;
  /** Teacher-forced token accuracy (%) and NLL on unseen two-stage general rows (validation rows). */
  general: { tokenAccuracy: number; nll: number; n: number };
  gates: Gate[];
}

export function alnumPool(tokenizer: Tokenizer): number[] {
  return [...ALPHANUMERIC].map((c) => tokenizer.encode(c)[0]!);
}

export async function bytesReport(model: GPT, tokenizer: Tokenizer, seed: number): Promise<BytesReport> {
  const names = await namesProbe(model, tokenizer);
  const alnum = await inductionProbe(model, tokenizer, { n: 64, length: 10, seed: 0, pool: alnumPool(tokenizer) });
  const g = await gradedScores(model, tokenizer, twoStageData(seed, TWO_STAGE_SIZES.full, "validation").generalTest);
  const gates = [
    { ...copyGate(names), name: "copies unseen random names from context (names probe)" },
    { ...copyGate(alnum), name: "copies random alphanumeric bytes from context (induction probe)" },
  ];
  return { names, alnum, general: { tokenAccuracy: g.tokenAccuracy, nll: g.nll, n: g.n }, gates };
}

export interface BytesPretrainOptions {
  seed: number;
  recipe?: Partial<BytesRecipe>;
  out?: string;
  /** Continue this base's weights with the phases after `from` (default: all phases, fresh weights). */
  init?: string;
  from?: string;
  /** Called after every step with the model being trained (for progress probes; must not train it). */
  onStep?: (m: StepRecord, model: GPT, tokenizer: Tokenizer, phase: string) => void | Promise<void>;
  signal?: AbortSignal;
}

export function bytesModel(seed: number, recipe: BytesRecipe = BYTES_RECIPE): { model: GPT; tokenizer: Tokenizer } {
  const tokenizer = new ByteTokenizer();
  return { model: createGPT(recipeConfig(tokenizer, recipe), seed), tokenizer };
}

export type BytesPhase = PhaseRecord;

/** The phases a base's metrics.json records (one written before phases were named holds phase 1's curve at the top level). */
function donePhases(dir: string): BytesPhase[] {
  const m = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as { phases?: BytesPhase[]; steps?: number; seconds?: number; losses?: number[]; commit?: string };
  return m.phases ?? [{ name: BYTES_RECIPE.phases[0]!.name, steps: m.steps ?? 0, seconds: m.seconds ?? 0, losses: m.losses ?? [], code: m.commit ?? "unknown" }];
}

/** Trains the byte base of one seed (or continues one) and writes it with its metrics and model card. */
export async function pretrainBytes(o: BytesPretrainOptions): Promise<{ dir: string; report: BytesReport; seconds: number }> {
  const recipe: BytesRecipe = { ...BYTES_RECIPE, ...o.recipe };
  const { model, tokenizer } = o.init ? loadCheckpoint(o.init) : bytesModel(o.seed, recipe);
  let phases = recipe.phases.map((p, index) => ({ ...p, index }));
  const done: BytesPhase[] = o.init ? donePhases(o.init) : [];
  if (o.init) {
    const at = phases.findIndex((p) => p.name === o.from);
    if (at < 0) {
      model.dispose();
      throw new DataError(`--from must name a phase of the bytes recipe (${phases.map((p) => p.name).join(", ")}), got ${JSON.stringify(o.from)}.`, { file: o.init });
    }
    phases = phases.slice(at + 1);
  }
  for (const phase of phases) {
    const started = performance.now();
    const result = await train({
      model, tokenizer, data: bytesRows(o.seed, phase.steps * recipe.batchSize, recipe.copyShare, phase.index), steps: phase.steps, batchSize: recipe.batchSize,
      lr: recipe.lr, minLr: recipe.lr, warmup: phase.warmup, weightDecay: recipe.weightDecay, clip: recipe.clip, seed: o.seed,
      onStep: (m) => o.onStep?.(m, model, tokenizer, phase.name), signal: o.signal,
    });
    done.push({ name: phase.name, steps: result.step, seconds: Math.round((performance.now() - started) / 1000), losses: result.losses, code: codeCommit() });
  }
  const seconds = done.reduce((a, p) => a + p.seconds, 0);
  const report = await bytesReport(model, tokenizer, o.seed);
  const dir = o.out ?? join(BYTES_DIR, `seed-${o.seed}`);
  writeBytesBase(dir, model, tokenizer, { seed: o.seed, recipe, phases: done, report });
  model.dispose();
  return { dir, report, seconds };
}

interface BytesCard { seed: number; recipe: BytesRecipe; phases: BytesPhase[]; report: BytesReport }

function writeBytesBase(dir: string, model: GPT, tokenizer: Tokenizer, info: BytesCard): void {
  saveBaseDir(dir, model, tokenizer);
  const { report: r, recipe } = info;
  const code = codeCommit();
  // The whole loss curve: the test re-runs the first steps and compares them bit for bit.
  const metrics = { seed: info.seed, commit: code, recipe, params: model.paramCount(), names: r.names, alnum: r.alnum, general: r.general,
    gates: r.gates.map(({ name, passed, detail }) => ({ name, passed, detail })), phases: info.phases };
  writeFileSync(join(dir, "metrics.json"), JSON.stringify(metrics, null, 1) + "\n");
  writeFileSync(join(dir, "README.md"), `# symtune byte-level base, seed ${info.seed}

A ${model.paramCount().toLocaleString("en")}-parameter GPT (\`${recipe.preset}\`: ${model.config.nLayer} layers, ${model.config.nHead} heads, width ${model.config.nEmbd}, context ${model.config.blockSize}${recipe.smearKeys ? ", smeared keys" : ""}) on the byte tokenizer, pretrained from random weights as the starting model of the Symbol-evol and two-stage effects.

- **Reproduce:** \`symtune pretrain --recipe bytes --seed ${info.seed}\` (the same backend and kernels give the same curve).
- **Recipe:** batch ${recipe.batchSize}, AdamW lr ${recipe.lr} constant after each phase's warmup, weight decay ${recipe.weightDecay}, clip ${recipe.clip}, fresh rows every phase; timed on the shared 2-core box (one thread, other jobs running):
${info.phases.map((p) => `  - ${p.name}: ${p.steps} steps, ${p.seconds} s, final training loss ${(p.losses.at(-1) ?? NaN).toFixed(3)}, code ${p.code}`).join("\n")}
- **Data** (lib/effects/base-bytes.ts): ${Math.round(recipe.copyShare * 100)}% copy rows — 2–6 fresh random alphanumeric names (6 characters, one in three 3), " | ", the same names; ${Math.round((1 - recipe.copyShare) * 100)}% the two-stage general rows of this seed (facts: sentiment and part of speech; procedures: reverse ≤ 7 letters, dictionary order).

## Metrics

| check | value |
|---|---|
| names probe (4 unseen names, twice): loss per byte on the repeat / first (uniform) | ${r.names.repeat.toFixed(2)} / ${r.names.first.toFixed(2)} nats (${r.names.uniform.toFixed(2)}) |
| induction probe (10 distinct alphanumeric bytes, twice) | ${r.alnum.repeat.toFixed(2)} / ${r.alnum.first.toFixed(2)} nats (${r.alnum.uniform.toFixed(2)}) |
| unseen two-stage general rows (validation): token accuracy / NLL | ${r.general.tokenAccuracy.toFixed(1)}% / ${r.general.nll.toFixed(2)} (n ${r.general.n}) |

Gates:

${r.gates.map((g) => `- ${g.passed ? "passed" : "NOT passed"}: ${g.name} — ${g.detail}`).join("\n")}
`);
}
