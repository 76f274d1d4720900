/**
 * What a checkpoint must satisfy to be trusted (issue 11 item 4): weights and optimizer
 * moments finite (checked before a save is called good, and again when one is read to
 * resume), and moments that are exactly the ones the model's weights need — no tensor
 * missing, none extra, every shape the weight's. Each failure names the file and the tensor.
 */
import * as tf from "@tensorflow/tfjs";
import { DataError } from "../errors.ts";
import type { TensorData } from "../model/safetensors.ts";

/** The first variable holding a NaN or ±Infinity, or undefined. One reduction, one read. */
export function nonFiniteVariable(variables: Record<string, tf.Variable>): string | undefined {
  const names = Object.keys(variables);
  if (names.length === 0) return undefined;
  // x·0 is 0 for every finite x and NaN for NaN and ±Infinity, so each sum is 0 or NaN.
  const sums = tf.tidy(() => tf.stack(names.map((n) => tf.sum(tf.mul(variables[n]!, 0)))).dataSync());
  const at = sums.findIndex((s) => s !== 0);
  return at < 0 ? undefined : names[at];
}

/** Refuses stored tensors holding a NaN or ±Infinity: a DataError naming the file and tensor. */
export function checkFinite(tensors: Record<string, TensorData>, file: string): void {
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new DataError(`element ${i} is ${data[i]}; a checkpoint to continue from must hold finite numbers only.`, { file, field: name });
      }
    }
  }
}

/**
 * Refuses optimizer moments that do not belong to these weights: `m.<name>` and `v.<name>`
 * for every weight, with its shape, and nothing else.
 */
export function checkMoments(moments: Record<string, TensorData>, weights: Record<string, { shape: readonly number[] }>, file: string): void {
  const wanted = new Map<string, readonly number[]>();
  for (const [name, w] of Object.entries(weights)) for (const k of ["m", "v"]) wanted.set(`${k}.${name}`, w.shape);
  for (const [key, shape] of wanted) {
    const t = moments[key];
    if (!t) throw new DataError(`the moment tensor is missing; the weights need one of shape [${shape}].`, { file, field: key });
    if (t.shape.join(",") !== shape.join(",")) throw new DataError(`has shape [${t.shape}], but its weight has shape [${shape}].`, { file, field: key });
  }
  const extra = Object.keys(moments).find((key) => !wanted.has(key));
  if (extra) throw new DataError("belongs to no weight of the model; the optimizer state is from another model.", { file, field: extra });
}
