/**
 * Packing: examples sharing a row (segment ids → block-diagonal causal mask, positions
 * restarting at 0) give each example the loss and gradients it gets alone, with the fused
 * native kernels and without them.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGPT } from "../../lib/model/gpt.ts";
import { enableFusedKernels } from "../../lib/model/ops.ts";
import { packedLayout } from "../../lib/model/packing.ts";
import { disposeBatch, makeBatch } from "../../lib/prompts/batch.ts";
import { useTestBackend } from "../train/backend.ts";

beforeAll(async () => {
  await useTestBackend();
});
afterAll(() => enableFusedKernels(true));

const config = { vocabSize: 40, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16 };
// Three examples (token ids, next-token targets): lengths 5, 7 and 9.
const examples = [5, 7, 9].map((n, e) => ({
  idx: Array.from({ length: n }, (_, i) => (e * 11 + i * 7 + 1) % 40),
  targets: Array.from({ length: n }, (_, i) => (e * 5 + i * 3 + 2) % 40),
}));
// Row 0 packs examples 0 and 1 (12 positions); row 1 holds example 2 and 3 pad positions (segment 9).
const T = 12;
const row = (parts: number[], field: "idx" | "targets") => {
  const out = parts.flatMap((e) => examples[e][field]);
  return [...out, ...new Array(T - out.length).fill(0)];
};
const segmentsOf = [[...new Array(5).fill(0), ...new Array(7).fill(1)], [...new Array(9).fill(2), 9, 9, 9]];
const where = (e: number) => segmentsOf.map((r) => r.map((s) => (s === e ? 1 : 0)));

describe("packing", () => {
  it("restarts positions and blocks attention across examples", () => {
    const layout = packedLayout(tf.tensor2d(segmentsOf, [2, T], "int32"));
    expect(Array.from(layout.positions.dataSync().slice(0, T))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6]);
    const mask = layout.mask.arraySync()[0][0];
    expect(mask[6].map((v) => (v === 0 ? 1 : 0))).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]); // position 6 = example 1's second token
    tf.dispose([layout.mask, layout.positions]);
  });

  for (const fused of [true, false]) {
    it(`gives every example its own loss and gradients (fused kernels ${fused ? "on" : "off"})`, () => {
      enableFusedKernels(fused);
      const model = createGPT(config, 1);
      const vars = Object.values(model.variables);
      const idx = tf.tensor2d([row([0, 1], "idx"), row([2], "idx")], [2, T], "int32");
      const targets = tf.tensor2d([row([0, 1], "targets"), row([2], "targets")], [2, T], "int32");
      const segments = tf.tensor2d(segmentsOf, [2, T], "int32");
      for (let e = 0; e < examples.length; e++) {
        const packed = tf.variableGrads(() => model.loss(idx, targets, tf.tensor2d(where(e), [2, T], "int32"), segments), vars);
        const n = examples[e].idx.length;
        const alone = tf.variableGrads(
          () => model.loss(tf.tensor2d([examples[e].idx], [1, n], "int32"), tf.tensor2d([examples[e].targets], [1, n], "int32")),
          vars,
        );
        expect(packed.value.dataSync()[0]).toBeCloseTo(alone.value.dataSync()[0], 5);
        let worst = 0;
        for (const [name, g] of Object.entries(alone.grads)) {
          const a = g.dataSync();
          const p = packed.grads[name].dataSync();
          a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - p[i]))));
        }
        expect(worst).toBeLessThan(1e-5);
        tf.dispose([packed.value, alone.value, ...Object.values(packed.grads), ...Object.values(alone.grads)]);
      }
      tf.dispose([idx, targets, segments]);
      model.dispose();
    });
  }

  it("makeBatch packs short examples into fewer rows with the padded batch's loss and gradients", () => {
    const model = createGPT(config, 2);
    const vars = Object.values(model.variables);
    // Lengths (inputs) 12, 5, 6, 3, 9: packed into rows of 12 → [12], [9, 3], [6, 5].
    const rows = [13, 6, 7, 4, 10].map((n, e) => ({
      ids: Array.from({ length: n }, (_, i) => (e * 13 + i * 5 + 3) % 40),
      completionStart: Math.min(2, n - 1),
      truncated: false,
    }));
    const padded = makeBatch(rows, 0);
    const packed = makeBatch(rows, 0, { pack: true });
    expect(padded.inputs.shape).toEqual([5, 12]);
    expect(packed.inputs.shape).toEqual([3, 12]);
    expect(packed.segments!.arraySync()[1]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect([packed.tokenCount, packed.targetCount]).toEqual([padded.tokenCount, padded.targetCount]);
    const a = tf.variableGrads(() => model.loss(padded.inputs, padded.targets, padded.mask), vars);
    const b = tf.variableGrads(() => model.loss(packed.inputs, packed.targets, packed.mask, packed.segments), vars);
    expect(b.value.dataSync()[0]).toBeCloseTo(a.value.dataSync()[0], 5);
    let worst = 0;
    for (const [name, g] of Object.entries(a.grads)) {
      const p = b.grads[name].dataSync();
      g.dataSync().forEach((v, i) => (worst = Math.max(worst, Math.abs(v - p[i]))));
    }
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    disposeBatch(padded);
    disposeBatch(packed);
    model.dispose();
  });

  it("says which shape is wrong when segments do not match the inputs", () => {
    const model = createGPT(config, 1);
    const idx = tf.zeros([2, 4], "int32") as tf.Tensor2D;
    expect(() => model.logits(idx, tf.zeros([2, 5], "int32") as tf.Tensor2D)).toThrow("segments have shape [2,5] but inputs have [2,4]; they must match");
    model.dispose();
  });
});
