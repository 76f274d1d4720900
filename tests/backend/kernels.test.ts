/**
 * Every wasm kernel symtune registers or replaces gives the cpu backend's answer (max abs
 * error) on random shapes — including transposed, batched and broadcast matmuls and the
 * gradient of tf.gather.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { enableNativeMatmul, nativeMatmulStatus } from "../../lib/backend/native-matmul.ts";
import { gelu, layerNorm } from "../../lib/model/ops.ts";

type Compute = () => tf.Tensor | tf.Tensor[];

/** Runs `compute` on cpu then wasm with the same inputs; returns the largest difference. */
async function maxErrorVsCpu(inputs: Record<string, { shape: number[]; dtype?: "float32" | "int32"; max?: number }>, compute: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[]): Promise<number> {
  const rng = mulberry(Object.keys(inputs).length * 7919 + JSON.stringify(inputs).length);
  const data = Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const values = spec.dtype === "int32"
        ? Int32Array.from({ length: n }, () => Math.floor(rng() * (spec.max ?? 10)))
        : Float32Array.from({ length: n }, () => rng() * 2 - 1);
      return [name, { values, spec }];
    }),
  );
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const tensors = Object.fromEntries(
        Object.entries(data).map(([name, { values, spec }]) => [name, tf.tensor(values, spec.shape, spec.dtype ?? "float32")]),
      );
      const out = compute(tensors);
      return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, values: t.dataSync().slice() }));
    });
  };
  const expected = await run("cpu");
  const actual = await run("wasm");
  let worst = 0;
  expected.forEach((e, i) => {
    expect(actual[i].shape).toEqual(e.shape);
    e.values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - actual[i].values[j]))));
  });
  return worst;
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reference for broadcast batches: tfjs's cpu kernel pairs batch entries by index modulo
 * each side's batch size, which is right only when one side has a single batch entry, so the
 * reference tiles both sides to the full batch shape first.
 */
function tiledMatMul(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): tf.Tensor {
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  if (batchA.length !== batchB.length) return tf.matMul(a, b, ta, tb);
  const full = batchA.map((n, i) => Math.max(n, batchB[i]));
  const tileA = tf.tile(a, [...full.map((n, i) => n / batchA[i]), 1, 1]);
  const tileB = tf.tile(b, [...full.map((n, i) => n / batchB[i]), 1, 1]);
  return tf.matMul(tileA, tileB, ta, tb);
}

beforeAll(async () => {
  await initBackend("wasm");
});

// Products above the tiny size run on native MLAS when onnxruntime-node loads; every case is
// checked on that path and again with it turned off (XNNPACK in wasm, and the JS tiny products).
for (const native of [true, false]) {
describe(`BatchMatMul on wasm matches cpu (native matmul ${native ? "on" : "off"})`, () => {
  beforeAll(() => enableNativeMatmul(native));
  afterAll(() => enableNativeMatmul(true));

  it(native ? "uses native MLAS here" : "uses XNNPACK", () => {
    expect(nativeMatmulStatus().available).toBe(native);
  });

  const cases: [string, number[], number[], boolean, boolean][] = [
    ["plain 2-D", [37, 19], [19, 23], false, false],
    ["transposed A", [19, 37], [19, 23], true, false],
    ["transposed B", [37, 19], [23, 19], false, true],
    ["both transposed", [19, 37], [23, 19], true, true],
    ["dW-like tall transposed A", [300, 64], [300, 16], true, false],
    ["batched", [3, 5, 17, 9], [3, 5, 9, 11], false, false],
    ["batched, transposed B (attention scores)", [2, 3, 16, 8], [2, 3, 16, 8], false, true],
    ["batched, transposed A", [4, 8, 13], [4, 8, 6], true, false],
    ["batch broadcast against a shared matrix", [4, 7, 12], [12, 5], false, false],
    ["shared matrix on the left", [7, 12], [4, 12, 5], false, false],
    ["broadcast batch axes", [2, 1, 6, 5], [1, 3, 5, 4], false, false],
    ["broadcast, both transposed", [3, 1, 5, 6], [1, 2, 4, 5], true, true],
    ["batched matrix-vector (KV-cache decoding)", [2, 4, 1, 16], [2, 4, 40, 16], false, true],
    ["batched, above the small-product size", [3, 40, 30], [3, 30, 50], false, false],
  ];
  for (const [name, aShape, bShape, ta, tb] of cases) {
    it(name, async () => {
      const err = await maxErrorVsCpu({ a: { shape: aShape }, b: { shape: bShape } }, ({ a, b }) =>
        tf.getBackend() === "cpu" ? tiledMatMul(a, b, ta, tb) : tf.matMul(a, b, ta, tb),
      );
      expect(err).toBeLessThan(1e-4);
    });
  }

  it("gradients of a batched, transposed product", async () => {
    const err = await maxErrorVsCpu({ a: { shape: [2, 9, 6] }, b: { shape: [2, 7, 6] } }, ({ a, b }) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, true))))([a, b]),
    );
    expect(err).toBeLessThan(1e-4);
  });
});
}

describe("UnsortedSegmentSum on wasm matches cpu", () => {
  it("sums rows into segments, dropping out-of-range ids", async () => {
    const err = await maxErrorVsCpu({ x: { shape: [50, 6] }, ids: { shape: [50], dtype: "int32", max: 12 } }, ({ x, ids }) =>
      tf.unsortedSegmentSum(x, tf.sub(ids, tf.scalar(1, "int32")) as tf.Tensor1D, 10),
    );
    expect(err).toBeLessThan(1e-5);
  });

  it("is the gradient of tf.gather (embedding lookup)", async () => {
    const err = await maxErrorVsCpu(
      { table: { shape: [20, 8] }, idx: { shape: [3, 11], dtype: "int32", max: 20 }, w: { shape: [3, 11, 8] } },
      ({ table, idx, w }) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))(table),
    );
    expect(err).toBeLessThan(1e-5);
  });
});

describe("GatherV2 on wasm matches cpu", () => {
  it("gathers rows of float and int tables by a 2-D index, and other axes through tfjs's kernel", async () => {
    const err = await maxErrorVsCpu(
      { table: { shape: [20, 3, 4] }, idx: { shape: [3, 11], dtype: "int32", max: 20 }, cols: { shape: [4], dtype: "int32", max: 4 } },
      ({ table, idx, cols }) => tf.concat([tf.reshape(tf.gather(table, idx), [-1]), tf.reshape(tf.gather(table, cols, 2), [-1]), tf.reshape(tf.cast(tf.gather(tf.cast(table, "int32"), idx), "float32"), [-1])]),
    );
    expect(err).toBeLessThan(1e-6);
  });

  it("refuses an index outside the table, naming it", () => {
    const table = tf.ones([4, 2]);
    const idx = tf.tensor1d([0, 4], "int32");
    expect(() => tf.gather(table, idx)).toThrow(/index value 4 is not in \[0, 3\]/);
    tf.dispose([table, idx]);
  });
});

describe("layout kernels on wasm match cpu", () => {
  const perms: [number[], number[]][] = [
    [[5, 7], [1, 0]],
    [[3, 4, 5], [0, 2, 1]],
    [[3, 4, 5], [2, 0, 1]],
    [[2, 5, 3, 4], [0, 2, 1, 3]],
    [[2, 1, 3, 4], [3, 1, 0, 2]],
    [[70, 45], [1, 0]],
    [[2, 1, 2, 32], [0, 2, 1, 3]],
    [[3, 1, 4, 1, 5], [4, 1, 0, 3, 2]],
  ];
  for (const [shape, perm] of perms) {
    it(`transpose [${shape}] by [${perm}]`, async () => {
      const err = await maxErrorVsCpu({ x: { shape } }, ({ x }) => tf.transpose(x, perm));
      expect(err).toBe(0);
    });
  }

  it("concatenates along every axis (the gradient of split) and int32", async () => {
    const err = await maxErrorVsCpu({ a: { shape: [4, 3, 5] }, b: { shape: [4, 2, 5] }, c: { shape: [4, 3, 7] }, i: { shape: [2, 3], dtype: "int32" } }, ({ a, b, c, i }) => [
      tf.concat([a, b], 1),
      tf.concat([a, c, a], 2),
      tf.concat([a, a], 0),
      tf.concat([i, i, i], 1),
    ]);
    expect(err).toBe(0);
  });

  it("transposes int32 tensors", async () => {
    const err = await maxErrorVsCpu({ x: { shape: [4, 6, 3], dtype: "int32", max: 1000 } }, ({ x }) => tf.transpose(x, [2, 0, 1]));
    expect(err).toBe(0);
  });

  it("slices strided windows and splits the fused q|k|v", async () => {
    const err = await maxErrorVsCpu({ x: { shape: [6, 5, 12] } }, ({ x }) => [
      tf.slice(x, [1, 2, 3], [4, 2, 5]),
      tf.slice(x, [0, 1, 0], [-1, 3, -1]),
      tf.slice(x, [2, 0, 0], [3, -1, -1]),
      ...tf.split(x, 3, 2),
      ...tf.split(x, [2, 3], 1),
    ]);
    expect(err).toBe(0);
  });
});

describe("Sum and Identity on wasm match cpu", () => {
  const cases: [number[], number | number[], boolean][] = [
    [[64, 24], 0, false],
    [[64, 24], 1, false],
    [[4, 16, 24], [0, 1], false],
    [[4, 16, 24], [0, 2], true],
    [[4, 16, 24], 1, true],
    [[5, 3, 7, 2], [1, 3], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    it(`sum over [${shape}] axis ${JSON.stringify(axis)}${keepDims ? " keepDims" : ""}`, async () => {
      const err = await maxErrorVsCpu({ x: { shape } }, ({ x }) => tf.sum(x, axis, keepDims));
      expect(err).toBeLessThan(1e-4);
    });
  }

  it("bias gradients (sums over the leading axis) and clones", async () => {
    const err = await maxErrorVsCpu({ x: { shape: [33, 10] }, b: { shape: [10] } }, ({ x, b }) => [
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.add(x, v))))(b),
      tf.clone(x),
    ]);
    expect(err).toBeLessThan(1e-4);
  });
});

describe("LayerNorm on wasm (one kernel) matches tfjs ops on cpu", () => {
  it("in value and in the gradients of x, gain and bias", async () => {
    const err = await maxErrorVsCpu({ x: { shape: [37, 24] }, g: { shape: [24] }, b: { shape: [24] }, w: { shape: [37, 24] } }, ({ x, g, b, w }) => [
      layerNorm(tf.mul(x, 3) as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
      ...tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(layerNorm(xx as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D), w)),
      )([x, g, b]),
    ]);
    expect(err).toBeLessThan(1e-4);
  });
});

describe("GELU on wasm (one kernel, inference on small tensors) matches tfjs ops on cpu", () => {
  it("over a wide range of inputs", async () => {
    const err = await maxErrorVsCpu({ x: { shape: [4, 300] } }, ({ x }) => gelu(tf.mul(x, 6)));
    expect(err).toBeLessThan(1e-5);
  });
});
