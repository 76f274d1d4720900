/**
 * The training loop: `train(options)` fine-tunes a GPT in place on `{prompt, completion}`
 * examples, loss on completion tokens only (examples.ts), AdamW with decay on matrices
 * (adamw.ts), warmup + cosine (schedule.ts), global-norm clipping, gradient accumulation.
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
import * as tf from "@tensorflow/tfjs";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { heapAdvice, isHeapExhaustion } from "../backend/heap.ts";
import { DataError, TrainingError, UsageError } from "../errors.ts";
import { appendJsonLine } from "../files.ts";
import { assignWeights, latestCheckpoint, readCheckpoint, saveCheckpoint, type TrainerState } from "../model/checkpoint.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { AdamW } from "./adamw.ts";
import { evaluateEncoded, type EvalResult } from "./evaluate.ts";
import { Batcher, disposeBatch, encodeExample, makeBatch, type Batch, type Example } from "./examples.ts";
import { learningRate } from "./schedule.ts";

export interface TrainOptions {
  /** Trained in place. Its vocabSize must cover the tokenizer's. */
  model: GPT;
  tokenizer: Tokenizer;
  data: Iterable<Example>;
  /** Total optimizer steps of the run (a resumed run counts the steps already done). */
  steps: number;
  /** Examples per micro-batch. */
  batchSize: number;
  /** Micro-batches per optimizer step (default 1): effective batch = batchSize × accumulate. */
  accumulate?: number;
  /** Peak learning rate. */
  lr: number;
  /** Final learning rate of the cosine (default lr / 10). */
  minLr?: number;
  /** Linear warmup steps (default 0). */
  warmup?: number;
  /** AdamW decoupled weight decay on matrices (default 0.1). */
  weightDecay?: number;
  /** Global gradient-norm clip (default 1.0; 0 turns clipping off). */
  clip?: number;
  /** AdamW betas (default [0.9, 0.95]). */
  betas?: [number, number];
  /** Seeds the data order (default 0). The weights' seed is createGPT's. */
  seed?: number;
  evalData?: Iterable<Example>;
  /** Evaluate every N steps and at the end (default: only at the end, when evalData is given). */
  evalEvery?: number;
  /** Root directory for checkpoints (see checkpoint.ts). Without it nothing is saved. */
  checkpointDir?: string;
  /** Save every N steps (default: only on interrupt and at the end). */
  checkpointEvery?: number;
  /** Step directories kept under checkpointDir (default 2). */
  keepCheckpoints?: number;
  /** Continue a run from a checkpoint written by `train` (root or step directory). */
  resumeFrom?: string;
  /** Aborting it stops the run between steps (checkpoint saved, model usable). */
  signal?: AbortSignal;
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  onEval?: (metrics: EvalMetrics) => void | Promise<void>;
  /** Appends one JSON line per step and per eval (`{"type":"step",...}`). */
  metricsLog?: string;
}

export interface StepMetrics {
  step: number;
  steps: number;
  epoch: number;
  /** Mean cross-entropy per completion token of this step's batch. */
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Input tokens (without padding) of this step. */
  tokens: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
}

export interface EvalMetrics extends EvalResult {
  step: number;
}

export interface TrainResult {
  stopped: "completed" | "interrupted";
  /** Optimizer steps completed (including resumed ones). */
  step: number;
  /** Training loss of every completed step, index 0 = step 1 (a resumed run includes the earlier ones). */
  losses: number[];
  evals: EvalMetrics[];
  /** The last checkpoint written, when checkpointDir was given. */
  checkpoint?: string;
  /** Input tokens per second over this call. */
  tokensPerSecond: number;
  seconds: number;
  /** Training examples cut to fit the context. */
  truncated: number;
}

function examplesOf(data: Iterable<Example>, what: string): Example[] {
  const rows = Array.from(data);
  rows.forEach((row, i) => {
    for (const field of ["prompt", "completion"] as const) {
      if (typeof row?.[field] !== "string") {
        throw new DataError(`expected a string, got ${row?.[field] === undefined ? "nothing" : typeof row[field]}.`, { file: `${what}[${i}]`, field });
      }
    }
  });
  return rows;
}

function checkOptions(o: TrainOptions): void {
  const positiveInt = (name: string, v: number | undefined, optional = true) => {
    if ((v === undefined && !optional) || (v !== undefined && (!Number.isInteger(v) || v < 1))) {
      throw new UsageError(`train option "${name}" must be a positive integer, got ${JSON.stringify(v)}.`);
    }
  };
  positiveInt("steps", o.steps, false);
  positiveInt("batchSize", o.batchSize, false);
  positiveInt("accumulate", o.accumulate);
  positiveInt("evalEvery", o.evalEvery);
  positiveInt("checkpointEvery", o.checkpointEvery);
  if (!(o.lr > 0)) throw new UsageError(`train option "lr" must be a positive number, got ${JSON.stringify(o.lr)}.`);
  if (o.tokenizer.vocabSize > o.model.config.vocabSize) {
    throw new UsageError(
      `the tokenizer has ${o.tokenizer.vocabSize} tokens but the model's vocabSize is ${o.model.config.vocabSize}; build the model with vocabSize ≥ ${o.tokenizer.vocabSize}.`,
    );
  }
}

/** Turns the tensor heap running out into advice the user can act on; other errors pass through. */
function explainStepError(error: unknown, o: TrainOptions): unknown {
  if (!isHeapExhaustion(error)) return error;
  const wrapped = new TrainingError(
    `${heapAdvice({ microBatch: o.batchSize, blockSize: o.model.config.blockSize })} (batchSize is the micro-batch, now ${o.batchSize}; accumulate is now ${o.accumulate ?? 1}).`,
  );
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  checkOptions(options);
  const o = options;
  const { model, tokenizer } = o;
  const accumulate = o.accumulate ?? 1;
  const clip = o.clip ?? 1.0;
  let seed = o.seed ?? 0;
  const schedule = { lr: o.lr, warmup: o.warmup ?? 0, steps: o.steps, minLr: o.minLr };
  const { blockSize } = model.config;
  const pad = tokenizer.special.pad;

  const rows = examplesOf(o.data, "data").map((e) => encodeExample(tokenizer, e, blockSize));
  const evalRows = o.evalData ? examplesOf(o.evalData, "evalData").map((e) => encodeExample(tokenizer, e, blockSize)) : [];
  const truncated = rows.filter((r) => r.truncated).length;

  const names = Object.keys(model.variables);
  const byTfName = new Map(names.map((n) => [model.variables[n]!.name, n]));
  const varList = names.map((n) => model.variables[n]!);
  const optimizer = new AdamW(model.variables, {
    weightDecay: o.weightDecay ?? 0.1,
    beta1: o.betas?.[0],
    beta2: o.betas?.[1],
  });
  const runOptions = { steps: o.steps, batchSize: o.batchSize, accumulate, lr: o.lr, minLr: o.minLr, warmup: schedule.warmup, weightDecay: optimizer.weightDecay, clip, betas: [optimizer.beta1, optimizer.beta2] };

  let step = 0;
  let losses: number[] = [];
  let batcher = new Batcher(rows, o.batchSize, seed);
  if (o.resumeFrom) {
    try {
      const ckpt = readCheckpoint(o.resumeFrom);
      if (!ckpt.trainer || !ckpt.optimizer) {
        throw new DataError(
          "this checkpoint has no trainer state to resume (it holds weights only); to start a new run from its weights, loadCheckpoint() it and train the model.",
          { file: ckpt.path },
        );
      }
      if (JSON.stringify(ckpt.config) !== JSON.stringify(model.config)) {
        throw new UsageError(`resumeFrom: the checkpoint's model config ${JSON.stringify(ckpt.config)} differs from the model's ${JSON.stringify(model.config)}.`);
      }
      assignWeights(model, ckpt.weights, `${ckpt.path}/model.safetensors`);
      const moments = ckpt.optimizer.tensors;
      optimizer.loadState(ckpt.trainer.step, (key, shape) => {
        const t = moments[key];
        if (!t || t.shape.join(",") !== shape.join(",")) {
          const found = t ? `has shape [${t.shape}]` : "is missing";
          throw new DataError(`the optimizer tensor "${key}" ${found}; the model needs [${shape}].`, { file: `${ckpt.path}/optimizer.safetensors` });
        }
        return t.data as Float32Array;
      });
      step = ckpt.trainer.step;
      losses = [...ckpt.trainer.losses];
      seed = ckpt.trainer.seed;
      batcher = new Batcher(rows, o.batchSize, seed, ckpt.trainer.cursor);
    } catch (error) {
      optimizer.dispose();
      throw error;
    }
  }

  const evals: EvalMetrics[] = [];
  let lastCheckpoint = o.checkpointDir ? latestCheckpoint(o.checkpointDir) : undefined;
  const started = performance.now();
  let tokensSeen = 0;
  let stopped: TrainResult["stopped"] = "completed";
  if (o.metricsLog) mkdirSync(dirname(o.metricsLog), { recursive: true });
  const log = (record: object) => {
    if (o.metricsLog) appendJsonLine(o.metricsLog, record);
  };

  /** A NaN/Inf at `atStep`: put back the last good weights, then stop with advice. */
  const fail = (atStep: number, what: string, value: number): never => {
    let restored = "No checkpoint had been written (set checkpointDir and checkpointEvery to keep one); the model's weights are no longer usable.";
    if (lastCheckpoint) {
      assignWeights(model, readCheckpoint(lastCheckpoint).weights, lastCheckpoint);
      restored = `The model was restored from the last good checkpoint, ${lastCheckpoint}; continue with resumeFrom after changing the settings.`;
    }
    throw new TrainingError(
      `training stopped at step ${atStep}: the ${what} became ${value} (learning rate ${o.lr}, warmup ${schedule.warmup}, clip ${clip}). ` +
        `Lower the learning rate or lengthen the warmup. ${restored}`,
    );
  };

  /** Saves after checking that the current weights give a finite loss on `probe`. */
  const checkpoint = async (probe: Batch | undefined): Promise<void> => {
    if (!o.checkpointDir) return;
    if (probe) {
      const loss = tf.tidy(() => model.loss(probe.inputs, probe.targets, probe.mask));
      const value = (await loss.data())[0]!;
      loss.dispose();
      if (!Number.isFinite(value)) fail(step, "loss after the update", value);
    }
    const trainer: TrainerState = { step, seed, cursor: { ...batcher.cursor }, losses, options: runOptions };
    lastCheckpoint = saveCheckpoint(o.checkpointDir, {
      model,
      tokenizer,
      trainer,
      optimizer: optimizer.stateTensors(),
      keep: o.keepCheckpoints,
    });
  };

  const evaluate = async (): Promise<void> => {
    if (evalRows.length === 0) return;
    const result = await evaluateEncoded(model, evalRows, pad, o.batchSize);
    const metrics = { step, ...result };
    evals.push(metrics);
    log({ type: "eval", ...metrics });
    await o.onEval?.(metrics);
  };

  let probe: Batch | undefined;
  try {
    while (step < o.steps) {
      if (o.signal?.aborted) {
        stopped = "interrupted";
        break;
      }
      const t0 = performance.now();
      const cursorBefore = { ...batcher.cursor };
      const batches = Array.from({ length: accumulate }, () => makeBatch(batcher.next(), pad));
      const targetTotal = batches.reduce((n, b) => n + b.targetCount, 0);
      const tokens = batches.reduce((n, b) => n + b.tokenCount, 0);
      let grads: Record<string, tf.Tensor> = {};
      let lossTensor: tf.Scalar = tf.scalar(0);
      try {
        for (const [i, batch] of batches.entries()) {
          if (i > 0) {
            // A long accumulated step listens for an interrupt between micro-batches too.
            await new Promise((resolve) => setImmediate(resolve));
            if (o.signal?.aborted) break;
          }
          // Each micro-batch's mean is weighted by its share of targets: the sum is the mean over all.
          const weight = batch.targetCount / Math.max(1, targetTotal);
          const { value, grads: g } = tf.variableGrads(() => tf.mul(model.loss(batch.inputs, batch.targets, batch.mask), weight) as tf.Scalar, varList);
          const nextLoss = tf.add(lossTensor, value) as tf.Scalar;
          tf.dispose([lossTensor, value]);
          lossTensor = nextLoss;
          for (const [tfName, grad] of Object.entries(g)) {
            const name = byTfName.get(tfName)!;
            const prev = grads[name];
            grads[name] = prev ? tf.add(prev, grad) : grad;
            if (prev) tf.dispose([prev, grad]);
          }
        }
      } catch (error) {
        tf.dispose([lossTensor, ...Object.values(grads)]);
        batches.forEach(disposeBatch);
        throw explainStepError(error, o);
      }
      if (o.signal?.aborted) {
        // Drop the half-done step: the state stays that of the last completed step.
        tf.dispose([lossTensor, ...Object.values(grads)]);
        batches.forEach(disposeBatch);
        batcher.cursor = cursorBefore;
        stopped = "interrupted";
        break;
      }
      const normTensor = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
      const [loss, gradNorm] = [(await lossTensor.data())[0]!, (await normTensor.data())[0]!];
      tf.dispose([lossTensor, normTensor]);
      if (probe) disposeBatch(probe);
      probe = batches[0]; // kept to check the updated weights before a checkpoint
      batches.slice(1).forEach(disposeBatch);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        tf.dispose(Object.values(grads));
        fail(step + 1, Number.isFinite(loss) ? "gradient norm" : "loss", Number.isFinite(loss) ? gradNorm : loss);
      }
      if (clip > 0 && gradNorm > clip) {
        const scale = clip / (gradNorm + 1e-6);
        const clipped = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.mul(g, scale)])));
        tf.dispose(Object.values(grads));
        grads = clipped;
      }
      step++;
      const lr = learningRate(step, schedule);
      optimizer.apply(grads, lr);
      tf.dispose(Object.values(grads));
      losses.push(loss);
      tokensSeen += tokens;
      const seconds = (performance.now() - t0) / 1000;
      const metrics: StepMetrics = {
        step, steps: o.steps, epoch: batcher.cursor.epoch, loss, lr, gradNorm, tokens,
        tokensPerSecond: tokens / Math.max(seconds, 1e-9),
        elapsedSeconds: (performance.now() - started) / 1000,
      };
      log({ type: "step", ...metrics });
      await o.onStep?.(metrics);
      if (o.evalEvery && step % o.evalEvery === 0) await evaluate();
      if (o.checkpointEvery && step % o.checkpointEvery === 0 && step < o.steps) await checkpoint(probe);
      // Let the kernel deliver an interrupt (and the page redraw) between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (stopped === "completed" && evalRows.length > 0 && evals.at(-1)?.step !== step) await evaluate();
    await checkpoint(probe);
  } finally {
    if (probe) disposeBatch(probe);
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    stopped, step, losses, evals, truncated,
    checkpoint: o.checkpointDir ? lastCheckpoint : undefined,
    tokensPerSecond: tokensSeen / Math.max(seconds, 1e-9),
    seconds,
  };
}
