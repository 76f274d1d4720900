/**
 * The shipped base models ("stage 0"): the recipe, `pretrainBase` that runs it, `loadBase` the
 * effects start from, and `baseReport`, the prerequisite checks every effect prints first.
 *
 * A base lives in data/bases/seed-N/: config.json + model.safetensors (a symtune checkpoint
 * with the word tokenizer's spec inside), metrics.json and README.md (the model card).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { EVAL_SYMBOLS, episodeSet, heldoutTasks, type Episode } from "../collections/feature-world.ts";
import { DataError } from "../errors.ts";
import { accuracyGate, choiceAccuracy, copyGate, inductionProbe, type ChoiceAccuracy, type ChoiceRow, type Gate, type InductionResult, type LogitModel } from "../eval/probes.ts";
import { loadCheckpoint, resolveCheckpoint, saveCheckpoint } from "../model/checkpoint.ts";
import { gptConfig, type GPTConfig } from "../model/config.ts";
import { createGPT, type GPT } from "../model/gpt.ts";
import { tokenizerFromSpec, type Tokenizer } from "../model/tokenizer.ts";
import { train, } from "../train/trainer.ts";
import type { StepRecord } from "../runs/metrics.ts";
import { baseTokenizer, copyPool, copyRows, generalEvalRows, MIXTURE, pretrainRows, type Mixture } from "./base-data.ts";
import type { Example } from "../prompts/format.ts";
import { deriveSeed } from "../rng.ts";

/**
 * The pretraining recipe: three phases on one model (the optimizer restarts at each phase).
 * 1. mixture: copy rows, episodes, questions (MIXTURE); constant lr 1e-3, no weight decay
 *    (research note §8). At 1,200 steps it gives general ability but no induction circuit.
 * 2. copy: copy rows only, which formed the circuit within ~600 steps from phase 1's weights.
 * 3. consolidate: a mixture weighted to the feature questions and episodes again, so the
 *    copy phase does not leave the base knowing only how to copy.
 */
export const BASE_RECIPE = {
  preset: "tiny",
  blockSize: 96,
  smearKeys: true,
  batchSize: 64,
  lr: 1e-3,
  weightDecay: 0,
  clip: 1,
  phases: [
    { name: "mixture", steps: 1200, warmup: 50 },
    { name: "copy", steps: 800, warmup: 20 },
    { name: "consolidate", steps: 400, warmup: 20 },
  ],
} as const;

export const CONSOLIDATE_MIXTURE: Mixture = { copy: 0.3, episode: 0.3, feature: 0.25, fact: 0.1, comparison: 0.05 };

export type PhaseName = (typeof BASE_RECIPE.phases)[number]["name"];

/** The rows of one phase for a seed (fresh rows for every step). */
export function phaseRows(phase: PhaseName, seed: number, n: number): Example[] {
  if (phase === "mixture") return pretrainRows(seed, n);
  if (phase === "copy") return copyRows(seed, n);
  return pretrainRows(deriveSeed(seed, 3), n, CONSOLIDATE_MIXTURE);
}

export interface BaseRecipe {
  preset: string;
  blockSize: number;
  smearKeys: boolean;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clip: number;
  phases: readonly { name: PhaseName; steps: number; warmup: number }[];
}

export const BASES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data/bases");

export function baseConfig(tokenizer: Tokenizer, recipe: BaseRecipe = { ...BASE_RECIPE }): GPTConfig {
  return gptConfig(recipe.preset, { vocabSize: tokenizer.vocabSize, blockSize: recipe.blockSize, ...(recipe.smearKeys ? { smearKeys: true } : {}) });
}

/** Episodes as rank-classification rows (whole-text framing: the label follows the query as in the exemplars). */
export const episodeRows = (episodes: readonly Episode[]): ChoiceRow[] =>
  episodes.map((e) => ({ framing: "text", prompt: e.context, candidates: e.candidates, answer: e.answer }));

export interface BaseReport {
  induction: InductionResult;
  /** Held-out general questions by kind (rank accuracy; chance per kind). */
  general: Record<string, ChoiceAccuracy>;
  /** ICL on the held-out tasks, k = 4 per class, held-out numbers. */
  icl: Record<string, ChoiceAccuracy>;
  gates: Gate[];
}

/** The seed of every evaluation set: fixed, so every base and arm is measured on the same rows. */
export const EVAL_SEED = 9001;

/**
 * The prerequisite checks and the base's abilities: the induction probe (copy gate), zero-shot
 * feature questions on unseen numbers (reads the input), the other held-out general questions,
 * and ICL on the held-out tasks with natural labels, arbitrary symbols and flipped labels.
 */
export async function baseReport(model: LogitModel, tokenizer: Tokenizer, options: { perSetting?: number } = {}): Promise<BaseReport> {
  // The probe draws the words the copy rows draw on: copying learnt there did not carry over to
  // words never seen in a copy row (notes/effects-icl.md), so a wider pool would measure that instead.
  const pool = copyPool().map((w) => tokenizer.encode(` ${w}`)).filter((ids) => ids.length === 1).map((ids) => ids[0]!);
  const induction = await inductionProbe(model, tokenizer, { n: 64, length: 10, seed: EVAL_SEED, pool });
  const general: Record<string, ChoiceAccuracy> = {};
  const rows = generalEvalRows(EVAL_SEED, 100);
  for (const kind of [...new Set(rows.map((r) => r.kind))]) {
    general[kind] = await choiceAccuracy(model, tokenizer, rows.filter((r) => r.kind === kind).map((r) => ({
      framing: "question", prompt: r.prompt, candidates: r.candidates, answer: r.candidates.indexOf(r.completion),
    })));
  }
  const icl = await heldoutIcl(model, tokenizer, options.perSetting ?? 400);
  const gates = [
    accuracyGate("reads the input (zero-shot feature questions, unseen numbers)", general.feature!),
    copyGate(induction),
    accuracyGate("general ability (held-out general questions: comparison)", general.comparison!),
  ];
  return { induction, general, icl, gates };
}

/** The ICL settings on the held-out tasks (k = 4 per class, held-out numbers, ≥ `perSetting` prompts each). */
export const HELDOUT_ICL = {
  "instruction + natural labels": { instruction: true },
  "natural labels only": {},
  "symbols, no instruction": { symbols: EVAL_SYMBOLS },
  "flipped natural labels": { flip: true },
} as const satisfies Record<string, Parameters<typeof episodeSet>[3]>;

export async function heldoutIcl(model: LogitModel, tokenizer: Tokenizer, perSetting = 400): Promise<Record<keyof typeof HELDOUT_ICL, ChoiceAccuracy>> {
  const per = Math.ceil(perSetting / heldoutTasks().length);
  const out = {} as Record<keyof typeof HELDOUT_ICL, ChoiceAccuracy>;
  for (const [name, o] of Object.entries(HELDOUT_ICL) as [keyof typeof HELDOUT_ICL, Parameters<typeof episodeSet>[3]][]) {
    out[name] = await choiceAccuracy(model, tokenizer, episodeRows(episodeSet(EVAL_SEED, heldoutTasks(), per, { k: 4, heldoutInputs: true, ...o })));
  }
  return out;
}

export interface PretrainOptions {
  seed: number;
  recipe?: Partial<BaseRecipe>;
  /** Where the base is written (default data/bases/seed-N). */
  out?: string;
  /** Start from this checkpoint's weights and run only the phases after `from` (default: all, from fresh weights). */
  init?: string;
  from?: PhaseName;
  onStep?: (phase: PhaseName, m: StepRecord) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface PhaseRecord { name: PhaseName; steps: number; seconds: number; losses: number[]; code: string }

/** Runs the recipe's phases for one seed and writes the base with its metrics and model card. */
export async function pretrainBase(o: PretrainOptions): Promise<{ dir: string; report: BaseReport; seconds: number }> {
  const recipe: BaseRecipe = { ...BASE_RECIPE, ...o.recipe };
  let model: GPT;
  let tokenizer: Tokenizer;
  let done: PhaseRecord[] = [];
  let phases = recipe.phases;
  if (o.init) {
    const loaded = loadCheckpoint(o.init);
    ({ model, tokenizer } = loaded);
    const at = phases.findIndex((p) => p.name === o.from);
    if (at < 0) throw new DataError(`--from must name a phase of the recipe (${phases.map((p) => p.name).join(", ")}), got ${JSON.stringify(o.from)}.`, { file: o.init });
    phases = phases.slice(at + 1);
    done = previousPhases(o.init);
  } else {
    tokenizer = baseTokenizer();
    model = createGPT(baseConfig(tokenizer, recipe), o.seed);
  }
  for (const phase of phases) {
    const started = performance.now();
    const result = await train({
      model, tokenizer, data: phaseRows(phase.name, o.seed, phase.steps * recipe.batchSize), steps: phase.steps, batchSize: recipe.batchSize,
      lr: recipe.lr, minLr: recipe.lr, warmup: phase.warmup, weightDecay: recipe.weightDecay, clip: recipe.clip, seed: o.seed,
      onStep: (m) => o.onStep?.(phase.name, m), signal: o.signal,
    });
    done.push({ name: phase.name, steps: result.step, seconds: Math.round((performance.now() - started) / 1000), losses: result.losses, code: commit() });
  }
  const seconds = done.reduce((a, p) => a + p.seconds, 0);
  const report = await baseReport(model, tokenizer);
  const dir = o.out ?? join(BASES_DIR, `seed-${o.seed}`);
  writeBase(dir, model, tokenizer, { seed: o.seed, recipe, phases: done, report });
  model.dispose();
  return { dir, report, seconds };
}

/** The phases recorded in a base's metrics.json (a base of phase 1 only has none recorded by name: its loss curve is phase 1's). */
function previousPhases(dir: string): PhaseRecord[] {
  const path = join(resolveCheckpoint(dir), "metrics.json");
  if (!existsSync(path)) return [];
  const m = JSON.parse(readFileSync(path, "utf8")) as { phases?: PhaseRecord[]; losses?: number[]; seconds?: number; commit?: string };
  return m.phases ?? [{ name: "mixture", steps: m.losses?.length ?? 0, seconds: m.seconds ?? 0, losses: m.losses ?? [], code: m.commit ?? "unknown" }];
}

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dirname(fileURLToPath(import.meta.url)), encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const pct = (a: ChoiceAccuracy) => `${(100 * a.accuracy).toFixed(1)}% (n ${a.n}, chance ${(100 * a.chance).toFixed(0)}%)`;

function writeBase(dir: string, model: GPT, tokenizer: Tokenizer, info: Omit<CardInfo, "commit">): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const step = saveCheckpoint(tmp, { model, tokenizer });
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(step, dir);
  rmSync(tmp, { recursive: true, force: true });
  writeCard(dir, model, tokenizer, { ...info, commit: commit() });
}

export interface CardInfo { seed: number; recipe: BaseRecipe; phases: PhaseRecord[]; report: BaseReport; commit: string }

/** metrics.json and README.md (the model card) of a base. */
export function writeCard(dir: string, model: GPT, tokenizer: Tokenizer, info: CardInfo): void {
  const { report, recipe: r } = info;
  const metrics = {
    seed: info.seed, commit: info.commit, recipe: r, mixtures: { mixture: MIXTURE, copy: { copy: 1 }, consolidate: CONSOLIDATE_MIXTURE },
    params: model.paramCount(), vocabSize: tokenizer.vocabSize,
    induction: report.induction,
    general: Object.fromEntries(Object.entries(report.general).map(([k, a]) => [k, { accuracy: a.accuracy, n: a.n, chance: a.chance }])),
    icl: Object.fromEntries(Object.entries(report.icl).map(([k, a]) => [k, { accuracy: a.accuracy, n: a.n, chance: a.chance }])),
    gates: report.gates.map(({ name, passed, detail }) => ({ name, passed, detail })),
    // Each phase's whole training-loss curve: a test re-runs the first steps and compares them.
    phases: info.phases,
  };
  writeFileSync(join(dir, "metrics.json"), JSON.stringify(metrics, null, 1) + "\n");
  const mix = (m: Mixture) => Object.entries(m).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(", ");
  writeFileSync(join(dir, "README.md"), `# symtune base, seed ${info.seed}

A ${model.paramCount().toLocaleString("en")}-parameter GPT (\`${r.preset}\`: ${model.config.nLayer} layers, ${model.config.nHead} heads, width ${model.config.nEmbd}, context ${model.config.blockSize}${r.smearKeys ? ", smeared keys" : ""}) with a word tokenizer of ${tokenizer.vocabSize} tokens (byte fallback), pretrained from random weights as the toy stand-in for the papers' starting models.

- **Reproduce:** \`symtune pretrain --seed ${info.seed}\` (the same backend and kernels give the same curve; kernel changes move the last bits).
- **Recipe:** batch ${r.batchSize}, AdamW lr ${r.lr} constant after each phase's warmup, weight decay ${r.weightDecay}, clip ${r.clip}, every row fresh (lib/effects/base-data.ts):
${info.phases.map((p) => `  - ${p.name}: ${p.steps} steps, ${p.seconds} s on this machine (shared, loaded), final loss ${(p.losses.at(-1) ?? NaN).toFixed(3)}, code ${p.code}`).join("\n")}
- **Data:** mixture = ${mix(MIXTURE)}; copy = copy rows only; consolidate = ${mix(CONSOLIDATE_MIXTURE)}. Copy rows: a random word sequence, " |", the same sequence. Episodes: natural-label ICL of all 15 feature-world tasks (k = 1–4 per class, half with the instruction). Questions: zero-shot feature questions, 120 word facts (sentiment, part of speech) in two phrasings, number comparison. Numbers of the held-out input split never appear in training.

## Metrics (held-out rows, rank classification)

| check | value |
|---|---|
| induction probe: loss on the repeat / first occurrence (uniform) | ${report.induction.repeat.toFixed(2)} / ${report.induction.first.toFixed(2)} nats (${report.induction.uniform.toFixed(2)}) |
${Object.entries(report.general).map(([k, a]) => `| general: ${k} | ${pct(a)} |`).join("\n")}
${Object.entries(report.icl).map(([k, a]) => `| ICL held-out tasks, k = 4/class: ${k} | ${pct(a)} |`).join("\n")}

Prerequisite gates:

${report.gates.map((g) => `- ${g.passed ? "passed" : "NOT passed"}: ${g.name} — ${g.detail}`).join("\n")}
`);
}

/** Loads a shipped base: the model (weights as trained) and its word tokenizer. */
export function loadBase(seed: number, dir = BASES_DIR): { model: GPT; tokenizer: Tokenizer; path: string } {
  const path = join(dir, `seed-${seed}`);
  if (!existsSync(join(path, "model.safetensors"))) {
    throw new DataError(`no base for seed ${seed}; run \`symtune pretrain --seed ${seed}\` to make it.`, { file: path });
  }
  const { model, tokenizer } = loadCheckpoint(path);
  return { model, tokenizer: tokenizerFromSpec(tokenizer.toSpec()), path };
}
