/**
 * The fused native kernels (attention, bias+GELU, LayerNorm, linear; lib/backend/kernels/fused.ts) against the
 * unfused tfjs path they replace, on random shapes: values and every gradient, max error
 * asserted (absolute below magnitude 1, relative above: a sum of thousands of terms may differ in
 * its last bit when the terms are added in another order). Then the whole GPT: loss and gradients with the fused kernels on and off.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { fusedKernelsAvailable } from "../../lib/backend/kernels/fused.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { AdamW } from "../../lib/train/adamw.ts";
import { biasGelu, crossEntropy, enableFusedKernels, layerNorm, linear, selfAttention } from "../../lib/model/ops.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

/** Runs `f` with the fused kernels on and then off; returns the largest difference of all outputs (relative above 1). */
function fusedVsUnfused(f: () => tf.Tensor[]): number {
  const run = (on: boolean) => {
    enableFusedKernels(on);
    try {
      return tf.tidy(() => f().map((t) => t.dataSync().slice()));
    } finally {
      enableFusedKernels(true);
    }
  };
  const fused = run(true);
  const plain = run(false);
  let worst = 0;
  fused.forEach((values, i) => {
    expect(values.length).toBe(plain[i].length);
    values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - plain[i][j]) / Math.max(1, Math.abs(plain[i][j])))));
  });
  return worst;
}

const causal = (T: number) =>
  tf.tidy(() => tf.reshape(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9), [1, 1, T, T]) as tf.Tensor4D);

describe("fused kernels", () => {
  it("run here (wasm with native ONNX Runtime)", () => {
    expect(fusedKernelsAvailable()).toBe(true);
  });

  for (const [B, T, H, D] of [[2, 7, 3, 4], [3, 16, 2, 8], [1, 33, 4, 5]]) {
    it(`attention forward and gradient equal the unfused path (B ${B}, T ${T}, H ${H}, D ${D})`, () => {
      const qkv = tf.randomNormal([B, T, 3 * H * D], 0, 1, "float32", B * 100 + T);
      const dy = tf.randomNormal([B, T, H * D], 0, 1, "float32", T);
      const mask = causal(T);
      const error = fusedVsUnfused(() => {
        const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => tf.sum(tf.mul(selfAttention(x as tf.Tensor3D, mask, H), dy)))([qkv]);
        return [selfAttention(qkv as tf.Tensor3D, mask, H), value, ...grads];
      });
      expect(error).toBeLessThan(1e-4);
      tf.dispose([qkv, dy, mask]);
    });
  }

  it("attention with a per-row mask (B, 1, T, T) equals the unfused path", () => {
    const [B, T, H, D] = [2, 9, 2, 4];
    const qkv = tf.randomNormal([B, T, 3 * H * D], 0, 1, "float32", 7);
    // Row 0: one causal example; row 1: two examples (0–3, 4–8), each causal.
    const m = new Float32Array(B * T * T).fill(-1e9);
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) m[i * T + j] = 0;
    for (let i = 0; i < T; i++) for (let j = i < 4 ? 0 : 4; j <= i; j++) m[T * T + i * T + j] = 0;
    const mask = tf.tensor4d(m, [B, 1, T, T]);
    const error = fusedVsUnfused(() => tf.grads((x: tf.Tensor) => tf.sum(tf.square(selfAttention(x as tf.Tensor3D, mask, H))))([qkv]));
    expect(error).toBeLessThan(1e-4);
    tf.dispose([qkv, mask]);
  });

  for (const [N, F] of [[5, 12], [64, 130]]) {
    it(`bias + GELU forward and gradients equal the unfused path (${N} × ${F})`, () => {
      const h = tf.randomNormal([N, F], 0, 2, "float32", N);
      const b = tf.randomNormal([F], 0, 1, "float32", F);
      const dy = tf.randomNormal([N, F], 0, 1, "float32", 3);
      const error = fusedVsUnfused(() => {
        const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(biasGelu(x as tf.Tensor2D, y as tf.Tensor1D), dy)))([h, b]);
        return [biasGelu(h as tf.Tensor2D, b as tf.Tensor1D), ...grads];
      });
      expect(error).toBeLessThan(1e-4);
      tf.dispose([h, b, dy]);
    });
  }

  for (const [N, C] of [[6, 10], [50, 96]]) {
    it(`LayerNorm forward and gradients equal the unfused path (${N} × ${C})`, () => {
      const x = tf.randomNormal([N, C], 1, 3, "float32", N);
      const g = tf.randomNormal([C], 1, 0.5, "float32", C);
      const b = tf.randomNormal([C], 0, 1, "float32", 2);
      const dy = tf.randomNormal([N, C], 0, 1, "float32", 4);
      const error = fusedVsUnfused(() => {
        const ln = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => layerNorm(xx as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D);
        // The value inside the gradient computation: outside one, both paths use the same inference kernel.
        const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.square(ln(xx, gg, bb)), dy)))([x, g, b]);
        return [value, ...grads];
      });
      expect(error).toBeLessThan(1e-4);
      tf.dispose([x, g, b, dy]);
    });
  }

  for (const [N, I, O] of [[7, 5, 3], [64, 48, 130]]) {
    it(`linear (bias in the product) and its three gradients equal the unfused path (${N} × ${I} → ${O})`, () => {
      const x = tf.randomNormal([N, I], 0, 1, "float32", N);
      const w = tf.randomNormal([I, O], 0, 1, "float32", I);
      const b = tf.randomNormal([O], 0, 1, "float32", O);
      const dy = tf.randomNormal([N, O], 0, 1, "float32", 8);
      const error = fusedVsUnfused(() => {
        const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(linear(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), dy));
        const { value, grads } = tf.valueAndGrads(f)([x, w, b]);
        return [value, ...grads];
      });
      expect(error).toBeLessThan(1e-4);
      tf.dispose([x, w, b, dy]);
    });
  }

  // V 5 and 67: the SIMD loop's overlapping last vector; 260: the notebooks' byte vocabulary.
  for (const [N, V] of [[7, 5], [33, 67], [48, 260]]) {
    it(`softmax cross-entropy (one kernel) and its gradient equal the unfused path (${N} × ${V}, with and without a mask)`, () => {
      const logits = tf.randomNormal([N, V], 0, 3, "float32", N + V);
      // One target outside the vocabulary: it adds nothing to the loss either way.
      const targets = tf.tensor1d([-1, ...Array.from({ length: N - 1 }, (_, i) => (i * 7 + 3) % V)], "int32");
      const mask = tf.tensor1d(Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1)), "float32");
      for (const m of [undefined, mask]) {
        const error = fusedVsUnfused(() => {
          const { value, grads } = tf.valueAndGrads((l: tf.Tensor) => tf.mul(crossEntropy(l as tf.Tensor2D, targets, m), 0.7))([logits]);
          return [value, ...grads];
        });
        expect(error).toBeLessThan(1e-5);
      }
      tf.dispose([logits, targets, mask]);
    });
  }

  it("a GPT's loss and every gradient are the same with the fused kernels on and off", () => {
    const model = createGPT({ vocabSize: 50, blockSize: 24, nLayer: 2, nHead: 2, nEmbd: 16 }, 3);
    const idx = tf.randomUniform([3, 24], 0, 50, "int32", 5) as tf.Tensor2D;
    const targets = tf.randomUniform([3, 24], 0, 50, "int32", 6) as tf.Tensor2D;
    const error = fusedVsUnfused(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(idx, targets), Object.values(model.variables));
      return [value, ...Object.values(grads)];
    });
    expect(error).toBeLessThan(1e-5);
    tf.dispose([idx, targets]);
    model.dispose();
  });

  it("AdamW's one-kernel update on wasm equals its tfjs-ops update on cpu over 3 steps", async () => {
    // 35 and 5 floats: the SIMD loop with an overlapping last vector; 3: the JavaScript loop.
    const shapes: Record<string, number[]> = { w: [7, 5], b: [5], s: [3] };
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const params = Object.fromEntries(
        Object.entries(shapes).map(([n, s], i) => [n, tf.variable(tf.randomNormal(s, 0, 1, "float32", 10 + i), true, `adamw-${backend}-${n}`)]),
      );
      const opt = new AdamW(params, { weightDecay: 0.1 });
      for (let step = 0; step < 3; step++) {
        const grads = Object.fromEntries(Object.entries(shapes).map(([n, s], i) => [n, tf.randomNormal(s, 0, 1, "float32", 100 * step + i + 1)]));
        opt.apply(grads, 0.01);
        tf.dispose(Object.values(grads));
      }
      const out = [...Object.values(params), ...Object.values(opt.stateTensors())].map((t) => t.dataSync().slice());
      tf.dispose([...Object.values(params), ...Object.values(opt.stateTensors())]);
      return out;
    };
    const expected = await run("cpu");
    const actual = await run("wasm");
    let worst = 0;
    expected.forEach((e, i) => e.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - actual[i]![j]!)))));
    expect(worst).toBeLessThan(1e-6);
    expect(expected[0]![0]).not.toBe(0);
  });
});
