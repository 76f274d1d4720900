/**
 * Executor latency, in process (no sockets): how long createExecutor takes, how long the
 * first cell waits for TypeScript's lib files (the kernel does that in the background), and the median execute round trip of a
 * trivial cell — repeated (compile cache), always new text (full type-check + emit), and
 * a cell that declares a name (adds a declaration file for later cells).
 *
 *   npx tsx bench/executor.ts [--json]
 */
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
  signal: new AbortController().signal,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let count = 0;

async function roundTrips(executor: Executor, code: (i: number) => string, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const outcome = await executor.execute(code(i), io, { silent: false, storeHistory: true, executionCount: ++count });
    times.push(performance.now() - t);
    if (outcome.status !== "ok") throw new Error(`bench cell failed: ${outcome.evalue}`);
  }
  return median(times);
}

const t0 = performance.now();
const { createExecutor } = await import("../kernel/exec/executor.ts"); // loads TypeScript
const importMs = performance.now() - t0;
const executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, warmUp: false });
const createMs = performance.now() - t0;
const t1 = performance.now();
await executor.execute("1 + 1", io, { silent: false, storeHistory: true, executionCount: ++count });
const firstCellMs = performance.now() - t1;
const result = {
  typescript: executor.languageVersion,
  import_ms: +importMs.toFixed(1),
  create_ms: +createMs.toFixed(1),
  first_cell_ms: +firstCellMs.toFixed(1),
  repeated_cell_median_ms: +(await roundTrips(executor, () => "1 + 1", 200)).toFixed(2),
  new_expression_median_ms: +(await roundTrips(executor, (i) => `${i} + 1`, 100)).toFixed(2),
  declaring_cell_median_ms: +(await roundTrips(executor, (i) => `let v${i % 10} = ${i};`, 100)).toFixed(2),
  cells_declared_so_far: count,
};
// Plain writes: the executor routes `console` to the (silent) cell.
if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(result) + "\n");
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(26)} ${v}\n`);
