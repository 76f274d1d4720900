/**
 * One training step of a bench config (forward + backward) under tf.profile: the top kernels
 * by wall time and their share of the step (customGrad wrappers, "unnamed scope", include the
 * kernels inside them). SYMTUNE_FUSED=0 shows the unfused path.
 *
 *   npx tsx bench/step-profile.ts [A|B|NOTEBOOK|SMALL]
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/ladder.ts";
import { configStep } from "./config-step.ts";

const name = (process.argv[2] ?? "A").toUpperCase();
const backend = await initBackend();
const step = configStep(name);
step();
step();
const t0 = performance.now();
step();
const wall = performance.now() - t0;
const info = await tf.profile(() => void step());
const byKernel = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, n: 0 };
  entry.ms += k.kernelTimeMs as number;
  entry.n++;
  byKernel.set(k.name, entry);
}
console.log(`config ${name}, ${backend.name} (${backend.threads} thread(s)): step ${wall.toFixed(0)} ms wall, ${info.kernels.length} kernels`);
for (const [kernel, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${kernel.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms ${((100 * e.ms) / wall).toFixed(1).padStart(5)}%  ×${e.n}`);
}
