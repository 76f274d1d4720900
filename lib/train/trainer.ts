/**
 * The training loop: `train(options)` fine-tunes a GPT in place on `{prompt, completion}`
 * examples, loss on completion tokens only (lib/prompts), AdamW with decay on matrices
 * (adamw.ts), warmup + cosine (schedule.ts), global-norm clipping and gradient accumulation
 * (step.ts). Its settings are one TrainConfig (config.ts); what it logs are MetricRecords
 * (lib/runs/metrics.ts); what it saves is a TrainerState (state.ts).
 *
 * Same seed + same backend → the same loss curve: the weights come from createGPT's seed, the
 * data order from our own seeded RNG, and nothing else is random. A checkpoint stores weights,
 * AdamW moments, the step and the data cursor, so `resumeFrom` continues the curve exactly.
 *
 * Between steps the loop yields to the event loop and checks `signal`: an abort saves a
 * checkpoint and returns `{stopped: "interrupted"}` with the model usable. A NaN/Inf loss or
 * gradient stops the run with a TrainingError; the model is restored from the last good
 * checkpoint (a checkpoint is only written after a forward pass shows finite loss).
 */
import { cellSignal } from "../cell.ts";
import * as tf from "@tensorflow/tfjs";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { heapAdvice, isHeapExhaustion } from "../backend/heap.ts";
import { DataError, TrainingError, UsageError } from "../errors.ts";
import { appendJsonLine } from "../files.ts";
import { assignWeights, latestCheckpoint, readCheckpoint, saveCheckpoint } from "../model/checkpoint.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { Batcher, disposeBatch, makeBatch, type Batch } from "../prompts/batch.ts";
import { encodeExample, type EncodedExample, type Example } from "../prompts/encode.ts";
import { evalRecord, type EvalRecord, type MetricRecord, type StepRecord } from "../runs/metrics.ts";
import { AdamW } from "./adamw.ts";
import { pickTrainConfig, resolveTrainConfig, type TrainConfig } from "./config.ts";
import { evaluateEncoded } from "./evaluate.ts";
import { checkFinite, checkMoments, nonFiniteVariable } from "./guard.ts";
import { learningRate } from "./schedule.ts";
import { readTrainerState, type TrainerState } from "./state.ts";
import { stepGradients, yieldToEventLoop } from "./step.ts";

/** The run's settings (any TrainConfig key; the rest default, see config.ts) and its parts. */
export interface TrainOptions extends Partial<TrainConfig> {
  /** Trained in place. Its vocabSize must cover the tokenizer's. */
  model: GPT;
  tokenizer: Tokenizer;
  data: Iterable<Example>;
  /** Examples whose loss is recorded every evalEvery steps and at the end. */
  evalData?: Iterable<Example>;
  /** Root directory for checkpoints (see checkpoint.ts). Without it nothing is saved. */
  checkpointDir?: string;
  /** Continue a run from a checkpoint written by `train` (root or step directory). */
  resumeFrom?: string;
  /** Aborting it stops the run between steps (checkpoint saved, model usable). */
  signal?: AbortSignal;
  onStep?: (record: StepRecord) => void | Promise<void>;
  onEval?: (record: EvalRecord) => void | Promise<void>;
  /** Appends one MetricRecord a line, per step and per eval. */
  metricsLog?: string;
}

export interface TrainResult {
  stopped: "completed" | "interrupted";
  /** Optimizer steps completed (including resumed ones). */
  step: number;
  /** Training loss of every completed step, index 0 = step 1 (a resumed run includes the earlier ones). */
  losses: number[];
  evals: EvalRecord[];
  /** The last checkpoint written, when checkpointDir was given. */
  checkpoint?: string;
  /** Input tokens per second over this call. */
  tokensPerSecond: number;
  seconds: number;
  /** Training examples cut to fit the context. */
  truncated: number;
  /** The settings the run trained with (a resumed run keeps its checkpoint's seed). */
  config: TrainConfig;
}

function encodeAll(data: Iterable<Example>, what: string, tokenizer: Tokenizer, blockSize: number): EncodedExample[] {
  return Array.from(data).map((row, i) => {
    for (const field of ["prompt", "completion"] as const) {
      if (typeof row?.[field] !== "string") {
        throw new DataError(`expected a string, got ${row?.[field] === undefined ? "nothing" : typeof row[field]}.`, { file: `${what}[${i}]`, field });
      }
    }
    return encodeExample(tokenizer, row, blockSize);
  });
}

/**
 * Turns the tensor heap running out into advice the user can act on, as %train flags (the
 * same examples per step in smaller micro-batches, or a shorter context); other errors pass through.
 */
function explainStepError(error: unknown, config: TrainConfig, blockSize: number): unknown {
  if (!isHeapExhaustion(error)) return error;
  const { batchSize: b, accumulate: a } = config;
  const flags = [
    b > 1 ? `--batch-size ${Math.ceil(b / 2)} --accumulate ${2 * a} (the same ${b * a} examples per step${b % 2 ? ", give or take one" : ""})` : "",
    blockSize > 8 ? `a shorter --block-size than ${blockSize} (a fresh model)` : "",
  ].filter(Boolean);
  const wrapped = new TrainingError(
    `${heapAdvice({ microBatch: b, blockSize })} (batchSize is the micro-batch, now ${b}; accumulate is now ${a}).` +
      (flags.length ? ` With %train: ${flags.join(", or ")}.` : ""),
  );
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

/** One training run's moving parts; train() below reads as the loop over its named steps. */
class Training {
  step = 0;
  losses: number[] = [];
  readonly evals: EvalRecord[] = [];
  lastCheckpoint: string | undefined;
  tokensSeen = 0;
  readonly started = performance.now();
  private probe: Batch | undefined; // the last step's first micro-batch: checks weights before a save
  private pendingGrads: Record<string, tf.Tensor> | undefined;
  readonly optimizer: AdamW;
  batcher: Batcher;

  constructor(
    readonly o: TrainOptions,
    public config: TrainConfig,
    private readonly rows: EncodedExample[],
    private readonly evalRows: EncodedExample[],
  ) {
    this.batcher = new Batcher(rows, config.batchSize, config.seed); // first: it rejects empty data before anything is allocated
    this.optimizer = new AdamW(o.model.variables, { weightDecay: config.weightDecay, beta1: config.betas[0], beta2: config.betas[1] });
    this.lastCheckpoint = o.checkpointDir ? latestCheckpoint(o.checkpointDir) : undefined;
    if (o.metricsLog) mkdirSync(dirname(o.metricsLog), { recursive: true });
  }

  /**
   * Continues from a checkpoint's weights, optimizer moments, step, losses and data cursor.
   * The checkpoint's seed is kept (it fixes the data order); the other settings are the
   * caller's. Everything a resume reads or checks is here.
   */
  resume(path: string): void {
    const { model } = this.o;
    const ckpt = readCheckpoint(path);
    const state = readTrainerState(ckpt.trainer, `${ckpt.path}/trainer_state.json`);
    if (!state || !ckpt.optimizer) {
      throw new DataError(
        "this checkpoint has no trainer state to resume (it holds weights only); to start a new run from its weights, loadCheckpoint() it and train the model.",
        { file: ckpt.path },
      );
    }
    if (JSON.stringify(ckpt.config) !== JSON.stringify(model.config)) {
      throw new UsageError(`resumeFrom: the checkpoint's model config ${JSON.stringify(ckpt.config)} differs from the model's ${JSON.stringify(model.config)}.`);
    }
    for (const key of ["batchSize", "accumulate"] as const) {
      // The data cursor counts batches of the checkpoint's size: another size would continue another order.
      if (this.config[key] !== state.config[key]) {
        throw new UsageError(`resumeFrom: ${key} is ${state.config[key]} in the checkpoint's run but ${this.config[key]} now; resume with ${key}: ${state.config[key]} (the data cursor counts its batches).`);
      }
    }
    const [weightsFile, optimizerFile] = [`${ckpt.path}/model.safetensors`, `${ckpt.path}/optimizer.safetensors`];
    const moments = ckpt.optimizer.tensors;
    checkMoments(moments, model.variables, optimizerFile);
    checkFinite(ckpt.weights, weightsFile);
    checkFinite(moments, optimizerFile);
    assignWeights(model, ckpt.weights, weightsFile);
    this.optimizer.loadState(state.step, (key) => moments[key]!.data as Float32Array);
    this.step = state.step;
    this.losses = [...state.losses];
    this.config = { ...this.config, seed: state.config.seed };
    this.batcher = new Batcher(this.rows, this.config.batchSize, this.config.seed, state.cursor);
  }

  private async record(line: MetricRecord): Promise<void> {
    if (this.o.metricsLog) appendJsonLine(this.o.metricsLog, line);
    if (line.kind === "step") await this.o.onStep?.(line);
    else await this.o.onEval?.(line);
  }

  /** One optimizer step over `accumulate` micro-batches; false when interrupted mid-step. */
  async optimizerStep(): Promise<boolean> {
    const { model, tokenizer, signal } = this.o;
    const t0 = performance.now();
    const cursorBefore = { ...this.batcher.cursor };
    const batches = Array.from({ length: this.config.accumulate }, () => makeBatch(this.batcher.next(), tokenizer.special.pad, { pack: true }));
    let outcome;
    try {
      outcome = await stepGradients(model, batches, this.config.clip, signal);
    } catch (error) {
      batches.forEach(disposeBatch);
      throw error;
    }
    if (outcome === "interrupted") {
      // Drop the half-done step: the state stays that of the last completed step.
      batches.forEach(disposeBatch);
      this.batcher.cursor = cursorBefore;
      return false;
    }
    const { grads, loss, gradNorm } = outcome;
    this.pendingGrads = grads; // freed by dispose() if the update below fails (the heap ran out)
    if (this.probe) disposeBatch(this.probe);
    this.probe = batches[0];
    batches.slice(1).forEach(disposeBatch);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      tf.dispose(Object.values(grads));
      this.pendingGrads = undefined;
      this.fail(this.step + 1, Number.isFinite(loss) ? "gradient norm" : "loss", Number.isFinite(loss) ? gradNorm : loss);
    }
    this.step++;
    const lr = learningRate(this.step, this.config);
    this.optimizer.apply(grads, lr);
    tf.dispose(Object.values(grads));
    this.pendingGrads = undefined;
    this.losses.push(loss);
    const tokens = batches.reduce((n, b) => n + b.tokenCount, 0);
    this.tokensSeen += tokens;
    const seconds = (performance.now() - t0) / 1000;
    await this.record({
      kind: "step", step: this.step, steps: this.config.steps, epoch: this.batcher.cursor.epoch, loss, lr, gradNorm, tokens,
      tokensPerSecond: tokens / Math.max(seconds, 1e-9),
      elapsedSeconds: (performance.now() - this.started) / 1000,
    });
    return true;
  }

  /** The loss on evalData, recorded as an eval record. */
  async evaluate(): Promise<void> {
    if (this.evalRows.length === 0) return;
    const { loss, targets } = await evaluateEncoded(this.o.model, this.evalRows, this.o.tokenizer.special.pad, this.config.batchSize);
    const line = evalRecord(this.step, { eval_loss: loss, eval_targets: targets });
    this.evals.push(line);
    await this.record(line);
  }

  /** Saves a checkpoint after checking that the weights are finite and give a finite loss. */
  async save(): Promise<void> {
    const { model, tokenizer, checkpointDir } = this.o;
    if (!checkpointDir) return;
    if (this.probe) {
      const loss = tf.tidy(() => model.loss(this.probe!.inputs, this.probe!.targets, this.probe!.mask, this.probe!.segments));
      const value = (await loss.data())[0]!;
      loss.dispose();
      if (!Number.isFinite(value)) this.fail(this.step, "loss after the update", value);
    }
    // Weights no batch uses (positions past the longest row) can turn NaN unseen by the loss.
    const bad = nonFiniteVariable(model.variables);
    if (bad) this.fail(this.step, `weight "${bad}"`, "NaN or infinite");
    const trainer: TrainerState = { step: this.step, cursor: { ...this.batcher.cursor }, losses: this.losses, config: this.config };
    this.lastCheckpoint = saveCheckpoint(checkpointDir, { model, tokenizer, trainer, optimizer: this.optimizer.stateTensors(), keep: this.config.keepCheckpoints });
  }

  due(every: number): boolean {
    return every > 0 && this.step % every === 0;
  }

  /** A NaN/Inf at `atStep`: put back the last good weights, then stop with advice. */
  fail(atStep: number, what: string, value: number | string): never {
    let restored = "No checkpoint had been written (set checkpointDir and checkpointEvery to keep one); the model's weights are no longer usable.";
    if (this.lastCheckpoint) {
      assignWeights(this.o.model, readCheckpoint(this.lastCheckpoint).weights, this.lastCheckpoint);
      restored = `The model was restored from the last good checkpoint, ${this.lastCheckpoint}; go on from it with other settings: %train --from that folder (a new run), or train({ resumeFrom }).`;
    }
    const { lr, warmup, clip } = this.config;
    throw new TrainingError(
      `training stopped at step ${atStep}: the ${what} became ${value} (learning rate ${lr}, warmup ${warmup}, clip ${clip}). ` +
        `Lower the learning rate or lengthen the warmup. ${restored}`,
    );
  }

  dispose(): void {
    if (this.probe) disposeBatch(this.probe);
    if (this.pendingGrads) tf.dispose(Object.values(this.pendingGrads));
    this.optimizer.dispose();
  }
}

export async function train(given: TrainOptions): Promise<TrainResult> {
  // Started from a notebook cell without a signal: the cell's, so an interrupt always stops it.
  const options = given.signal ? given : { ...given, signal: cellSignal() };
  const config = resolveTrainConfig(pickTrainConfig(options));
  const { model, tokenizer } = options;
  if (tokenizer.vocabSize > model.config.vocabSize) {
    throw new UsageError(
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabSize is ${model.config.vocabSize}; build the model with vocabSize ≥ ${tokenizer.vocabSize}.`,
    );
  }
  const { blockSize } = model.config;
  const rows = encodeAll(options.data, "data", tokenizer, blockSize);
  const evalRows = options.evalData ? encodeAll(options.evalData, "evalData", tokenizer, blockSize) : [];
  const run = new Training(options, config, rows, evalRows);
  let stopped: TrainResult["stopped"] = "completed";
  try {
    if (options.resumeFrom) run.resume(options.resumeFrom);
    while (run.step < config.steps) {
      if (options.signal?.aborted || !(await run.optimizerStep())) {
        stopped = "interrupted";
        break;
      }
      if (run.due(config.evalEvery)) await run.evaluate();
      if (run.due(config.checkpointEvery) && run.step < config.steps) await run.save();
      await yieldToEventLoop(); // lets the kernel deliver an interrupt (and the page redraw)
    }
    if (stopped === "completed" && run.evals.at(-1)?.step !== run.step) await run.evaluate();
    await run.save();
  } catch (error) {
    // The heap running out anywhere in the loop (a step, an evaluation, a save's check).
    throw error instanceof TrainingError ? error : explainStepError(error, run.config, blockSize);
  } finally {
    run.dispose();
  }
  const seconds = (performance.now() - run.started) / 1000;
  return {
    stopped, step: run.step, losses: run.losses, evals: run.evals, truncated: rows.filter((r) => r.truncated).length,
    checkpoint: options.checkpointDir ? run.lastCheckpoint : undefined,
    tokensPerSecond: run.tokensSeen / Math.max(seconds, 1e-9),
    seconds,
    config: run.config,
  };
}
