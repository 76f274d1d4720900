/**
 * The training stages of the two papers, thin on top of `train()`:
 *   injectionStage   symbolic data only                          (Symbol-LLM's "Base")
 *   infusionStage    from an injection checkpoint; a symbolic sample + general data,
 *                    ~0.84 : 1 by default                         (Symbol-LLM's "Instruct")
 *   oneStage         the same mixture from step 0, from scratch   (the paper's baseline)
 *   symbolTuneStage  symbol-tuning prompts, optionally mixed with instruction data
 *   instructionStage plain instruction tuning: the comparison model
 * Each stage is planned (model, tokenizer, the mixed examples with their kind) and then run:
 * a run folder in the registry, checkpoints there, a live loss curve in the notebook, and the
 * kernel's interrupt fed to the trainer so an interrupted stage keeps its model and checkpoint.
 */
import { Collection } from "../collections/collection.ts";
import { toPrompt } from "../prompts/format.ts";
import type { Row } from "../collections/types.ts";
import { initBackend } from "../backend/ladder.ts";
import { UsageError } from "../errors.ts";
import { loadCheckpoint } from "../model/checkpoint.ts";
import { gptConfig, type GPTConfig } from "../model/config.ts";
import { createGPT, type GPT } from "../model/gpt.ts";
import { ByteTokenizer, type Tokenizer } from "../model/tokenizer.ts";
import { TrainingView } from "../plot/training.ts";
import { createRun, openRun, runsDir, type Run } from "../runs/registry.ts";
import type { Example } from "../prompts/format.ts";
import { pickTrainConfig, resolveTrainConfig, type TrainConfig } from "./config.ts";
import { train, type TrainResult } from "./trainer.ts";

export type StageName = "injection" | "infusion" | "one-stage" | "symbol-tune" | "instruction";
export const STAGE_NAMES: readonly StageName[] = ["injection", "infusion", "one-stage", "symbol-tune", "instruction"];

/** The paper's symbolic : general ratio in the Infusion stage (~260K : ~310K). */
export const INFUSION_RATIO = 0.84;

export type Rows = Collection | readonly Row[];

/**
 * A stage's options: the training settings (any TrainConfig key, defaults in config.ts;
 * `seed` also seeds a fresh model's weights and the data mixture) and what the stage adds.
 */
export interface StageOptions extends Partial<TrainConfig> {
  /** A label for the run (default: the stage name). */
  name?: string;
  /** Model preset for a fresh model (default "tiny"), with overrides. */
  preset?: string;
  model?: Partial<GPTConfig>;
  /** Default: the byte tokenizer (covers any text, so later stages never meet unknown characters). */
  tokenizer?: Tokenizer;
  /** Examples in the mixture; default: every row of the parts (see each stage). */
  n?: number;
  /** Rows whose loss is logged as `eval_loss` every `evalEvery` steps. */
  evalRows?: Rows;
  signal?: AbortSignal;
  /** Draw the loss curve in place while training (default: when running in a notebook). */
  live?: boolean;
  /** Runs directory, or false to record nothing (then no checkpoints either). */
  runs?: string | false;
  onStep?: (step: number, loss: number) => void;
}

/** Where a stage starts: a run (id or object) or a checkpoint directory, or a stage result. */
export type StartFrom = string | Run | StageResult;

export interface StagePlan {
  stage: StageName;
  /** The resolved training settings (config.ts) the stage will run with. */
  config: TrainConfig;
  model: GPT;
  tokenizer: Tokenizer;
  examples: Example[];
  /** The kind of each example ("symbolic", "general", "symbol-tune", "instruction"), same order. */
  kinds: string[];
  counts: Record<string, number>;
  /** The run the model's weights came from. */
  parent?: string;
  /** The checkpoint the model's weights came from. */
  initCheckpoint?: string;
}

export interface StageResult {
  stage: StageName;
  model: GPT;
  tokenizer: Tokenizer;
  train: TrainResult;
  /** The run's id in the registry (undefined with runs: false). */
  runId?: string;
  run?: Run;
  checkpoint?: string;
  counts: Record<string, number>;
}

interface Part {
  kind: string;
  rows: Rows;
  ratio: number;
}

function rowsOf(rows: Rows): readonly Row[] {
  return rows instanceof Collection ? rows.rows : rows;
}

function checkPart(stage: StageName, what: string, rows: Rows | undefined): readonly Row[] {
  if (!rows || rowsOf(rows).length === 0) throw new UsageError(`${stage} stage: "${what}" has no rows; give it a collection with at least one row`);
  return rowsOf(rows);
}

/** Mixes the parts by ratio (exact counts, shuffled together), each row tagged with its part's kind. */
function mixParts(parts: readonly Part[], n: number, seed: number): { examples: Example[]; kinds: string[]; counts: Record<string, number> } {
  const tagged = parts.map(
    (p) => [new Collection(rowsOf(p.rows).map((r) => ({ ...r, meta: { ...r.meta, stagePart: p.kind } })), p.kind), p.ratio] as const,
  );
  const mixed = Collection.mix(tagged, { n, seed });
  const kinds = mixed.rows.map((r) => String(r.meta.stagePart));
  const counts: Record<string, number> = {};
  for (const k of kinds) counts[k] = (counts[k] ?? 0) + 1;
  return { examples: mixed.rows.map(toPrompt), kinds, counts };
}

function resolveStart(from: StartFrom, options: StageOptions): { path: string; parent?: string } {
  if (typeof from !== "string") {
    if ("train" in from) {
      if (!from.checkpoint) throw new UsageError("the stage to start from wrote no checkpoint (it ran with runs: false); run it with a runs directory");
      return { path: from.checkpoint, parent: from.runId };
    }
    return { path: from.checkpointDir, parent: from.id };
  }
  if (/[\\/]/.test(from)) return { path: from };
  const run = openRun(from, options.runs === false ? runsDir() : (options.runs ?? runsDir()));
  return { path: run.checkpointDir, parent: run.id };
}

function freshModel(tokenizer: Tokenizer, options: StageOptions, seed: number): GPT {
  const config = gptConfig(options.preset ?? "tiny", { ...options.model, vocabSize: Math.max(tokenizer.vocabSize, options.model?.vocabSize ?? 0) });
  return createGPT(config, seed);
}

async function plan(stage: StageName, parts: readonly Part[], n: number, options: StageOptions, from?: StartFrom): Promise<StagePlan> {
  await initBackend(); // createGPT and loadCheckpoint need an active tfjs backend
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${stage} stage: n must be a positive integer, got ${n}`);
  const config = resolveTrainConfig(pickTrainConfig(options));
  const mix = mixParts(parts, n, config.seed);
  if (from === undefined) {
    const tokenizer = options.tokenizer ?? new ByteTokenizer();
    return { stage, config, model: freshModel(tokenizer, options, config.seed), tokenizer, ...mix };
  }
  const start = resolveStart(from, options);
  const loaded = loadCheckpoint(start.path);
  if (options.tokenizer && JSON.stringify(options.tokenizer.toSpec()) !== JSON.stringify(loaded.tokenizer.toSpec())) {
    loaded.model.dispose();
    throw new UsageError(`${stage} stage: the tokenizer given differs from the checkpoint's (${start.path}); leave it out to use the checkpoint's`);
  }
  return { stage, config, model: loaded.model, tokenizer: loaded.tokenizer, ...mix, parent: start.parent, initCheckpoint: loaded.path };
}

/** Plans the Injection stage: symbolic rows only; a fresh model, or `from` a general base model. */
export async function planInjection(options: StageOptions & { symbolic: Rows; from?: StartFrom }): Promise<StagePlan> {
  const symbolic = checkPart("injection", "symbolic", options.symbolic);
  return plan("injection", [{ kind: "symbolic", rows: symbolic, ratio: 1 }], options.n ?? symbolic.length, options, options.from);
}

/**
 * Plans the Infusion stage: weights from `from` (the injection run), symbolic : general at
 * `ratio` : 1. Default n keeps every general row once: n = general × (1 + ratio).
 */
export async function planInfusion(options: StageOptions & { from: StartFrom; symbolic: Rows; general: Rows; ratio?: number }): Promise<StagePlan> {
  if (options.from === undefined) throw new UsageError("infusion stage: give `from`, the injection run or checkpoint to start from");
  const ratio = options.ratio ?? INFUSION_RATIO;
  const symbolic = checkPart("infusion", "symbolic", options.symbolic);
  const general = checkPart("infusion", "general", options.general);
  const n = options.n ?? Math.round(general.length * (1 + ratio));
  return plan("infusion", [{ kind: "symbolic", rows: symbolic, ratio }, { kind: "general", rows: general, ratio: 1 }], n, options, options.from);
}

/** Plans the one-stage baseline: the Infusion mixture from step 0 (fresh, or `from` the same base as injection). */
export async function planOneStage(options: StageOptions & { symbolic: Rows; general: Rows; ratio?: number; from?: StartFrom }): Promise<StagePlan> {
  const ratio = options.ratio ?? INFUSION_RATIO;
  const symbolic = checkPart("one-stage", "symbolic", options.symbolic);
  const general = checkPart("one-stage", "general", options.general);
  const n = options.n ?? symbolic.length + general.length;
  return plan("one-stage", [{ kind: "symbolic", rows: symbolic, ratio }, { kind: "general", rows: general, ratio: 1 }], n, options, options.from);
}

/**
 * Plans symbol tuning: symbol-tuning prompts, optionally mixed with instruction rows at
 * `instructionRatio` : 1 (prompts : instruction), which repairs the relevant-label settings.
 */
export async function planSymbolTune(
  options: StageOptions & { prompts: Rows; instruction?: Rows; instructionRatio?: number; from?: StartFrom },
): Promise<StagePlan> {
  const prompts = checkPart("symbol-tune", "prompts", options.prompts);
  const parts: Part[] = [{ kind: "symbol-tune", rows: prompts, ratio: 1 }];
  if (options.instruction) {
    const ratio = options.instructionRatio ?? 1;
    if (!(ratio > 0)) throw new UsageError(`symbol-tune stage: instructionRatio must be > 0, got ${ratio}`);
    parts.push({ kind: "instruction", rows: checkPart("symbol-tune", "instruction", options.instruction), ratio: 1 / ratio });
  }
  const n = options.n ?? parts.reduce((s, p) => s + rowsOf(p.rows).length, 0);
  return plan("symbol-tune", parts, n, options, options.from);
}

/** Plans plain instruction tuning (the comparison model). */
export async function planInstruction(options: StageOptions & { instruction: Rows; from?: StartFrom }): Promise<StagePlan> {
  const rows = checkPart("instruction", "instruction", options.instruction);
  return plan("instruction", [{ kind: "instruction", rows, ratio: 1 }], options.n ?? rows.length, options, options.from);
}

/** The numeric metrics of an eval record (what the progress table shows). */
function numbersOf(record: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === "number" && k !== "step") out[k] = v;
  return out;
}

/** Trains a planned stage: records the run, draws the curve, keeps the model on interrupt. */
export async function runStage(planned: StagePlan | Promise<StagePlan>, options: StageOptions): Promise<StageResult> {
  const stagePlan = await planned;
  const backend = await initBackend();
  const { model, tokenizer, config } = stagePlan;
  const run =
    options.runs === false
      ? undefined
      : createRun(
          {
            name: options.name ?? stagePlan.stage,
            stage: stagePlan.stage,
            seed: config.seed,
            backend: backend.name,
            parent: stagePlan.parent,
            config: { train: config, model: model.config, params: model.paramCount(), tokenizer: tokenizer.kind, counts: stagePlan.counts, initCheckpoint: stagePlan.initCheckpoint },
          },
          options.runs,
        );
  const evalExamples = options.evalRows ? rowsOf(options.evalRows).map(toPrompt) : undefined;
  // Progress bar, eval table and live curve; an interrupt skips the curve's static image.
  const view = options.live === false ? null : new TrainingView({ title: options.name ?? stagePlan.stage, total: config.steps, signal: options.signal });
  const started = performance.now();
  let result: TrainResult;
  try {
    result = await train({
      model,
      tokenizer,
      data: stagePlan.examples,
      ...config,
      evalData: evalExamples,
      checkpointDir: run?.checkpointDir,
      signal: options.signal,
      onStep: (m) => {
        run?.log(m);
        view?.step(m);
        options.onStep?.(m.step, m.loss);
      },
      onEval: (m) => {
        run?.log(m);
        view?.eval(m.step, numbersOf(m));
      },
    });
  } catch (error) {
    run?.finish({ status: "failed", wallSeconds: (performance.now() - started) / 1000, steps: 0, message: (error as Error).message });
    await view?.finish();
    throw error;
  }
  await view?.finish();
  run?.finish({
    status: result.stopped,
    wallSeconds: result.seconds,
    steps: result.step,
    finalLoss: result.losses.at(-1),
    metrics: { tokens_per_s: Math.round(result.tokensPerSecond) },
  });
  return { stage: stagePlan.stage, model, tokenizer, train: result, runId: run?.id, run, checkpoint: result.checkpoint, counts: stagePlan.counts };
}

export function injectionStage(options: StageOptions & { symbolic: Rows; from?: StartFrom }): Promise<StageResult> {
  return runStage(planInjection(options), options);
}

export function infusionStage(options: StageOptions & { from: StartFrom; symbolic: Rows; general: Rows; ratio?: number }): Promise<StageResult> {
  return runStage(planInfusion(options), options);
}

export function oneStage(options: StageOptions & { symbolic: Rows; general: Rows; ratio?: number; from?: StartFrom }): Promise<StageResult> {
  return runStage(planOneStage(options), options);
}

export function symbolTuneStage(
  options: StageOptions & { prompts: Rows; instruction?: Rows; instructionRatio?: number; from?: StartFrom },
): Promise<StageResult> {
  return runStage(planSymbolTune(options), options);
}

export function instructionStage(options: StageOptions & { instruction: Rows; from?: StartFrom }): Promise<StageResult> {
  return runStage(planInstruction(options), options);
}
