/**
 * One optimizer step's gradients: the step's micro-batches forward and backward, their
 * gradients summed with each micro-batch's mean loss weighted by its share of the step's
 * targets (so the sum is the mean over all of them), then the global norm and clipping.
 * The caller applies the update; nothing here touches the optimizer.
 */
import * as tf from "@tensorflow/tfjs";
import type { GPT } from "../model/gpt.ts";
import type { Batch } from "../prompts/batch.ts";

export interface StepGradients {
  /** Gradients by model variable name, clipped; the caller disposes them. */
  grads: Record<string, tf.Tensor>;
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/** Yields to the event loop, so an interrupt (and a page redraw) gets through. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface TapeState {
  activeTape: { saved?: tf.Tensor[] }[] | null;
  gradientDepth: number;
}

/**
 * tfjs keeps the tensors its tape saved for the backward pass until the backward pass ends;
 * when the forward or backward pass throws (the heap ran out), engine.gradients never frees
 * them and the next step starts a new tape: they stay alive for good (gigabytes, in the step
 * that ran out). Frees them, once no gradient computation is open.
 */
function dropAbandonedTape(): void {
  const state = (tf.engine() as unknown as { state: TapeState }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

/**
 * Gradients of one step over `batches` (the batches stay the caller's). Returns
 * "interrupted" when `signal` aborts between micro-batches, with nothing left allocated; an
 * error (the heap running out) disposes what was made and is rethrown.
 */
export async function stepGradients(model: GPT, batches: readonly Batch[], clip: number, signal?: AbortSignal): Promise<StepGradients | "interrupted"> {
  const names = Object.keys(model.variables);
  const byTfName = new Map(names.map((n) => [model.variables[n]!.name, n]));
  const varList = names.map((n) => model.variables[n]!);
  const targetTotal = batches.reduce((n, b) => n + b.targetCount, 0);
  let grads: Record<string, tf.Tensor> = {};
  let lossTensor: tf.Scalar = tf.scalar(0);
  const drop = () => tf.dispose([lossTensor, ...Object.values(grads)]);
  try {
    for (const [i, batch] of batches.entries()) {
      if (i > 0) {
        // A long accumulated step listens for an interrupt between micro-batches too.
        await yieldToEventLoop();
        if (signal?.aborted) break;
      }
      const weight = batch.targetCount / Math.max(1, targetTotal);
      const { value, grads: g } = tf.variableGrads(() => tf.mul(model.loss(batch.inputs, batch.targets, batch.mask, batch.segments), weight) as tf.Scalar, varList);
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
    drop();
    dropAbandonedTape();
    throw error;
  }
  if (signal?.aborted) {
    drop();
    return "interrupted";
  }
  const normTensor = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const [loss, gradNorm] = [(await lossTensor.data())[0]!, (await normTensor.data())[0]!];
  tf.dispose([lossTensor, normTensor]);
  if (clip > 0 && gradNorm > clip && Number.isFinite(gradNorm)) {
    const scale = clip / (gradNorm + 1e-6);
    const clipped = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.mul(g, scale)])));
    tf.dispose(Object.values(grads));
    grads = clipped;
  }
  return { grads, loss, gradNorm };
}
