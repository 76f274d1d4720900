/**
 * A model used on tfjs's own wasm backend before initBackend (e.g. plain `tf.setBackend`)
 * still trains — the kernel fills come with the model — and a later initBackend keeps that
 * backend instead of dropping the tensors on it.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { createGPT, presets } from "../../lib/model/gpt.ts";

it("trains on tfjs's own wasm backend and keeps it on initBackend", async () => {
  await tf.setBackend("wasm");
  const model = createGPT({ ...presets.tiny, nLayer: 1 }, 0);
  const idx = tf.tensor2d([[1, 2, 3, 4]], undefined, "int32");
  const { value, grads } = tf.variableGrads(() => model.loss(idx, idx));
  expect(Number.isFinite(value.dataSync()[0])).toBe(true);
  expect(Object.keys(grads)).toHaveLength(Object.keys(model.variables).length);
  const info = await initBackend();
  expect(info.name).toBe("wasm");
  expect(info.note).toMatch(/started before initBackend/);
  expect(model.variables["wte.weight"].dataSync().length).toBe(128 * 64); // still readable
  tf.dispose([value, ...Object.values(grads), idx]);
  model.dispose();
});
