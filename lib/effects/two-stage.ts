/**
 * Symbol-LLM's two-stage recipe at toy scale (Xu et al. 2024): a base that knows some general
 * things, then Injection (symbolic data only) and Infusion (a symbolic sample + general data,
 * 0.84 : 1), with one-stage (the same mixture from the base, as many steps as both stages)
 * reported beside them. One training run per (seed, size) serves three effects:
 *   two-stage-injection-gain  symbolic score, injection vs base       (expected: up)
 *   two-stage-forgetting      general score, injection vs base        (expected: down)
 *   two-stage-recovery        general score, infusion vs injection    (expected: up)
 *
 * Scores are graded, so progress shows before exact match does (notes/effects.md has the
 * numbers that chose them, on validation rows): symbolic = teacher-forced token accuracy of the
 * reference on unseen rows of learnable short-prompt families, per family; general = rank
 * accuracy on the facts the base was taught (what the base knows, chance shown) and
 * teacher-forced token accuracy on unseen general rows. NLLs and the checkers' exact accuracy
 * are kept in the details.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "../backend/ladder.ts";
import { generateCollection } from "../collections/registry.ts";
import type { Row } from "../collections/types.ts";
import { evaluateRows } from "../eval/evaluate.ts";
import { gradedScores, type GradedReport } from "../eval/graded.ts";
import { rankClassify, rankItemOf, type RankReport } from "../eval/rank.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { infusionStage, injectionStage, instructionStage, INFUSION_RATIO, oneStage, type StageResult } from "../train/stages.ts";
import type { ModelSource } from "../train/open.ts";
import type { Effect, EffectSize } from "./harness.ts";
import { loadBytesBase } from "./base-bytes-store.ts";

/** The families Injection teaches: short prompts a `tiny` model can learn in minutes. */
export const TWO_STAGE_FAMILIES = ["smiles", "regex"] as const;

/** General kinds the base learns: facts to retain, procedures to apply to unseen words. */
const FACT_KINDS = new Set(["sentiment", "part_of_speech"]);
const PROCEDURE_KINDS = new Set(["reverse", "dictionary_order"]);
const FACT_LABELS: Record<string, string[]> = { sentiment: ["positive", "negative"], part_of_speech: ["noun", "verb", "adjective", "adverb"] };

export interface TwoStageSize {
  preset: string;
  blockSize: number;
  batchSize: number;
  lr: number;
  /** Steps of each stage; one-stage runs injection + infusion steps. */
  baseSteps: number;
  injectionSteps: number;
  infusionSteps: number;
  /** Facts the base is taught (and later asked again). */
  facts: number;
  /** Procedure rows the base trains on. */
  procedures: number;
  /** Symbolic training rows per family. */
  symbolicPerFamily: number;
  /** Test rows: general unseen per kind, symbolic per family; checker rows per family. */
  testPerGroup: number;
  checkerPerFamily: number;
  /**
   * Start from the shipped byte-level base (data/bases/bytes, trained on these general rows with
   * copy rows) instead of training a base of `baseSteps` here. `baseSeed`: every seed starts from
   * that base, and its general rows; undefined: seed N from base N.
   */
  fromBytesBase?: boolean;
  baseSeed?: number;
}

export const TWO_STAGE_SIZES: Record<EffectSize, TwoStageSize> = {
  // The quick size (CI) starts from the shipped base too, with the full size's general rows (the ones it learnt).
  quick: { preset: "tiny", blockSize: 256, batchSize: 16, lr: 2e-3, baseSteps: 0, injectionSteps: 60, infusionSteps: 60, facts: 200, procedures: 400, symbolicPerFamily: 150, testPerGroup: 16, checkerPerFamily: 4, fromBytesBase: true, baseSeed: 0 },
  full: { preset: "tiny", blockSize: 256, batchSize: 16, lr: 2e-3, baseSteps: 0, injectionSteps: 100, infusionSteps: 100, facts: 200, procedures: 400, symbolicPerFamily: 600, testPerGroup: 50, checkerPerFamily: 10, fromBytesBase: true, baseSeed: 0 },
};

/** Which rows a run draws: "test" for effects, "validation" while choosing settings. */
export type RowSplit = "test" | "validation";

export interface TwoStageData {
  baseRows: Row[];
  facts: Row[];
  generalTest: Row[];
  symbolic: Row[];
  symbolicTest: Row[];
}

const key = (r: Row) => `${r.instruction}|${r.input}`;

/**
 * Training and evaluation rows. Training rows depend on the seed only; evaluation rows come
 * from a generator seed of their own per split, and any row also in training is dropped.
 */
export function twoStageData(seed: number, size: TwoStageSize, split: RowSplit = "test", generalSeed = seed): TwoStageData {
  const evalSeed = split === "test" ? 7_000_001 : 5_000_001;
  const fits = (r: Row) => r.meta.kind !== "reverse" || r.input.length <= 7;
  const pool = generateCollection("general", 12 * (size.facts + size.procedures), 100 + generalSeed).rows.filter(fits);
  const seenFacts = new Set<string>();
  const facts = pool.filter((r) => FACT_KINDS.has(String(r.meta.kind)) && !seenFacts.has(key(r)) && seenFacts.add(key(r))).slice(0, size.facts);
  const procedures = pool.filter((r) => PROCEDURE_KINDS.has(String(r.meta.kind))).slice(0, size.procedures);
  const baseRows = [...facts, ...procedures];
  const seen = new Set(baseRows.map(key));
  const unseen = generateCollection("general", 40 * size.testPerGroup, evalSeed).rows.filter((r) => fits(r) && !seen.has(key(r)));
  const generalTest = [...PROCEDURE_KINDS, ...FACT_KINDS].flatMap((kind) => unseen.filter((r) => r.meta.kind === kind).slice(0, size.testPerGroup));
  const symbolic = TWO_STAGE_FAMILIES.flatMap((f) => generateCollection(f, size.symbolicPerFamily, 200 + seed).rows);
  const symSeen = new Set(symbolic.map(key));
  const symbolicTest = TWO_STAGE_FAMILIES.flatMap((f) =>
    generateCollection(f, 4 * size.testPerGroup, evalSeed).rows.filter((r) => !symSeen.has(key(r))).slice(0, size.testPerGroup),
  );
  return { baseRows, facts, generalTest, symbolic, symbolicTest };
}

export interface StageScores {
  /** Rank accuracy (%) on the facts the base was taught; chance beside it. */
  facts: number;
  factsChance: number;
  /** Teacher-forced token accuracy (%) and NLL on unseen general rows. */
  general: number;
  generalNll: number;
  /** Teacher-forced token accuracy (%) and NLL on unseen symbolic rows, overall and per family. */
  symbolic: number;
  symbolicNll: number;
  families: Record<string, { tokenAccuracy: number; nll: number; checker: number; n: number }>;
  refused: number;
}

/** Every measure of one model. */
export async function scoreStage(model: GPT, tokenizer: Tokenizer, data: TwoStageData, size: TwoStageSize): Promise<StageScores> {
  const items = data.facts.map((r) => ({ ...rankItemOf(r, FACT_LABELS[String(r.meta.kind)]!), task: String(r.meta.kind) }));
  const facts: RankReport = await rankClassify(model, tokenizer, items);
  const general: GradedReport = await gradedScores(model, tokenizer, data.generalTest);
  const symbolic: GradedReport = await gradedScores(model, tokenizer, data.symbolicTest);
  const families: StageScores["families"] = {};
  for (const family of TWO_STAGE_FAMILIES) {
    const group = symbolic.byTask.find((g) => g.task === family) ?? symbolic;
    const rows = data.symbolicTest.filter((r) => (r.meta.source ?? r.task) === family).slice(0, size.checkerPerFamily);
    const checked = rows.length ? await evaluateRows(model, tokenizer, rows, { name: family }) : undefined;
    families[family] = { tokenAccuracy: group.tokenAccuracy, nll: group.nll, checker: checked?.accuracy ?? NaN, n: group.n };
  }
  return {
    facts: facts.accuracy,
    factsChance: facts.chance,
    general: general.tokenAccuracy,
    generalNll: general.nll,
    symbolic: symbolic.tokenAccuracy,
    symbolicNll: symbolic.nll,
    families,
    refused: facts.refused + general.refused + symbolic.refused,
  };
}

export interface TwoStageRun {
  seed: number;
  size: EffectSize;
  scores: { base: StageScores; injection: StageScores; infusion: StageScores; oneStage: StageScores };
  seconds: { base: number; injection: number; infusion: number; oneStage: number; total: number };
  config: TwoStageSize;
}

export interface TwoStageOptions {
  split?: RowSplit;
  /** Override parts of the size (experiments on validation rows). */
  overrides?: Partial<TwoStageSize>;
  log?: (line: string) => void;
}

/** Base → injection → infusion, and base → one-stage, each scored. */
export async function runTwoStage(seed: number, sizeName: EffectSize, options: TwoStageOptions = {}): Promise<TwoStageRun> {
  const size = { ...TWO_STAGE_SIZES[sizeName], ...options.overrides };
  const baseSeed = size.baseSeed ?? seed;
  // From a shipped base, the general rows are the ones that base learnt (its seed's).
  const data = twoStageData(seed, size, options.split ?? "test", size.fromBytesBase ? baseSeed : seed);
  const runs = mkdtempSync(join(tmpdir(), "symtune-two-stage-"));
  const log = options.log ?? (() => {});
  const common = { seed, batchSize: size.batchSize, lr: size.lr, preset: size.preset, model: { blockSize: size.blockSize }, runs, live: false };
  const started = performance.now();
  const timed = async (name: string, stage: () => Promise<StageResult>) => {
    const t = performance.now();
    const result = await stage();
    const seconds = (performance.now() - t) / 1000;
    const scores = await scoreStage(result.model, result.tokenizer, data, size);
    log(`${name} s${seed}: ${seconds.toFixed(0)} s train, ${result.train.tokensPerSecond.toFixed(0)} tok/s; ${describe(scores)}`);
    return { result, scores, seconds, from: result as ModelSource, dispose: () => result.model.dispose() };
  };
  // The shipped base: scored as it is; the stages start from its checkpoint folder.
  const shippedBase = async (baseSeed: number) => {
    await initBackend(); // loading weights needs the backend the stages would otherwise start
    const b = loadBytesBase(baseSeed);
    const scores = await scoreStage(b.model, b.tokenizer, data, size);
    b.model.dispose();
    log(`base (shipped, ${b.path}) s${seed}: ${describe(scores)}`);
    return { scores, seconds: 0, from: b.path as ModelSource, dispose: () => {} };
  };
  try {
    const base = size.fromBytesBase ? await shippedBase(baseSeed) : await timed("base", () => instructionStage({ ...common, name: "base", steps: size.baseSteps, instruction: data.baseRows }));
    const injection = await timed("injection", () => injectionStage({ ...common, name: "injection", steps: size.injectionSteps, from: base.from, symbolic: data.symbolic }));
    const infusion = await timed("infusion", () =>
      infusionStage({ ...common, name: "infusion", steps: size.infusionSteps, from: injection.result, symbolic: data.symbolic, general: data.baseRows, ratio: INFUSION_RATIO }),
    );
    const one = await timed("one-stage", () =>
      oneStage({ ...common, name: "one-stage", steps: size.injectionSteps + size.infusionSteps, from: base.from, symbolic: data.symbolic, general: data.baseRows, ratio: INFUSION_RATIO }),
    );
    for (const s of [injection, infusion, one]) s.result.model.dispose();
    base.dispose();
    return {
      seed,
      size: sizeName,
      scores: { base: base.scores, injection: injection.scores, infusion: infusion.scores, oneStage: one.scores },
      seconds: { base: base.seconds, injection: injection.seconds, infusion: infusion.seconds, oneStage: one.seconds, total: (performance.now() - started) / 1000 },
      config: size,
    };
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
}

function describe(s: StageScores): string {
  const fam = Object.entries(s.families).map(([f, v]) => `${f} ${v.tokenAccuracy.toFixed(1)}%/${v.nll.toFixed(2)}/chk ${v.checker.toFixed(0)}%`).join(", ");
  return `facts ${s.facts.toFixed(1)}% (chance ${s.factsChance.toFixed(1)}), general tok ${s.general.toFixed(1)}% nll ${s.generalNll.toFixed(2)}, symbolic tok ${s.symbolic.toFixed(1)}% nll ${s.symbolicNll.toFixed(2)} [${fam}]`;
}

// One training run per (seed, size) serves the three effects.
const cache = new Map<string, Promise<TwoStageRun>>();
function cachedRun(seed: number, size: EffectSize, log?: (line: string) => void): Promise<TwoStageRun> {
  const id = `${seed}:${size}`;
  if (!cache.has(id)) cache.set(id, runTwoStage(seed, size, { log }));
  return cache.get(id)!;
}

/** An effect read off the shared run: `pick` gives [treatment, control]. */
function twoStageEffect(name: string, expected: Effect["expected"], metric: string, pick: (s: TwoStageRun["scores"]) => [number, number]): Effect {
  return {
    name,
    expected,
    metric,
    async run(seed, size, ctx) {
      const run = await cachedRun(seed, size, ctx?.log);
      const [treatment, control] = pick(run.scores);
      return { treatment, control, chance: null, details: { scores: run.scores, seconds: run.seconds, config: run.config } };
    },
  };
}

const GENERAL = "general teacher-forced token accuracy (%) on unseen general rows";
export const twoStageEffects: Effect[] = [
  twoStageEffect("two-stage-injection-gain", "increase", "symbolic teacher-forced token accuracy (%) on unseen rows, injection vs base", (s) => [s.injection.symbolic, s.base.symbolic]),
  twoStageEffect("two-stage-forgetting", "decrease", `${GENERAL}, injection vs base`, (s) => [s.injection.general, s.base.general]),
  twoStageEffect("two-stage-recovery", "increase", `${GENERAL}, infusion vs injection`, (s) => [s.infusion.general, s.injection.general]),
];
