/**
 * Two settings of one process against each other in alternating rounds: median step wall time
 * and CPU time per side, for a bench config's training step (forward, backward, AdamW).
 *
 *   npx tsx bench/fused-ab.ts [A|B|NOTEBOOK|SMALL] [rounds] [steps per round] [fused|simd|threads|ffi|session4]
 *
 * fused: the fused native kernels off (B side) against on (A side); simd: the ONNX-graph and
 * tfjs forms of GELU, LayerNorm, cross-entropy and AdamW against the SIMD module's; threads:
 * ONNX Runtime on 2 threads against 1 (the wasm side is single-threaded either way); ffi: graphs
 * run through onnxruntime-node's binding against ONNX Runtime's C API (lib/backend/ort-ffi.ts);
 * session4: both of the last two (the session-3 kernels against today's, but for the gather fix).
 */
import { initBackend } from "../lib/backend/ladder.ts";
import { setNativeThreads } from "../lib/backend/native-matmul.ts";
import { enableOrtFfi } from "../lib/backend/ort-ffi.ts";
import { enableSimdKernels } from "../lib/backend/simd/module.ts";
import { enableFusedKernels } from "../lib/model/ops.ts";
import { configStep } from "./config-step.ts";

const name = (process.argv[2] ?? "A").toUpperCase();
const rounds = Number(process.argv[3] ?? 3);
const steps = Number(process.argv[4] ?? 3);
const toggle = process.argv[5] ?? "fused";
const settings: Record<string, { labels: [string, string]; set(on: boolean): void }> = {
  fused: { labels: ["unfused", "fused"], set: (on) => enableFusedKernels(on) },
  simd: { labels: ["graphs", "simd"], set: (on) => enableSimdKernels(on) },
  threads: { labels: ["2 threads", "1 thread"], set: (on) => setNativeThreads(on ? 1 : 2) },
  ffi: { labels: ["binding", "C API"], set: (on) => enableOrtFfi(on) },
  session4: { labels: ["session 3", "session 4"], set: (on) => (enableOrtFfi(on), enableSimdKernels(on)) },
};
const setting = settings[toggle];
if (!setting) throw new Error(`the toggle must be fused, simd, threads, ffi or session4, not "${toggle}"`);
const backend = await initBackend();
const step = configStep(name);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

/** Median wall and CPU milliseconds of `steps` steps, after one warm-up step. */
function time(on: boolean): { wall: number; cpu: number } {
  setting.set(on);
  step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    wall.push(performance.now() - t0);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const [offLabel, onLabel] = setting.labels;
const wallRatios: number[] = [];
const cpuRatios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const off = time(false);
  const on = time(true);
  wallRatios.push(off.wall / on.wall);
  cpuRatios.push(off.cpu / on.cpu);
  console.log(
    `round ${r}: ${offLabel} ${off.wall.toFixed(0)} ms (cpu ${off.cpu.toFixed(0)}), ${onLabel} ${on.wall.toFixed(0)} ms (cpu ${on.cpu.toFixed(0)}), ` +
      `speed-up ${(off.wall / on.wall).toFixed(2)}× wall, ${(off.cpu / on.cpu).toFixed(2)}× cpu`,
  );
}
console.log(`config ${name}, ${backend.threads} thread(s), ${onLabel} vs ${offLabel}: median speed-up ${median(wallRatios).toFixed(2)}× wall, ${median(cpuRatios).toFixed(2)}× cpu`);
