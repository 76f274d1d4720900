/**
 * The SIMD kernel module (lib/backend/simd/): the committed kernels.wasm is what its source
 * assembles to, and it runs on the wasm backend's heap. Its kernels' values and gradients are
 * checked against the unfused path in fused.test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { type WasmBackend, f32, offsetOf } from "../../lib/backend/kernels/wasm-access.ts";
import { SIMD_WASM_PATH, assembleSimdModule } from "../../lib/backend/simd/assemble.ts";
import { simdKernels } from "../../lib/backend/simd/module.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("SIMD kernel module", () => {
  it("the committed kernels.wasm is the assembled source (run `npx tsx scripts/build-simd.ts` after editing it)", async () => {
    const built = await assembleSimdModule();
    expect(Buffer.from(readFileSync(SIMD_WASM_PATH)).equals(Buffer.from(built))).toBe(true);
  });

  it("runs in place on the backend's heap: the GELU gradient of known values, including far tails and NaN", () => {
    const backend = tf.backend() as WasmBackend;
    const simd = simdKernels(backend);
    expect(simd).not.toBeNull();
    const values = [0, 1, -1, 3, -3, 30, -30, -200, 200, Number.NaN, 0.5, -0.5];
    const h = tf.tensor2d(values, [3, 4]);
    const b = tf.zeros([4]);
    const dy = tf.ones([3, 4]);
    const dh = tf.zeros([3, 4]);
    const db = tf.zeros([4]);
    const at = (t: tf.Tensor) => offsetOf(backend, t);
    simd!.gelu_bwd(at(h), at(b), at(dy), at(dh), at(db), 3, 4);
    const out = f32(backend, dh);
    const k = Math.sqrt(2 / Math.PI);
    values.forEach((u, i) => {
      // d/du of 0.5·u·(1 + tanh(k(u + 0.044715u³)))
      const t = Math.tanh(k * (u + 0.044715 * u ** 3));
      const expected = 0.5 * (1 + t) + 0.5 * u * (1 - t * t) * k * (1 + 3 * 0.044715 * u * u);
      if (Number.isNaN(u)) expect(out[i]).toBeNaN();
      else expect(Math.abs(out[i]! - expected)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected)));
    });
    tf.dispose([h, b, dy, dh, db]);
  });
});
