/**
 * Assembles lib/backend/simd/source.ts's module text into lib/backend/simd/kernels.wasm with
 * wabt (a pinned dev dependency). Run after changing the source; tests/backend/simd.test.ts
 * fails while the committed binary and the source disagree.
 *
 *   npx tsx scripts/build-simd.ts
 */
import { writeFileSync } from "node:fs";
import { assembleSimdModule, SIMD_WASM_PATH } from "../lib/backend/simd/assemble.ts";

writeFileSync(SIMD_WASM_PATH, await assembleSimdModule());
console.log(`wrote ${SIMD_WASM_PATH}`);
