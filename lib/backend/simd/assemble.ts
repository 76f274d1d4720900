/**
 * The module text → binary step, shared by scripts/build-simd.ts and the test that checks the
 * committed kernels.wasm is what the source gives. Needs the `wabt` dev dependency; nothing at
 * run time imports this file.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { simdModuleText } from "./source.ts";

export const SIMD_WASM_PATH = fileURLToPath(new URL("./kernels.wasm", import.meta.url));

interface Wabt {
  parseWat(name: string, text: string, features: Record<string, boolean>): {
    validate(): void;
    toBinary(o: object): { buffer: Uint8Array };
    destroy(): void;
  };
}

export async function assembleSimdModule(): Promise<Uint8Array> {
  const wabt = await (createRequire(import.meta.url)("wabt") as () => Promise<Wabt>)();
  const module = wabt.parseWat("kernels.wat", simdModuleText(), { simd: true, bulk_memory: true, sat_float_to_int: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
