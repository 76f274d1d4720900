/**
 * One training step of a bench config on fixed random tokens — forward, backward and the AdamW
 * update, as bench.ts times it — for the profiling and A/B scripts.
 */
import * as tf from "@tensorflow/tfjs";
import { createGPT } from "../lib/model/gpt.ts";
import { AdamW } from "../lib/train/adamw.ts";
import { BENCH_CONFIGS } from "./bench.ts";

/** The config named on the command line (A, B, NOTEBOOK, SMALL) and a function running its step. */
export function configStep(name: string): () => number {
  const { model: config, batch } = BENCH_CONFIGS[name]!;
  const model = createGPT(config, 0);
  const optimizer = new AdamW(model.variables, { weightDecay: 0.1 });
  const keyOf = new Map(Object.entries(model.variables).map(([key, v]) => [v.name, key]));
  const idx = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 1) as tf.Tensor2D;
  const targets = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 2) as tf.Tensor2D;
  return () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(idx, targets), Object.values(model.variables));
      optimizer.apply(Object.fromEntries(Object.entries(grads).map(([name, g]) => [keyOf.get(name)!, g])), 1e-3);
      return value.dataSync()[0]!;
    });
}
