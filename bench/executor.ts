/**
 * Executor latency, in process (no sockets): how long createExecutor takes, how long the
 * first cell waits for TypeScript's lib files (the kernel does that in the background), and the median execute round trip of a
 * trivial cell — repeated (compile cache), always new text (full type-check + emit), and
 * a cell that declares a name (adds a declaration file for later cells). Each is given as
 * wall time and as this process's CPU time: on a shared, loaded machine the CPU time is the
 * closer estimate of the unloaded wall time (the work is single-threaded).
 *
 *   npx tsx bench/executor.ts [--json]
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { InterruptFlag, type CellIO, type Executor } from "../kernel/protocol.ts";

const io: CellIO = {
  stdout: () => {},
  stderr: () => {},
  display: () => {},
  update: () => {},
  clearOutput: () => {},
  input: async () => "",
  page: () => {},
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let count = 0;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function roundTrips(executor: Executor, code: (i: number) => string, n: number): Promise<string> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = cpuMs();
    const outcome = await executor.execute(code(i), io, { silent: false, storeHistory: true, executionCount: ++count });
    wall.push(performance.now() - t);
    cpu.push(cpuMs() - c);
    if (outcome.status !== "ok") throw new Error(`bench cell failed: ${outcome.evalue}`);
  }
  return `${median(wall).toFixed(2)} ms wall, ${median(cpu).toFixed(2)} ms cpu`;
}

const t0 = performance.now();
const c0 = cpuMs();
const { createExecutor } = await import("../kernel/exec/executor.ts"); // loads TypeScript
const importMs = performance.now() - t0;
const executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, warmUp: false });
const createMs = performance.now() - t0;
const createCpuMs = cpuMs() - c0;
const t1 = performance.now();
const c1 = cpuMs();
await executor.execute("1 + 1", io, { silent: false, storeHistory: true, executionCount: ++count });
const firstCellMs = performance.now() - t1;
const firstCellCpuMs = cpuMs() - c1;
const result = {
  typescript: executor.languageVersion,
  load_average: os.loadavg()[0]!.toFixed(2),
  import_ms: +importMs.toFixed(1),
  create: `${createMs.toFixed(0)} ms wall, ${createCpuMs.toFixed(0)} ms cpu`,
  first_cell: `${firstCellMs.toFixed(0)} ms wall, ${firstCellCpuMs.toFixed(0)} ms cpu`,
  repeated_cell_median: await roundTrips(executor, () => "1 + 1", 200),
  new_expression_median: await roundTrips(executor, (i) => `${i} + 1`, 100),
  declaring_cell_median: await roundTrips(executor, (i) => `let v${i % 10} = ${i};`, 100),
  cells_run: count,
};
// Plain writes: the executor routes `console` to the (silent) cell.
if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(result) + "\n");
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(26)} ${v}\n`);
