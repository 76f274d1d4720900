/**
 * One forward + backward pass (no optimizer) of a bench config on fixed random tokens: the step
 * the profiling scripts time and profile.
 */
import * as tf from "@tensorflow/tfjs";
import { createGPT } from "../lib/model/gpt.ts";
import { BENCH_CONFIGS } from "./bench.ts";

/** The config named on the command line (A, B, NOTEBOOK, SMALL) and a function running its step. */
export function configStep(name: string): () => number {
  const { model: config, batch } = BENCH_CONFIGS[name]!;
  const model = createGPT(config, 0);
  const idx = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 1) as tf.Tensor2D;
  const targets = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 2) as tf.Tensor2D;
  return () => tf.tidy(() => tf.variableGrads(() => model.loss(idx, targets)).value.dataSync()[0]!);
}
