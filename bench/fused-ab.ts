/**
 * Fused native kernels on against off in one process, alternating rounds: median step wall
 * time and CPU time per side (forward + backward of a bench config, no optimizer).
 *
 *   npx tsx bench/fused-ab.ts [A|B|NOTEBOOK|SMALL] [rounds] [steps per round]
 */
import { initBackend } from "../lib/backend/ladder.ts";
import { enableFusedKernels } from "../lib/model/ops.ts";
import { configStep } from "./config-step.ts";

const name = (process.argv[2] ?? "A").toUpperCase();
const rounds = Number(process.argv[3] ?? 3);
const steps = Number(process.argv[4] ?? 3);
const backend = await initBackend();
const step = configStep(name);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

/** Median wall and CPU milliseconds of `steps` steps, after one warm-up step. */
function time(fused: boolean): { wall: number; cpu: number } {
  enableFusedKernels(fused);
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

const wallRatios: number[] = [];
const cpuRatios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const off = time(false);
  const on = time(true);
  wallRatios.push(off.wall / on.wall);
  cpuRatios.push(off.cpu / on.cpu);
  console.log(
    `round ${r}: unfused ${off.wall.toFixed(0)} ms (cpu ${off.cpu.toFixed(0)}), fused ${on.wall.toFixed(0)} ms (cpu ${on.cpu.toFixed(0)}), ` +
      `speed-up ${(off.wall / on.wall).toFixed(2)}× wall, ${(off.cpu / on.cpu).toFixed(2)}× cpu`,
  );
}
console.log(`config ${name}, ${backend.threads} thread(s): median speed-up ${median(wallRatios).toFixed(2)}× wall, ${median(cpuRatios).toFixed(2)}× cpu`);
