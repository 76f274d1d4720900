/**
 * Where one training step's CPU time goes, per kernel: a bench config's step (forward, backward,
 * AdamW; bench/config-step.ts) with every wasm kernel wrapped to add up its process CPU time.
 * CPU time, not wall time, so a loaded machine changes the figures less; "outside kernels" is
 * tfjs's bookkeeping, the tape, JavaScript glue and garbage collection. SYMTUNE_FUSED=0 shows
 * the unfused path, SYMTUNE_SIMD=0 the ONNX-graph forms of the SIMD kernels.
 *
 *   npx tsx bench/step-profile.ts [A|B|NOTEBOOK|SMALL] [steps]
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/ladder.ts";
import { configStep } from "./config-step.ts";

const name = (process.argv[2] ?? "A").toUpperCase();
const steps = Number(process.argv[3] ?? 5);
const backend = await initBackend();
const step = configStep(name);
const perKernel = new Map<string, { cpu: number; calls: number }>();
let recording = false;
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
for (const config of tf.getKernelsForBackend("wasm")) {
  const inner = config.kernelFunc;
  (config as { kernelFunc: tf.KernelFunc }).kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
    if (!recording) return inner(args);
    const c0 = process.cpuUsage();
    const out = inner(args);
    const entry = perKernel.get(config.kernelName) ?? { cpu: 0, calls: 0 };
    entry.cpu += cpuMs(process.cpuUsage(c0));
    entry.calls++;
    perKernel.set(config.kernelName, entry);
    return out;
  }) as tf.KernelFunc;
}
step();
step();
recording = true;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const cpu = cpuMs(process.cpuUsage(c0)) / steps;
const wall = (performance.now() - t0) / steps;
const inKernels = [...perKernel.values()].reduce((s, e) => s + e.cpu, 0) / steps;
console.log(
  `config ${name}, ${backend.name} (${backend.threads} thread(s)): step ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU; ` +
    `in kernels ${inKernels.toFixed(0)} ms, outside kernels ${(cpu - inKernels).toFixed(0)} ms`,
);
for (const [kernel, e] of [...perKernel].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 20)) {
  const ms = e.cpu / steps;
  console.log(`${kernel.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / cpu).toFixed(1).padStart(5)}%  ×${e.calls / steps}`);
}
