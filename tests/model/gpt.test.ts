/**
 * The GPT as its users meet it: parameter count, loss at initialisation, masked loss, KV-cache
 * steps equal to the full forward pass, seeds, clear errors, and no tensor leak over training
 * steps. Runs on the wasm backend the ladder picks here.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { UsageError } from "../../lib/errors.ts";
import { type GPT, createGPT, gptConfig, presets } from "../../lib/model/gpt.ts";

let model: GPT;
const tiny = presets.tiny; // V 128, T 64, 2 layers, 2 heads, d 64

beforeAll(async () => {
  await initBackend("wasm");
  model = createGPT(tiny, 7);
});
afterAll(() => model.dispose());

const ints = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");

describe("GPT", () => {
  it("counts its parameters", () => {
    // wte 128·64 + wpe 64·64 + 2 blocks × (ln 2·64 + qkv 64·192+192 + proj 64·64+64
    //   + ln 2·64 + fc 64·256+256 + proj 256·64+64) + final ln 2·64
    const byHand = 8192 + 4096 + 2 * (128 + 12480 + 4160 + 128 + 16640 + 16448) + 128;
    expect(model.paramCount()).toBe(byHand);
    expect(model.paramCount()).toBe(112384);
  });

  it("starts near the uniform-prediction loss ln(V)", () => {
    // Averaged over 4 × 64 positions: a handful of positions is too noisy for the bound.
    const row = (r: number, shift: number) => Array.from({ length: tiny.blockSize }, (_, j) => (j * 7 + r * 13 + shift) % tiny.vocabSize);
    const idx = ints([0, 1, 2, 3].map((r) => row(r, 0)));
    const loss = model.loss(idx, ints([0, 1, 2, 3].map((r) => row(r, 7))));
    expect(Math.abs(loss.dataSync()[0] - Math.log(tiny.vocabSize))).toBeLessThan(0.1);
    tf.dispose([idx, loss]);
  });

  it("counts the loss only where the mask is 1", () => {
    const idx = ints([[5, 9, 11, 3]]);
    const targets = ints([[9, 11, 3, 40]]);
    const logits = model.logits(idx);
    const row = Array.from(logits.slice([0, 2, 0], [1, 1, tiny.vocabSize]).dataSync());
    const maxLogit = Math.max(...row);
    const logSumExp = maxLogit + Math.log(row.reduce((s, v) => s + Math.exp(v - maxLogit), 0));
    const expected = logSumExp - row[3]; // position 2 predicts target 3
    const onlyPosition2 = model.loss(idx, targets, tf.tensor2d([[0, 0, 1, 0]]));
    expect(onlyPosition2.dataSync()[0]).toBeCloseTo(expected, 4);
    const nothing = model.loss(idx, targets, tf.zeros([1, 4]) as tf.Tensor2D);
    expect(nothing.dataSync()[0]).toBe(0);
    tf.dispose([idx, targets, logits, onlyPosition2, nothing]);
  });

  it("gives the same logits one token at a time through the KV cache", () => {
    const rows = [
      [3, 17, 99, 4, 4, 120, 7, 0, 64, 33, 2],
      [8, 8, 1, 127, 56, 12, 90, 45, 3, 3, 19],
    ];
    const idx = ints(rows);
    const full = model.logits(idx).arraySync() as number[][][];
    const cache = model.newCache(2);
    let worst = 0;
    const compare = (logits: tf.Tensor3D, from: number) => {
      const got = logits.arraySync() as number[][][];
      got.forEach((seq, b) => seq.forEach((pos, t) => pos.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - full[b][from + t][j]));
      })));
      logits.dispose();
    };
    // A prompt of 4 tokens in one step, then the rest one by one.
    const prompt = idx.slice([0, 0], [2, 4]) as tf.Tensor2D;
    compare(model.step(prompt, cache), 0);
    for (let t = 4; t < rows[0].length; t++) {
      const next = idx.slice([0, t], [2, 1]) as tf.Tensor2D;
      compare(model.step(next, cache), t);
      next.dispose();
    }
    expect(cache.length).toBe(rows[0].length);
    expect(worst).toBeLessThan(1e-4);
    cache.dispose();
    tf.dispose([idx, prompt]);
  });

  it("builds the same weights from the same seed, different ones from another", () => {
    const a = createGPT(tiny, 1);
    const b = createGPT(tiny, 1);
    const c = createGPT(tiny, 2);
    const w = (m: GPT) => m.variables["h.1.mlp.c_fc.weight"].dataSync();
    expect(Array.from(w(a))).toEqual(Array.from(w(b)));
    expect(Array.from(w(a))).not.toEqual(Array.from(w(c)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it("builds the same weights from seed 0 too, every tensor included", () => {
    const a = createGPT(tiny, 0);
    const b = createGPT(tiny, 0);
    for (const name of Object.keys(a.variables)) {
      expect(Array.from(a.variables[name]!.dataSync()), name).toEqual(Array.from(b.variables[name]!.dataSync()));
    }
    [a, b].forEach((m) => m.dispose());
  });

  it("explains bad configs and over-long inputs", () => {
    expect(() => createGPT({ ...tiny, nEmbd: 65 }, 0)).toThrow(UsageError);
    expect(() => createGPT({ ...tiny, nEmbd: 65 }, 0)).toThrow(/"nEmbd" \(65\) must be a multiple of "nHead" \(2\)/);
    expect(() => gptConfig("huge")).toThrow(/unknown model preset "huge"/);
    const cache = model.newCache(1);
    const tooLong = tf.zeros([1, tiny.blockSize + 1], "int32") as tf.Tensor2D;
    expect(() => model.step(tooLong, cache)).toThrow(/exceed the model's context of 64/);
    tooLong.dispose();
    cache.dispose();
  });

  it("leaks no tensors over 50 training steps, and dispose frees the model", () => {
    const before = tf.memory().numTensors;
    const m = createGPT({ ...tiny, nLayer: 1 }, 3);
    const idx = tf.randomUniform([2, 16], 0, tiny.vocabSize, "int32") as tf.Tensor2D;
    const targets = tf.randomUniform([2, 16], 0, tiny.vocabSize, "int32") as tf.Tensor2D;
    const counts: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 50; step++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => m.loss(idx, targets));
        for (const [name, g] of Object.entries(grads)) {
          const v = m.variables[name.replace(/#\d+$/, "")] ?? Object.values(m.variables).find((x) => x.name === name)!;
          v.assign(tf.sub(v, tf.mul(g, 0.5)));
        }
        losses.push(value.dataSync()[0]);
      });
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    expect(losses[49]).toBeLessThan(losses[0]);
    tf.dispose([idx, targets]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
