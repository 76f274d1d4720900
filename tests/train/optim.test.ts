import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { AdamW } from "../../lib/train/adamw.ts";
import { learningRate } from "../../lib/train/schedule.ts";
import { useTestBackend } from "./backend.ts";

beforeAll(async () => {
  await useTestBackend();
});

describe("learning-rate schedule", () => {
  const s = { lr: 1e-3, warmup: 10, steps: 110, minLr: 1e-4 };
  it("warms up linearly, then follows a cosine down to minLr", () => {
    expect(learningRate(1, s)).toBeCloseTo(1e-4, 12);
    expect(learningRate(5, s)).toBeCloseTo(5e-4, 12);
    expect(learningRate(10, s)).toBeCloseTo(1e-3, 12);
    expect(learningRate(60, s)).toBeCloseTo((1e-3 + 1e-4) / 2, 12); // half way through the cosine
    expect(learningRate(110, s)).toBeCloseTo(1e-4, 12);
    expect(learningRate(500, s)).toBeCloseTo(1e-4, 12);
  });
});

describe("AdamW", () => {
  it("matches the AdamW formula and decays matrices only", () => {
    const w = tf.variable(tf.tensor2d([[1, -2], [3, 4]]));
    const b = tf.variable(tf.tensor1d([0.5, -0.5]));
    const opt = new AdamW({ w, b }, { weightDecay: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8 });
    const gw = tf.tensor2d([[0.2, 0], [-0.4, 0]]);
    const gb = tf.tensor1d([0, 0.3]);
    opt.apply({ w: gw, b: gb }, 0.01);
    // Step 1: m̂ = g, v̂ = g², update = g/(|g|+eps) = sign(g); decay p·(1 − lr·wd) on w only.
    const decay = 1 - 0.01 * 0.1;
    const expectW = [1 * decay - 0.01, -2 * decay, 3 * decay + 0.01, 4 * decay];
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expectW[i]!, 6));
    Array.from(b.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.5, -0.5 - 0.01][i]!, 6));
    expect(opt.step).toBe(1);
    opt.dispose();
    tf.dispose([w, b, gw, gb]);
  });
});
