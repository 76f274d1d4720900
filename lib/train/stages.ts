/**
 * The training stages of the two papers, thin on top of `train()`, in one table (STAGES):
 *   injection    symbolic data only                                (Symbol-LLM's "Base")
 *   infusion     from an injection checkpoint; a symbolic sample + general data,
 *                ~0.84 : 1 by default                               (Symbol-LLM's "Instruct")
 *   one-stage    the same mixture from step 0                       (the paper's baseline)
 *   symbol-tune  symbol-tuning prompts, optionally mixed with instruction data
 *   instruction  plain instruction tuning: the comparison model
 * Adding a stage is one entry in STAGES: `%train --stage`, its help and trainStage() read it.
 * Each stage is planned (model, tokenizer, the mixed examples with their kind) and then run:
 * a run folder in the registry, checkpoints there, a live loss curve in the notebook, and the
 * kernel's interrupt fed to the trainer so an interrupted stage keeps its model and checkpoint.
 */
import { createHash } from "node:crypto";
import { Collection } from "../collections/collection.ts";
import { toPrompt } from "../prompts/format.ts";
import type { Row } from "../collections/types.ts";
import { initBackend } from "../backend/ladder.ts";
import { UsageError } from "../errors.ts";
import { gptConfig, type GPTConfig } from "../model/config.ts";
import { createGPT, type GPT } from "../model/gpt.ts";
import { ByteTokenizer, type Tokenizer } from "../model/tokenizer.ts";
import { TrainingView } from "../plot/training.ts";
import { createRun, type Run } from "../runs/registry.ts";
import type { Example } from "../prompts/format.ts";
import { pickTrainConfig, resolveTrainConfig, type TrainConfig } from "./config.ts";
import { openModel, type ModelSource } from "./open.ts";
import { StageResult } from "./result.ts";
import { train, type TrainResult } from "./trainer.ts";

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
  /** Where the rows came from, as the run records it (e.g. %train's variable names by option), so a resume can name them. */
  sources?: Record<string, string>;
}

/** The rows a stage trains on and where its weights start. */
export interface StageData {
  /** The stage's main rows: symbolic (injection, infusion, one-stage), symbol-tuning prompts, or instruction rows. */
  data: Rows;
  /** infusion, one-stage: the general instruction rows. */
  general?: Rows;
  /** symbol-tune: instruction rows to mix in. */
  instruction?: Rows;
  /** infusion, one-stage: symbolic : general (default INFUSION_RATIO). */
  ratio?: number;
  /** symbol-tune: prompts : instruction (default 1). */
  instructionRatio?: number;
  /** Start from these weights (see open.ts); default: a fresh model. */
  from?: ModelSource;
}

/** Where a stage starts: a stage result, a run (object, id or prefix) or a checkpoint path. */
export type StartFrom = ModelSource;

interface Part {
  kind: string;
  rows: readonly Row[];
  ratio: number;
}

interface StageSpec {
  /** What the stage trains on, for `%train?`. */
  help: string;
  /** True when the stage cannot start from a fresh model. */
  needsFrom?: boolean;
  /** The mixture's parts, and its size when `n` is not given. */
  mixture(data: StageData, stage: string): { parts: Part[]; n: number };
}

function rowsOf(rows: Rows): readonly Row[] {
  return rows instanceof Collection ? rows.rows : rows;
}

/** The rows of a part, or a UsageError naming the stage option that has none. */
function part(stage: string, option: string, rows: Rows | undefined): readonly Row[] {
  if (!rows || rowsOf(rows).length === 0) throw new UsageError(`${stage} stage: "${option}" has no rows; give it a collection with at least one row`);
  return rowsOf(rows);
}

/** Symbolic and general rows at ratio : 1 (infusion and one-stage mix alike). */
function symbolicAndGeneral(d: StageData, stage: string): Part[] {
  const ratio = d.ratio ?? INFUSION_RATIO;
  return [
    { kind: "symbolic", rows: part(stage, "symbolic", d.data), ratio },
    { kind: "general", rows: part(stage, "general", d.general), ratio: 1 },
  ];
}

const total = (parts: readonly Part[]) => parts.reduce((n, p) => n + p.rows.length, 0);

export const STAGES = {
  injection: {
    help: "symbolic rows only (--data); a fresh model, or --from a general base model",
    mixture: (d, stage) => {
      const parts: Part[] = [{ kind: "symbolic", rows: part(stage, "symbolic", d.data), ratio: 1 }];
      return { parts, n: total(parts) };
    },
  },
  infusion: {
    help: "--from the injection model; symbolic (--data) : general (--general) at --ratio : 1 (0.84); n keeps every general row once",
    needsFrom: true,
    mixture: (d, stage) => {
      const parts = symbolicAndGeneral(d, stage);
      return { parts, n: Math.round(parts[1]!.rows.length * (1 + parts[0]!.ratio)) };
    },
  },
  "one-stage": {
    help: "the infusion mixture from step 0 (fresh, or --from the same base as injection)",
    mixture: (d, stage) => {
      const parts = symbolicAndGeneral(d, stage);
      return { parts, n: total(parts) };
    },
  },
  "symbol-tune": {
    help: "symbol-tuning prompts (--data), optionally mixed with --instruction rows at --instruction-ratio : 1",
    mixture: (d, stage) => {
      const parts: Part[] = [{ kind: "symbol-tune", rows: part(stage, "prompts", d.data), ratio: 1 }];
      if (d.instruction) {
        const ratio = d.instructionRatio ?? 1;
        if (!(ratio > 0)) throw new UsageError(`symbol-tune stage: instructionRatio must be > 0, got ${ratio}`);
        parts.push({ kind: "instruction", rows: part(stage, "instruction", d.instruction), ratio: 1 / ratio });
      }
      return { parts, n: total(parts) };
    },
  },
  instruction: {
    help: "plain instruction tuning on --data: the comparison model",
    mixture: (d, stage) => {
      const parts: Part[] = [{ kind: "instruction", rows: part(stage, "instruction", d.data), ratio: 1 }];
      return { parts, n: total(parts) };
    },
  },
} satisfies Record<string, StageSpec>;

export type StageName = keyof typeof STAGES;
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];

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
  /** How the mixture was drawn (with config.seed and the same rows, it is drawn again alike). */
  mixture: { n: number; ratio?: number; instructionRatio?: number };
  /** A fingerprint of the mixed examples: a resume checks it trains on the same data. */
  dataHash: string;
}

/** sha256 of the examples in order, shortened: equal for the same mixture, different for any other. */
export function examplesHash(examples: readonly Example[]): string {
  const hash = createHash("sha256");
  for (const e of examples) hash.update(`${JSON.stringify([e.prompt, e.completion])}\n`);
  return hash.digest("hex").slice(0, 16);
}

/** Mixes the parts by ratio (exact counts, shuffled together), each row tagged with its part's kind. */
function mixParts(parts: readonly Part[], n: number, seed: number): { examples: Example[]; kinds: string[]; counts: Record<string, number> } {
  const tagged = parts.map(
    (p) => [new Collection(p.rows.map((r) => ({ ...r, meta: { ...r.meta, stagePart: p.kind } })), p.kind), p.ratio] as const,
  );
  const mixed = Collection.mix(tagged, { n, seed });
  const kinds = mixed.rows.map((r) => String(r.meta.stagePart));
  const counts: Record<string, number> = {};
  for (const k of kinds) counts[k] = (counts[k] ?? 0) + 1;
  return { examples: mixed.rows.map(toPrompt), kinds, counts };
}

function freshModel(tokenizer: Tokenizer, options: StageOptions, seed: number): GPT {
  const config = gptConfig(options.preset ?? "tiny", { ...options.model, vocabSize: Math.max(tokenizer.vocabSize, options.model?.vocabSize ?? 0) });
  return createGPT(config, seed);
}

/** Plans `stage`: its settings, its mixture, and the model it starts from (fresh or `from`). */
export async function planStage(stage: StageName, options: StageOptions & StageData): Promise<StagePlan> {
  const spec: StageSpec = STAGES[stage];
  if (!spec) throw new UsageError(`unknown stage "${String(stage)}"; the stages are ${STAGE_NAMES.join(", ")}`);
  if (spec.needsFrom && options.from === undefined) {
    throw new UsageError(`${stage} stage needs a model to start from (from, --from): a stage result, a run id or a checkpoint path`);
  }
  await initBackend(); // createGPT and loadCheckpoint need an active tfjs backend
  const config = resolveTrainConfig(pickTrainConfig(options));
  const mixture = spec.mixture(options, stage);
  const n = options.n ?? mixture.n;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${stage} stage: n must be a positive integer, got ${n}`);
  const mix = { ...mixParts(mixture.parts, n, config.seed), mixture: { n, ratio: options.ratio, instructionRatio: options.instructionRatio } };
  const mixed = { ...mix, dataHash: examplesHash(mix.examples) };
  if (options.from === undefined) {
    const tokenizer = options.tokenizer ?? new ByteTokenizer();
    return { stage, config, model: freshModel(tokenizer, options, config.seed), tokenizer, ...mixed };
  }
  // A stage trains its model in place: a stage result's model is copied, so it stays as it was.
  const start = await openModel(options.from, { runs: options.runs || undefined, copy: true });
  if (options.tokenizer && JSON.stringify(options.tokenizer.toSpec()) !== JSON.stringify(start.tokenizer.toSpec())) {
    start.model.dispose();
    throw new UsageError(`${stage} stage: the tokenizer given differs from the starting model's; leave it out to use that one`);
  }
  return { stage, config, model: start.model, tokenizer: start.tokenizer, ...mixed, parent: start.run?.id, initCheckpoint: start.checkpoint };
}

/** Plans and trains `stage` (the one call behind `%train`). */
export function trainStage(stage: StageName, options: StageOptions & StageData): Promise<StageResult> {
  return runStage(planStage(stage, options), options);
}

/** The numeric metrics of an eval record (what the progress table shows). */
function numbersOf(record: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === "number" && k !== "step") out[k] = v;
  return out;
}

/**
 * Trains a planned stage: records the run, draws the curve, keeps the model on interrupt.
 * With `resume` (resume.ts), continues that run from that checkpoint instead of starting one.
 */
export async function runStage(planned: StagePlan | Promise<StagePlan>, options: StageOptions, resume?: { run: Run; checkpoint: string; step: number }): Promise<StageResult> {
  const stagePlan = await planned;
  const backend = await initBackend();
  const { model, tokenizer, config } = stagePlan;
  const run =
    resume?.run ?? (options.runs === false
      ? undefined
      : createRun(
          {
            name: options.name ?? stagePlan.stage,
            stage: stagePlan.stage,
            seed: config.seed,
            backend: backend.name,
            parent: stagePlan.parent,
            config: {
              train: config, model: model.config, params: model.paramCount(), tokenizer: tokenizer.kind, counts: stagePlan.counts, initCheckpoint: stagePlan.initCheckpoint,
              mixture: stagePlan.mixture, dataHash: stagePlan.dataHash, sources: options.sources,
            },
          },
          options.runs,
        ));
  const evalExamples = options.evalRows ? rowsOf(options.evalRows).map(toPrompt) : undefined;
  // Progress bar, eval table and live curve; an interrupt skips the curve's static image.
  const view = options.live === false ? null : new TrainingView({ title: options.name ?? stagePlan.stage, total: config.steps, startStep: resume?.step, signal: options.signal });
  // A resumed run's curve starts with the steps it had done.
  for (const m of resume ? resume.run.metrics() : []) if (m.kind === "step") view?.curve?.add("train loss", m.step, m.loss);
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
      resumeFrom: resume?.checkpoint,
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
    model.dispose(); // the stage's own model (fresh, loaded or copied), unreachable once it failed
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
  return new StageResult(stagePlan.stage, model, tokenizer, result, stagePlan.counts, run, options.name);
}

// The named stages of the papers, for plain TypeScript: each is one row of STAGES, with the
// main rows under the name the paper gives them.

export function planInjection(options: StageOptions & { symbolic: Rows; from?: StartFrom }): Promise<StagePlan> {
  return planStage("injection", { ...options, data: options.symbolic });
}

export function planInfusion(options: StageOptions & { from: StartFrom; symbolic: Rows; general: Rows; ratio?: number }): Promise<StagePlan> {
  return planStage("infusion", { ...options, data: options.symbolic });
}

export function planOneStage(options: StageOptions & { symbolic: Rows; general: Rows; ratio?: number; from?: StartFrom }): Promise<StagePlan> {
  return planStage("one-stage", { ...options, data: options.symbolic });
}

export function planSymbolTune(
  options: StageOptions & { prompts: Rows; instruction?: Rows; instructionRatio?: number; from?: StartFrom },
): Promise<StagePlan> {
  return planStage("symbol-tune", { ...options, data: options.prompts });
}

export function planInstruction(options: StageOptions & { instruction: Rows; from?: StartFrom }): Promise<StagePlan> {
  return planStage("instruction", { ...options, data: options.instruction, instruction: undefined });
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

export { StageResult };
