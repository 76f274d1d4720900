/**
 * The PyTorch reference (bench/reference.py --serve) as a child process that the benchmark
 * asks for measurements between its own, so both sides see the same minutes of machine load.
 * The child picks its BLAS core type and thread count at start and reports them in its header.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { GPTConfig } from "../lib/model/gpt.ts";

export interface ReferenceHeader {
  params: number;
  torch: string;
  /** The libblas.so.3 torch loaded. */
  blas: string;
  /** OpenBLAS's kernel in use (what it reports), and what was asked for. */
  core_type: string | null;
  core_type_requested: string;
  core_type_probes: { requested: string; core?: string; gflops?: number; correct?: boolean }[];
  threads: number;
  thread_tokens_per_s: Record<string, number>;
  /** sgemm 1024³ on one thread. */
  sgemm_gflops: number;
}

export interface ReferenceMeasure {
  tokens_per_s: number;
  step_ms: number;
  tokens_per_cpu_s: number;
}

const PYTHON = "/usr/bin/python3"; // Debian's, which has python3-torch (another python3 may come first on PATH)

/** Why the reference cannot run, or undefined when it can. */
export function referenceUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return `PyTorch not importable by ${PYTHON} (scripts/bench-setup.sh installs it)`;
  return undefined;
}

export class TorchReference {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly header: ReferenceHeader,
  ) {}

  static async start(config: GPTConfig, batch: number, warmup: number): Promise<TorchReference> {
    const script = fileURLToPath(new URL("./reference.py", import.meta.url));
    const args = [
      script, "--serve", "--vocab", String(config.vocabSize), "--block", String(config.blockSize), "--embd", String(config.nEmbd),
      "--layers", String(config.nLayer), "--heads", String(config.nHead), "--batch", String(batch), "--warmup", String(warmup),
    ];
    const child = spawn(PYTHON, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`the PyTorch reference failed: ${stderr.trim().split("\n").at(-1) ?? "no output"}`);
    return new TorchReference(child, lines, JSON.parse(first.value) as ReferenceHeader);
  }

  /** Median of `steps` timed training steps. */
  async measure(steps: number): Promise<ReferenceMeasure> {
    this.child.stdin.write(`${steps}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error("the PyTorch reference exited during a measurement");
    return JSON.parse(line.value) as ReferenceMeasure;
  }

  close(): void {
    this.child.stdin.end();
  }
}
