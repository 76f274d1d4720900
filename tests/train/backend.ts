/**
 * The backend the compute tests run on: the embedded default (wasm) through the backend
 * ladder when it is present, else tfjs's wasm with our kernel fills, else cpu.
 * SYMTUNE_TEST_BACKEND=cpu forces cpu.
 */
import * as tf from "@tensorflow/tfjs";

let chosen: Promise<string> | undefined;

async function tryLadder(): Promise<boolean> {
  // A URL held in a variable: the ladder's module may not exist yet in a partial checkout.
  const ladder = new URL("../../lib/backend/index.ts", import.meta.url).href;
  try {
    const { initBackend } = (await import(ladder)) as { initBackend: (preferred?: string) => Promise<unknown> };
    await initBackend("wasm");
    return tf.getBackend() === "wasm";
  } catch {
    return false;
  }
}

async function tryPlainWasm(): Promise<boolean> {
  try {
    await import("@tensorflow/tfjs-backend-wasm");
    const { registerWasmKernels } = await import("../../lib/backend/kernels/index.ts");
    registerWasmKernels();
    return await tf.setBackend("wasm");
  } catch {
    return false;
  }
}

export function useTestBackend(): Promise<string> {
  chosen ??= (async () => {
    if (process.env.SYMTUNE_TEST_BACKEND !== "cpu" && ((await tryLadder()) || (await tryPlainWasm()))) return tf.getBackend();
    await tf.setBackend("cpu");
    return tf.getBackend();
  })();
  return chosen;
}
