/**
 * Symbol-evol at toy scale (Symbol-LLM, Xu et al. 2024): train on SCAN rows whose defined
 * symbols (I_WALK, I_TURN_LEFT...) are renamed to random 6-character names at a rate, and test
 * on renamings never seen in training. The model can only get a renamed row right by reading
 * which name the instruction defines for which action.
 *
 * Scored by rank over 4 candidates (chance 25%): the right output against 3 outputs with the
 * defined names permuted, so only "which name means which action" separates them. Treatment:
 * trained at rate 0.5; control: rate 0 (the original symbols only). Both arms are also scored on
 * rows with the original symbols (the paper: within 5 points). Prerequisite: the treated model
 * copies from context (induction probe on alphanumeric tokens), since copying a random name out
 * of the instruction is a content-based copy; without it the verdict is "prerequisite not met".
 *
 * Both arms start from the shipped byte-level base (data/bases/bytes, lib/effects/base-bytes.ts),
 * pretrained with copy rows of random names, so the copy circuit exists before the arms begin.
 * SCAN alone erases that circuit (it never shows a random name), so each arm replays the base's
 * copy rows at `copyShare` of its training rows, as infusion replays general rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "../backend/ladder.ts";
import { generateCollection } from "../collections/registry.ts";
import type { Row } from "../collections/types.ts";
import { rankClassify, type RankItem } from "../eval/rank.ts";
import { copyGate, inductionProbe, type InductionResult } from "../eval/probes.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { toPrompt } from "../prompts/format.ts";
import { deriveSeed, Rng } from "../rng.ts";
import { instructionStage } from "../train/stages.ts";
import { symbolEvol } from "../transforms/evol.ts";
import { UsageError } from "../errors.ts";
import type { Effect, EffectSize } from "./harness.ts";
import { alnumPool, namesCopyRow, namesProbe } from "./base-bytes.ts";
import { BYTES_DIR, loadBytesBase } from "./base-bytes-store.ts";

export interface SymbolEvolSize {
  preset: string;
  blockSize: number;
  batchSize: number;
  lr: number;
  steps: number;
  trainRows: number;
  testRows: number;
  /** The treated arm's rename rate (the control's is 0). */
  rate: number;
  /**
   * Share of each arm's training examples that are the base's copy rows (`names | names`, fresh
   * names), replayed so SCAN training does not erase the copy circuit the renamed rows need (as
   * infusion replays general rows). The same share in both arms: the comparison stays fair.
   */
  copyShare: number;
  /**
   * The byte base both arms start from: every seed from this base seed's weights (the arms'
   * data, order and names still follow the run's seed), or, when undefined, seed N from base N.
   */
  baseSeed?: number;
}

export const SYMBOL_EVOL_SIZES: Record<EffectSize, SymbolEvolSize> = {
  quick: { preset: "tiny", blockSize: 256, batchSize: 8, lr: 1e-3, steps: 30, trainRows: 300, testRows: 24, rate: 0.5, copyShare: 0.25, baseSeed: 0 },
  // One shipped base (seed 0): the three seeds share its weights. copyShare 0.25 keeps the names
  // probe passing in both arms (validation, seed 0: 0.73 / 3.75 nats; 5.3–6.1 without; notes/effects.md).
  full: { preset: "tiny", blockSize: 256, batchSize: 16, lr: 1e-3, steps: 300, trainRows: 1200, testRows: 200, rate: 0.5, copyShare: 0.25, baseSeed: 0 },
};

const ORIGINAL = ["I_WALK", "I_LOOK", "I_RUN", "I_JUMP", "I_TURN_LEFT", "I_TURN_RIGHT"];

/**
 * Short SCAN rows (≤ 6 actions) that fit a 256-token byte context with room for the output.
 * About one generated row in nine passes, hence the oversampling.
 */
function shortScan(n: number, seed: number): Row[] {
  return generateCollection("scan", 12 * n, seed).rows.filter((r) => r.output.split(" ").length <= 6 && toPrompt(r).prompt.length + r.output.length < 250).slice(0, n);
}

/** `n` copy rows of fresh random names, as the base was pretrained on (loss on every byte). */
export function copyReplayRows(n: number, seed: number): Row[] {
  const rng = new Rng(deriveSeed(seed, 4343));
  return Array.from({ length: n }, () => ({
    task: "names-copy", domain: "copy", form: "text", instruction: "", input: "", output: namesCopyRow(rng).completion, split: "train" as const, meta: {},
  }));
}

/** The arm's training rows: its SCAN rows and, at `copyShare` of the whole, the base's copy rows. */
export function armRows(scan: readonly Row[], copyShare: number, seed: number): Row[] {
  if (!(copyShare >= 0 && copyShare < 1)) throw new UsageError(`Symbol-evol: copyShare must be in [0, 1), got ${copyShare}`);
  const copies = Math.round((copyShare / (1 - copyShare)) * scan.length);
  return [...scan, ...copyReplayRows(copies, seed)];
}

/** The row as a 4-way rank item: its output, and 3 with the defined names permuted. */
export function permutedCandidates(row: Row, seed: number): RankItem {
  const map = (row.meta.evol as Record<string, string> | undefined) ?? Object.fromEntries(ORIGINAL.map((s) => [s, s]));
  const names = Object.values(map);
  const rng = new Rng(deriveSeed(seed, names.join("").length, row.input.length));
  const candidates = [row.output];
  for (let tries = 0; candidates.length < 4 && tries < 100; tries++) {
    const perm = rng.shuffle([...names]);
    const to = new Map(names.map((n, i) => [n, perm[i]!]));
    const alt = row.output.split(" ").map((w) => to.get(w) ?? w).join(" ");
    if (!candidates.includes(alt)) candidates.push(alt);
  }
  // The right answer's position must not be learnable: shuffle it in.
  return { prompt: toPrompt(row).prompt, candidates: rng.shuffle(candidates), answer: row.output, task: row.meta.evol ? "renamed" : "original" };
}

export interface EvolArmScores {
  renamed: number;
  original: number;
  /** Rows scored in each group. */
  n: { renamed: number; original: number };
  chance: number;
  refused: number;
  /** The gate: copying unseen random names (`names | names`, base-bytes.ts). */
  copy: { first: number; repeat: number; passed: boolean; detail: string };
  /** The induction probe on 10 distinct alphanumeric bytes (no spaces), for comparison. */
  alnum: InductionResult;
}

async function scoreArm(model: GPT, tokenizer: Tokenizer, test: readonly Row[], renamed: readonly Row[]): Promise<EvolArmScores> {
  const items = [...test, ...renamed].map((r, i) => permutedCandidates(r, i));
  const report = await rankClassify(model, tokenizer, items);
  const group = (t: string) => report.byTask.find((g) => g.task === t)!;
  const alnum = await inductionProbe(model, tokenizer, { n: 64, length: 10, seed: 0, pool: alnumPool(tokenizer) });
  const probe = await namesProbe(model, tokenizer);
  const gate = copyGate(probe);
  return {
    renamed: group("renamed").accuracy,
    original: group("original").accuracy,
    n: { renamed: group("renamed").n, original: group("original").n },
    chance: report.chance,
    refused: report.refused,
    copy: { first: probe.first, repeat: probe.repeat, passed: gate.passed, detail: gate.detail },
    alnum,
  };
}

export interface SymbolEvolRun {
  control: EvolArmScores;
  treatment: EvolArmScores;
  seconds: { control: number; treatment: number };
  config: SymbolEvolSize;
  /** The base both arms started from, and its scores before any SCAN training. */
  base: { path: string; scores: EvolArmScores };
}

export async function runSymbolEvol(seed: number, sizeName: EffectSize, options: { split?: "test" | "validation"; overrides?: Partial<SymbolEvolSize>; log?: (l: string) => void } = {}): Promise<SymbolEvolRun> {
  const size = { ...SYMBOL_EVOL_SIZES[sizeName], ...options.overrides };
  const evalSeed = options.split === "validation" ? 5_100_003 : 7_100_003;
  const train = shortScan(size.trainRows, 300 + seed);
  // Short SCAN commands are few: ~90% of test inputs also occur in training (11 of 100 unseen at
  // the full size). What is held out is the symbol system: renamed rows use names from a seed no
  // training run uses. The original-symbol rows are the same inputs with I_WALK & co., i.e. the
  // task as trained, which is what "costs nothing on the original symbols" compares.
  const test = shortScan(size.testRows, evalSeed);
  const renamed = symbolEvol(test, { seed: evalSeed + 1, rate: 1 }).collection.rows;
  const runs = mkdtempSync(join(tmpdir(), "symtune-evol-"));
  const baseSeed = size.baseSeed ?? seed;
  await initBackend(); // loading weights needs the backend the stages would otherwise start
  const start = loadBytesBase(baseSeed); // refuses with the command that makes it when missing
  const common = { seed, steps: size.steps, batchSize: size.batchSize, lr: size.lr, minLr: size.lr, warmup: 20, weightDecay: 0, runs, live: false, from: start.path };
  try {
    const baseScores = await scoreArm(start.model, start.tokenizer, test, renamed);
    start.model.dispose();
    options.log?.(`base ${BYTES_DIR.split("/").slice(-2).join("/")}/seed-${baseSeed}: renamed ${baseScores.renamed.toFixed(1)}%, original ${baseScores.original.toFixed(1)}%; copy ${baseScores.copy.detail}`);
    const arm = async (name: string, rate: number) => {
      const scan = rate === 0 ? train : symbolEvol(train, { seed: deriveSeed(seed, 77), rate }).collection.rows;
      const data = armRows(scan, size.copyShare, seed); // the same copy rows in both arms
      const started = performance.now();
      const result = await instructionStage({ ...common, name, instruction: data });
      const seconds = (performance.now() - started) / 1000;
      const scores = await scoreArm(result.model, result.tokenizer, test, renamed);
      result.model.dispose();
      options.log?.(`${name} s${seed}: ${seconds.toFixed(0)} s; renamed ${scores.renamed.toFixed(1)}% (n ${scores.n.renamed}), original ${scores.original.toFixed(1)}% (n ${scores.n.original}) (chance ${scores.chance.toFixed(0)}%); copy ${scores.copy.detail}`);
      return { scores, seconds };
    };
    const control = await arm("evol rate 0", 0);
    const treatment = await arm(`evol rate ${size.rate}`, size.rate);
    return { control: control.scores, treatment: treatment.scores, seconds: { control: control.seconds, treatment: treatment.seconds }, config: size, base: { path: start.path, scores: baseScores } };
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
}

export const symbolEvolEffect: Effect = {
  name: "symbol-evol",
  expected: "increase",
  metric: "rank accuracy (%) over 4 candidates on held-out renamings, evol-trained (rate 0.5) vs unevolved (rate 0)",
  async run(seed, size, ctx) {
    const run = await runSymbolEvol(seed, size, { log: ctx?.log });
    return {
      treatment: run.treatment.renamed,
      control: run.control.renamed,
      chance: run.treatment.chance,
      prerequisites: [
        { name: "the base copies unseen random names from context (names probe)", passed: run.base.scores.copy.passed, detail: run.base.scores.copy.detail },
        { name: "the evol-trained model still copies them", passed: run.treatment.copy.passed, detail: run.treatment.copy.detail },
      ],
      details: { ...run },
    };
  },
};
