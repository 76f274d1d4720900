/**
 * The backend the compute tests run on: wasm (the embedded default) through the backend
 * ladder; cpu when wasm cannot start here (said on stderr). SYMTUNE_TEST_BACKEND picks another.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend/ladder.ts";

let chosen: Promise<string> | undefined;

export function useTestBackend(): Promise<string> {
  chosen ??= (async () => {
    const want = process.env.SYMTUNE_TEST_BACKEND ?? "wasm";
    try {
      await initBackend(want);
    } catch (error) {
      console.warn(`compute tests: backend ${want} unavailable (${(error as Error).message}); using cpu`);
      await tf.setBackend("cpu");
    }
    return tf.getBackend();
  })();
  return chosen;
}
