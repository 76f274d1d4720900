import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { countParams } from "../../lib/model/config.ts";
import { createGPT } from "../../lib/model/gpt.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

const config = { vocabSize: 30, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 8, smearKeys: true };

describe("smeared keys", () => {
  it("add one gate per head and layer, and leave every other weight of the seed as it was", () => {
    const plain = createGPT({ ...config, smearKeys: undefined }, 4);
    const smeared = createGPT(config, 4);
    expect(smeared.paramCount()).toBe(plain.paramCount() + 4);
    expect(countParams(config)).toBe(smeared.paramCount());
    for (const [name, v] of Object.entries(plain.variables)) expect(smeared.variables[name]!.dataSync()).toEqual(v.dataSync());
    plain.dispose();
    smeared.dispose();
  });

  it("change the logits, and cached generation matches the whole-sequence logits", () => {
    const m = createGPT(config, 5);
    const plain = createGPT({ ...config, smearKeys: undefined }, 5);
    tf.tidy(() => {
      m.variables["h.0.attn.smear"]!.assign(tf.tensor1d([2, -3]));
      m.variables["h.1.attn.smear"]!.assign(tf.tensor1d([-1, 0.5]));
    });
    const ids = [1, 5, 7, 9, 11, 5, 7, 2, 3];
    const full = m.logits(tf.tensor2d([ids], [1, ids.length], "int32")).arraySync()[0]!;
    const other = plain.logits(tf.tensor2d([ids], [1, ids.length], "int32")).arraySync()[0]!;
    const diff = Math.max(...full.flatMap((row, t) => row.map((v, j) => Math.abs(v - other[t]![j]!))));
    expect(diff).toBeGreaterThan(1e-6); // small init weights: a small but real change
    const cache = m.newCache(1);
    const got = [...m.step(tf.tensor2d([ids.slice(0, 5)], [1, 5], "int32"), cache).arraySync()[0]!];
    for (const id of ids.slice(5)) got.push(m.step(tf.tensor2d([[id]], [1, 1], "int32"), cache).arraySync()[0]![0]!);
    got.forEach((row, t) => row.forEach((v, j) => expect(v).toBeCloseTo(full[t]![j]!, 5)));
    cache.dispose();
    m.dispose();
    plain.dispose();
  });

  it("do not let a packed example read its neighbour's last key", () => {
    const m = createGPT(config, 6);
    tf.tidy(() => m.variables["h.0.attn.smear"]!.assign(tf.tensor1d([-2, -2])));
    const a = [1, 5, 7], b = [1, 9, 4, 8];
    const alone = m.logits(tf.tensor2d([b], [1, 4], "int32")).arraySync()[0]!;
    const packed = m.logits(tf.tensor2d([[...a, ...b]], [1, 7], "int32"), tf.tensor2d([[0, 0, 0, 1, 1, 1, 1]], [1, 7], "int32")).arraySync()[0]!;
    alone.forEach((row, t) => row.forEach((v, j) => expect(packed[3 + t]![j]!).toBeCloseTo(v, 5)));
    m.dispose();
  });
});
