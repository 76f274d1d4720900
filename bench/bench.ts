/**
 * `symtune bench [--config A|B] [--json]`: GPT training throughput on the active backend, with
 * the PyTorch reference (bench/reference.py, same model and shapes) run in the same invocation
 * when /usr/bin/python3 can import torch.
 *
 * Per config: tokens/s (median of ≥ 10 steps after warm-up: forward, backward, AdamW update),
 * sgemm GFLOP/s (1024³), model FLOPs utilisation against that sgemm peak, peak memory, and
 * generation tokens/s with and without the KV cache.
 */
import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatBytes, memoryUse, withHeapGuard } from "../lib/backend/heap.ts";
import { type BackendInfo, initBackend } from "../lib/backend/ladder.ts";
import { UsageError } from "../lib/errors.ts";
import { type GPT, type GPTConfig, createGPT, presets } from "../lib/model/gpt.ts";

export const BENCH_CONFIGS: Record<string, { model: GPTConfig; batch: number }> = {
  A: { model: presets.benchA, batch: 16 },
  B: { model: presets.benchB, batch: 8 },
};

export interface BenchResult {
  config: string;
  backend: string;
  threads: number;
  batch: number;
  params: number;
  tokens_per_s: number;
  /** Tokens per second of CPU time (all threads): less sensitive to other load than wall time. */
  tokens_per_cpu_s: number;
  step_ms: number;
  steps: number;
  sgemm_gflops: number;
  /** Model FLOPs per second over the sgemm rate: 6·params + attention per token. */
  mfu: number;
  wasm_heap_bytes?: number;
  max_rss_bytes: number;
  gen_new_tokens: number;
  gen_tokens_per_s_cache: number;
  gen_tokens_per_s_nocache: number;
  kv_speedup: number;
  torch_tokens_per_s?: number;
  torch_tokens_per_cpu_s?: number;
  ratio?: number;
  /** Ratio of tokens per CPU-second (ours / PyTorch's). */
  cpu_ratio?: number;
  torch_note?: string;
}

interface Options {
  configs: string[];
  json: boolean;
  steps: number;
  warmup: number;
  torch: boolean;
  genTokens: number;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string", multiple: true },
        json: { type: "boolean" },
        steps: { type: "string" },
        warmup: { type: "string" },
        "no-torch": { type: "boolean" },
        "gen-tokens": { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`symtune bench: ${(error as Error).message.split(".")[0]}; the options are --config A|B, --json, --steps N, --warmup N, --gen-tokens N, --no-torch`);
  }
  const configs = (values.config ?? ["A", "B"]).map((c) => c.toUpperCase());
  for (const c of configs) {
    if (!BENCH_CONFIGS[c]) throw new UsageError(`symtune bench: --config must be A or B, not "${c}"`);
  }
  const int = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`symtune bench: --${name} must be an integer ≥ ${min}, not "${raw}"`);
    return n;
  };
  return {
    configs,
    json: values.json === true,
    steps: int("steps", values.steps, 10, 1),
    warmup: int("warmup", values.warmup, 2, 0),
    torch: values["no-torch"] !== true,
    genTokens: int("gen-tokens", values["gen-tokens"], 256, 1),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Single-precision matmul rate at 1024³ on the active backend (median of 5). */
export function sgemmGflops(n = 1024): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (median(times.slice(1)) / 1000) / 1e9;
}

interface Optimizer {
  apply(grads: Record<string, tf.Tensor>, lr: number): void;
}

/** C-B's AdamW from lib/train when present; otherwise plain SGD (noted in the output). */
async function makeOptimizer(model: GPT): Promise<{ optimizer: Optimizer; name: string }> {
  const path = new URL("../lib/train/adamw.ts", import.meta.url);
  if (existsSync(fileURLToPath(path))) {
    const { AdamW } = (await import(path.href)) as { AdamW: new (p: Record<string, tf.Variable>, o: { weightDecay: number }) => Optimizer };
    return { optimizer: new AdamW(model.variables, { weightDecay: 0.1 }), name: "AdamW" };
  }
  return {
    name: "SGD (lib/train/adamw.ts absent)",
    optimizer: {
      apply(grads, lr) {
        tf.tidy(() => {
          for (const [key, g] of Object.entries(grads)) model.variables[key].assign(tf.sub(model.variables[key], tf.mul(g, lr)));
        });
      },
    },
  };
}

/** One training step: loss, gradients, update. Gradients keyed like model.variables. */
function trainStep(model: GPT, optimizer: Optimizer, idx: tf.Tensor2D, targets: tf.Tensor2D, keyOf: Map<string, string>): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => model.loss(idx, targets), Object.values(model.variables));
    const byKey: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) byKey[keyOf.get(name)!] = g;
    optimizer.apply(byKey, 1e-3);
    return value.dataSync()[0];
  });
}

async function generationRate(model: GPT, newTokens: number, useCache: boolean): Promise<number> {
  const { generateIds } = (await import("../lib/model/generate.ts")) as {
    generateIds(m: GPT, p: number[][], o: { maxNewTokens: number; useCache: boolean }): Promise<number[][]>;
  };
  await generateIds(model, [[1]], { maxNewTokens: 4, useCache });
  const t0 = performance.now();
  const out = await generateIds(model, [[1]], { maxNewTokens: newTokens, useCache });
  return out[0].length / ((performance.now() - t0) / 1000);
}

function torchReference(config: GPTConfig, batch: number, steps: number): { tokens_per_s?: number; tokens_per_cpu_s?: number; note?: string } {
  const script = fileURLToPath(new URL("./reference.py", import.meta.url));
  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return { note: "PyTorch not importable by /usr/bin/python3 (apt-get install python3-torch)" };
  const args = [
    script, "--vocab", String(config.vocabSize), "--block", String(config.blockSize), "--embd", String(config.nEmbd),
    "--layers", String(config.nLayer), "--heads", String(config.nHead), "--batch", String(batch), "--steps", String(steps),
  ];
  const run = spawnSync("/usr/bin/python3", args, { encoding: "utf8", timeout: 600_000 });
  if (run.status !== 0) return { note: `the PyTorch reference failed: ${(run.stderr || run.stdout).trim().split("\n").at(-1)}` };
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { tokens_per_s: number; tokens_per_cpu_s: number };
}

export async function benchConfig(name: string, options: Omit<Options, "configs" | "json">, backend: BackendInfo, sgemm: number): Promise<BenchResult> {
  const { model: config, batch } = BENCH_CONFIGS[name];
  const model = createGPT(config, 0);
  const { optimizer } = await makeOptimizer(model);
  const keyOf = new Map(Object.entries(model.variables).map(([key, v]) => [v.name, key]));
  const idx = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 1) as tf.Tensor2D;
  const targets = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 2) as tf.Tensor2D;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  try {
    for (let s = 0; s < options.warmup + options.steps; s++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      withHeapGuard(() => trainStep(model, optimizer, idx, targets, keyOf), { microBatch: batch, blockSize: config.blockSize });
      const c = process.cpuUsage(c0);
      if (s >= options.warmup) {
        times.push(performance.now() - t0);
        cpuTimes.push((c.user + c.system) / 1000);
      }
    }
    const stepMs = median(times);
    const tokensPerCpuS = (batch * config.blockSize) / (median(cpuTimes) / 1000);
    const tokensPerS = (batch * config.blockSize) / (stepMs / 1000);
    const params = model.paramCount();
    const flopsPerToken = 6 * params + 12 * config.nLayer * config.nEmbd * config.blockSize;
    const memory = memoryUse();
    const genTokens = Math.min(options.genTokens, config.blockSize);
    const genCache = await generationRate(model, genTokens, true);
    const genNoCache = await generationRate(model, genTokens, false);
    const result: BenchResult = {
      config: name,
      backend: backend.name,
      threads: backend.threads,
      batch,
      params,
      tokens_per_s: Math.round(tokensPerS),
      tokens_per_cpu_s: Math.round(tokensPerCpuS),
      step_ms: Math.round(stepMs * 10) / 10,
      steps: times.length,
      sgemm_gflops: Math.round(sgemm * 10) / 10,
      mfu: Math.round(((flopsPerToken * tokensPerS) / (sgemm * 1e9)) * 1000) / 1000,
      wasm_heap_bytes: memory.wasmHeapBytes,
      max_rss_bytes: process.resourceUsage().maxRSS * 1024,
      gen_new_tokens: genTokens,
      gen_tokens_per_s_cache: Math.round(genCache * 10) / 10,
      gen_tokens_per_s_nocache: Math.round(genNoCache * 10) / 10,
      kv_speedup: Math.round((genCache / genNoCache) * 100) / 100,
    };
    if (options.torch) {
      const torch = torchReference(config, batch, Math.max(options.steps, 10));
      if (torch.tokens_per_s) {
        result.torch_tokens_per_s = Math.round(torch.tokens_per_s);
        result.ratio = Math.round((tokensPerS / torch.tokens_per_s) * 1000) / 1000;
        if (torch.tokens_per_cpu_s) {
          result.torch_tokens_per_cpu_s = Math.round(torch.tokens_per_cpu_s);
          result.cpu_ratio = Math.round((tokensPerCpuS / torch.tokens_per_cpu_s) * 1000) / 1000;
        }
      } else {
        result.torch_note = torch.note;
      }
    }
    return result;
  } finally {
    tf.dispose([idx, targets]);
    model.dispose();
  }
}

function describe(r: BenchResult): string {
  const lines = [
    `config ${r.config}: ${r.backend} (${r.threads} thread${r.threads === 1 ? "" : "s"}), batch ${r.batch}, ${r.params.toLocaleString("en")} params`,
    `  training      ${r.tokens_per_s.toLocaleString("en")} tokens/s (median step ${r.step_ms} ms over ${r.steps} steps)`,
  ];
  lines.push(`  CPU time      ${r.tokens_per_cpu_s.toLocaleString("en")} tokens per CPU-second (all threads)`);
  if (r.torch_tokens_per_s) {
    lines.push(`  PyTorch CPU   ${r.torch_tokens_per_s.toLocaleString("en")} tokens/s (torch.set_num_threads(1))  → ratio ${r.ratio}×`);
    if (r.cpu_ratio) lines.push(`                ${r.torch_tokens_per_cpu_s!.toLocaleString("en")} tokens per CPU-second  → ratio ${r.cpu_ratio}×`);
  }
  else if (r.torch_note) lines.push(`  PyTorch CPU   ${r.torch_note}`);
  lines.push(
    `  sgemm         ${r.sgemm_gflops} GFLOP/s (1024³); model FLOPs utilisation ${(r.mfu * 100).toFixed(1)}%`,
    `  memory        ${r.wasm_heap_bytes ? `wasm heap ${formatBytes(r.wasm_heap_bytes)}, ` : ""}peak RSS ${formatBytes(r.max_rss_bytes)}`,
    `  generation    ${r.gen_tokens_per_s_cache} tokens/s with KV cache, ${r.gen_tokens_per_s_nocache} without (${r.gen_new_tokens} new tokens): ${r.kv_speedup}×`,
  );
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const backend = await initBackend();
  const sgemm = sgemmGflops();
  for (const name of options.configs) {
    const result = await benchConfig(name, options, backend, sgemm);
    console.log(options.json ? JSON.stringify(result) : describe(result));
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
