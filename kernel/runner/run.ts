/**
 * `symtune run NB.ipynb`: executes every code cell through a fresh symtune kernel and writes
 * the notebook with its outputs, as `jupyter nbconvert --to notebook --execute` does (same
 * default output name, NB.nbconvert.ipynb, unless --out is given). The kernel runs in the
 * notebook's directory, so relative paths in cells mean what they mean in Jupyter.
 * Stops at the first cell error, writes what ran, prints the error and exits 1.
 */
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "../../lib/files.ts";
import { basename, dirname, join, resolve } from "node:path";
import { DISPLAY_NAME, KERNEL_NAME } from "../install.ts";
import { PROGRESS_METADATA } from "../../lib/display/progress.ts";
import { KernelProcess, type LaunchOptions } from "./launch.ts";
import { OutputBook, readNotebook, sourceText, type Output } from "./notebook.ts";

export interface RunOptions {
  notebook: string;
  out?: string;
  /** Seconds one cell may run before it is interrupted and the run fails. */
  timeoutS?: number;
  launch?: LaunchOptions;
  /** Called after each executed cell (index in the notebook, number of cells, seconds). */
  onCell?: (index: number, cells: number, seconds: number) => void;
  /** Called with the text of each progress-bar output and update (training progress). */
  onProgress?: (displayId: string, text: string, final: boolean) => void;
}

export interface CellFailure {
  index: number;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface RunResult {
  out: string;
  executed: number;
  failure?: CellFailure;
}

export function defaultOutPath(notebook: string): string {
  return join(dirname(notebook), basename(notebook).replace(/\.ipynb$/, "") + ".nbconvert.ipynb");
}

export async function runNotebook(options: RunOptions): Promise<RunResult> {
  const path = resolve(options.notebook);
  const out = resolve(options.out ?? defaultOutPath(path));
  const nb = readNotebook(path);
  // A batch run has no one waiting on its first cell: check every cell before it runs.
  const kernel = await KernelProcess.start({ cwd: dirname(path), ...options.launch, env: { SYMTUNE_COLD_CELLS: "check", SYMTUNE_HEADLESS: "1", ...options.launch?.env } });
  const book = new OutputBook();
  let executed = 0;
  let failure: CellFailure | undefined;
  try {
    const info = await kernel.client.request("shell", "kernel_info_request");
    nb.metadata.kernelspec = { name: KERNEL_NAME, display_name: DISPLAY_NAME, language: "typescript" };
    nb.metadata.language_info = info.content.language_info;
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      if (failure) {
        // Cells after a failure did not run in this execution: no stale outputs.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const code = sourceText(cell);
      cell.outputs = [];
      cell.execution_count = null;
      if (!code.trim()) continue;
      const outputs = book.cell();
      cell.outputs = outputs.outputs;
      const cellStarted = Date.now();
      const reply = await executeWithin(kernel, code, options.timeoutS, (msg) => {
        outputs.add(msg);
        if (options.onProgress) echoProgress(msg, options.onProgress);
      });
      executed++;
      options.onCell?.(index, nb.cells.length, (Date.now() - cellStarted) / 1000);
      if (reply.timedOut) {
        const evalue = `cell ${index + 1} did not finish within ${options.timeoutS} s and was interrupted (raise --timeout)`;
        cell.outputs.push({ output_type: "error", ename: "CellTimeoutError", evalue, traceback: [`CellTimeoutError: ${evalue}`] } satisfies Output);
        failure = { index, ename: "CellTimeoutError", evalue, traceback: [] };
        continue;
      }
      cell.execution_count = reply.content.execution_count ?? null;
      if (reply.content.status === "error") {
        const { ename, evalue, traceback } = reply.content;
        failure = { index, ename, evalue, traceback: traceback ?? [] };
      }
    }
  } finally {
    // --out may name a folder that does not exist yet (out/ on a fresh clone).
    mkdirSync(dirname(out), { recursive: true });
    writeFileAtomic(out, JSON.stringify(nb, null, 1) + "\n");
    await kernel.shutdown();
  }
  return { out, executed, failure };
}

/** Passes on the text of a progress bar's output (marked by its metadata, see lib/display/progress.ts). */
function echoProgress(msg: import("../wire/message.ts").Message, onProgress: NonNullable<RunOptions["onProgress"]>): void {
  const content = msg.content as { metadata?: Record<string, unknown>; data?: Record<string, unknown>; transient?: { display_id?: string } };
  const state = content.metadata?.[PROGRESS_METADATA];
  const text = content.data?.["text/plain"];
  if (state === undefined || typeof text !== "string") return;
  onProgress(content.transient?.display_id ?? "", text, state === "final");
}

/** Runs a cell; past the timeout, interrupts it and reports timedOut. */
async function executeWithin(kernel: KernelProcess, code: string, timeoutS: number | undefined, onOutput: (msg: import("../wire/message.ts").Message) => void) {
  const died = kernel.waitExit().then((code) => {
    throw new Error(`the kernel died while running a cell (exit code ${code}); its log:\n${kernel.stderr.slice(-4000)}`);
  });
  died.catch(() => {}); // a normal shutdown later is not an error
  const run = kernel.client.execute(code, { onOutput, allowStdin: false }).then((r) => ({ content: r.reply.content, timedOut: false }));
  if (!timeoutS) return Promise.race([run, died]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutS * 1000)));
  const first = await Promise.race([run, died, timeout]);
  clearTimeout(timer);
  if (first !== "timeout") return first;
  // Bounded at every step: a kernel that ignores the interrupt is shut down (killed if need be) by the caller.
  const grace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  await Promise.race([kernel.client.interrupt(), died, grace(5_000)]).catch(() => {});
  await Promise.race([run, died, grace(10_000)]).catch(() => {});
  return { content: {} as Record<string, any>, timedOut: true };
}

/** The CLI's face of runNotebook: prints where the notebook went, or the failing cell's error. */
export async function runNotebookCommand(options: RunOptions): Promise<number> {
  const started = Date.now();
  // One line per cell on stderr, so a long headless run shows where it is.
  const onCell = (index: number, cells: number, seconds: number) => console.error(`symtune run: cell ${index + 1}/${cells} done in ${seconds.toFixed(1)} s`);
  // Training progress as a log line every 10 s per bar and at its end, not every update.
  const lastEcho = new Map<string, number>();
  const onProgress = (id: string, text: string, final: boolean) => {
    const now = Date.now();
    if (!final && now - (lastEcho.get(id) ?? 0) < 10_000) return;
    lastEcho.set(id, now);
    // The last update also carries the eval table under the bar.
    console.error(`symtune run: ${final ? text : text.split("\n")[0]}`);
  };
  const result = await runNotebook({ onCell, onProgress, ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.failure) {
    const f = result.failure;
    console.error(`symtune run: cell ${f.index + 1} of ${options.notebook} failed: ${f.ename}: ${f.evalue}`);
    if (f.traceback.length > 0) console.error(f.traceback.join("\n"));
    console.error(`symtune run: wrote the outputs so far to ${result.out}`);
    return 1;
  }
  console.log(`symtune run: executed ${result.executed} cells of ${options.notebook} in ${seconds} s; wrote ${result.out}`);
  return 0;
}
