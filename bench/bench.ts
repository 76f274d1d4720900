/**
 * `symtune bench [--config A|B|notebook] [--json]`: GPT training throughput on the active
 * backend against the PyTorch reference (bench/reference.py: same model, shapes and AdamW, on
 * the fastest correct OpenBLAS set-up it finds), measured in one invocation in alternating
 * rounds (ours, then PyTorch's, --rounds times) so both sides share the same minutes of load.
 * The ratio is the median of the per-round ratios.
 *
 * Per config also: sgemm GFLOP/s (1024³) of both sides, model FLOPs utilisation, peak memory,
 * generation with and without the KV cache, and evaluation rows/s (batched greedy generation).
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatBytes, memoryUse, withHeapGuard } from "../lib/backend/heap.ts";
import { type BackendInfo, initBackend } from "../lib/backend/ladder.ts";
import { UsageError } from "../lib/errors.ts";
import { rankClassify } from "../lib/eval/rank.ts";
import { type GPT, type GPTConfig, createGPT, presets } from "../lib/model/gpt.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { type ReferenceHeader, TorchReference, referenceUnavailable } from "./torch-reference.ts";

export const BENCH_CONFIGS: Record<string, { model: GPTConfig; batch: number }> = {
  A: { model: presets.benchA, batch: 16 },
  B: { model: presets.benchB, batch: 8 },
  /** The experiment notebooks' shape (notebooks/*.ipynb, full size): tiny at context 384, byte vocabulary. */
  NOTEBOOK: { model: { ...presets.tiny, blockSize: 384, vocabSize: 260 }, batch: 16 },
  /** nanoGPT's shakespeare_char shape; effective batch 64 through --accumulate 8 in bench/train-loop.ts. */
  SMALL: { model: presets.small, batch: 8 },
};

export interface BenchResult {
  config: string;
  backend: string;
  threads: number;
  batch: number;
  block: number;
  params: number;
  /** Median over the rounds of each round's median step. */
  tokens_per_s: number;
  /** Tokens per second of CPU time (all threads): less sensitive to other load than wall time. */
  tokens_per_cpu_s: number;
  step_ms: number;
  rounds: number;
  steps_per_round: number;
  sgemm_gflops: number;
  /** Model FLOPs per second over the sgemm rate: 6·params + attention per token. */
  mfu: number;
  /** Largest wasm heap seen (it never shrinks), and the process's peak resident memory. */
  wasm_heap_bytes?: number;
  max_rss_bytes: number;
  gen_new_tokens: number;
  gen_tokens_per_s_cache: number;
  gen_tokens_per_s_nocache: number;
  kv_speedup: number;
  /** Batched greedy generation: prompts finished per second (batch of eval_batch, eval_new_tokens each). */
  eval_greedy_rows_per_s: number;
  eval_batch: number;
  eval_new_tokens: number;
  /** Rank classification (lib/eval/rank.ts, candidates batched, batch 32): items scored per second. */
  eval_rank_rows_per_s: number;
  eval_rank_candidates: number;
  eval_rank_prompt_chars: number;
  torch_tokens_per_s?: number;
  torch_tokens_per_cpu_s?: number;
  /** Median of the per-round ratios ours / PyTorch (wall clock), and each round's. */
  ratio?: number;
  ratio_rounds?: number[];
  /** Median per-round ratio of tokens per CPU-second. */
  cpu_ratio?: number;
  reference?: { blas: string; core_type: string | null; threads: number; sgemm_gflops: number; torch: string };
  torch_note?: string;
}

interface Options {
  configs: string[];
  json: boolean;
  steps: number;
  rounds: number;
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
        rounds: { type: "string" },
        warmup: { type: "string" },
        "no-torch": { type: "boolean" },
        "gen-tokens": { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`symtune bench: ${(error as Error).message.split(".")[0]}; the options are --config A|B|notebook|small, --json, --steps N, --rounds N, --warmup N, --gen-tokens N, --no-torch`);
  }
  const configs = (values.config ?? ["A", "B", "notebook"]).map((c) => c.toUpperCase());
  for (const c of configs) {
    if (!BENCH_CONFIGS[c]) throw new UsageError(`symtune bench: --config must be A, B, notebook or small, not "${c}"`);
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
    steps: int("steps", values.steps, 4, 1),
    rounds: int("rounds", values.rounds, 3, 1),
    warmup: int("warmup", values.warmup, 2, 0),
    torch: values["no-torch"] !== true,
    genTokens: int("gen-tokens", values["gen-tokens"], 256, 1),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

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

type GenerateIds = (m: GPT, p: number[][], o: { maxNewTokens: number; useCache: boolean; isDone?: () => boolean }) => Promise<number[][]>;
const loadGenerate = async () => ((await import("../lib/model/generate.ts")) as unknown as { generateIds: GenerateIds }).generateIds;

async function generationRate(model: GPT, newTokens: number, useCache: boolean): Promise<number> {
  const generateIds = await loadGenerate();
  await generateIds(model, [[1]], { maxNewTokens: 4, useCache });
  const t0 = performance.now();
  const out = await generateIds(model, [[1]], { maxNewTokens: newTokens, useCache });
  return out[0].length / ((performance.now() - t0) / 1000);
}

/** Rows per second of batched greedy generation with the cache: `batch` prompts of 16 tokens. */
async function greedyRowsPerS(model: GPT, batch: number, newTokens: number): Promise<number> {
  const generateIds = await loadGenerate();
  const V = model.config.vocabSize;
  const prompts = Array.from({ length: batch }, (_, r) => Array.from({ length: 16 }, (_, i) => (r * 31 + i * 7) % V));
  const t0 = performance.now();
  await generateIds(model, prompts, { maxNewTokens: newTokens, useCache: true });
  return batch / ((performance.now() - t0) / 1000);
}

/**
 * Items per second of rank classification: 64 items, each a prompt of ¼ of the context and
 * 4 one-word candidates, all candidate sequences batched (32 a forward pass).
 */
async function rankRowsPerS(model: GPT): Promise<{ rate: number; candidates: number; promptChars: number }> {
  const alphabet = "abcdefghijklmnopqrstuvwxyz ";
  const tokenizer = CharTokenizer.fromTexts([alphabet]);
  const promptChars = Math.floor(model.config.blockSize / 4);
  const word = (seed: number, n: number) => Array.from({ length: n }, (_, i) => alphabet[(seed * 7 + i * 3) % 26]).join("");
  const labels = ["alpha", "beta", "gamma", "delta"];
  const items = Array.from({ length: 64 }, (_, i) => ({ prompt: word(i, promptChars), candidates: labels, answer: labels[i % 4] }));
  await rankClassify(model, tokenizer, items.slice(0, 8));
  const t0 = performance.now();
  await rankClassify(model, tokenizer, items, { batchSize: 32 });
  return { rate: items.length / ((performance.now() - t0) / 1000), candidates: labels.length, promptChars };
}

interface Timing {
  tokensPerS: number;
  tokensPerCpuS: number;
  stepMs: number;
}

export async function benchConfig(name: string, options: Omit<Options, "configs" | "json">, backend: BackendInfo, sgemm: number): Promise<BenchResult> {
  const { model: config, batch } = BENCH_CONFIGS[name];
  const tokens = batch * config.blockSize;
  let reference: TorchReference | undefined;
  let torchNote = options.torch ? referenceUnavailable() : undefined;
  if (options.torch && !torchNote) {
    try {
      reference = await TorchReference.start(config, batch, options.warmup);
    } catch (error) {
      torchNote = (error as Error).message;
    }
  }
  const model = createGPT(config, 0);
  const { optimizer } = await makeOptimizer(model);
  const keyOf = new Map(Object.entries(model.variables).map(([key, v]) => [v.name, key]));
  const idx = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 1) as tf.Tensor2D;
  const targets = tf.randomUniform([batch, config.blockSize], 0, config.vocabSize, "int32", 2) as tf.Tensor2D;
  const step = () => withHeapGuard(() => trainStep(model, optimizer, idx, targets, keyOf), { microBatch: batch, blockSize: config.blockSize });
  const measure = (steps: number): Timing => {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      step();
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    return { tokensPerS: tokens / (median(times) / 1000), tokensPerCpuS: tokens / (median(cpu) / 1000), stepMs: median(times) };
  };
  try {
    for (let s = 0; s < options.warmup; s++) step();
    const ours: Timing[] = [];
    const theirs: { tokens_per_s: number; tokens_per_cpu_s: number }[] = [];
    for (let r = 0; r < options.rounds; r++) {
      ours.push(measure(options.steps));
      if (reference) theirs.push(await reference.measure(options.steps));
    }
    const tokensPerS = median(ours.map((t) => t.tokensPerS));
    const params = model.paramCount();
    const flopsPerToken = 6 * params + 12 * config.nLayer * config.nEmbd * config.blockSize;
    const memory = memoryUse();
    const genTokens = Math.min(options.genTokens, config.blockSize);
    const genCache = await generationRate(model, genTokens, true);
    const genNoCache = await generationRate(model, genTokens, false);
    const evalNew = Math.min(32, config.blockSize - 16);
    const rank = await rankRowsPerS(model);
    const result: BenchResult = {
      config: name,
      backend: backend.name,
      threads: backend.threads,
      batch,
      block: config.blockSize,
      params,
      tokens_per_s: Math.round(tokensPerS),
      tokens_per_cpu_s: Math.round(median(ours.map((t) => t.tokensPerCpuS))),
      step_ms: round(median(ours.map((t) => t.stepMs)), 1),
      rounds: options.rounds,
      steps_per_round: options.steps,
      sgemm_gflops: round(sgemm, 1),
      mfu: round((flopsPerToken * tokensPerS) / (sgemm * 1e9), 3),
      wasm_heap_bytes: memory.wasmHeapBytes,
      max_rss_bytes: process.resourceUsage().maxRSS * 1024,
      gen_new_tokens: genTokens,
      gen_tokens_per_s_cache: round(genCache, 1),
      gen_tokens_per_s_nocache: round(genNoCache, 1),
      kv_speedup: round(genCache / genNoCache, 2),
      eval_greedy_rows_per_s: round(await greedyRowsPerS(model, 16, evalNew), 2),
      eval_batch: 16,
      eval_new_tokens: evalNew,
      eval_rank_rows_per_s: round(rank.rate, 2),
      eval_rank_candidates: rank.candidates,
      eval_rank_prompt_chars: rank.promptChars,
    };
    if (reference && theirs.length) {
      const ratios = ours.map((t, i) => t.tokensPerS / theirs[i].tokens_per_s);
      const cpuRatios = ours.map((t, i) => t.tokensPerCpuS / theirs[i].tokens_per_cpu_s);
      const h: ReferenceHeader = reference.header;
      result.torch_tokens_per_s = Math.round(median(theirs.map((t) => t.tokens_per_s)));
      result.torch_tokens_per_cpu_s = Math.round(median(theirs.map((t) => t.tokens_per_cpu_s)));
      result.ratio = round(median(ratios), 3);
      result.ratio_rounds = ratios.map((x) => round(x, 3));
      result.cpu_ratio = round(median(cpuRatios), 3);
      result.reference = { blas: h.blas, core_type: h.core_type, threads: h.threads, sgemm_gflops: round(h.sgemm_gflops, 1), torch: h.torch };
    } else if (torchNote) {
      result.torch_note = torchNote;
    }
    return result;
  } finally {
    reference?.close();
    tf.dispose([idx, targets]);
    model.dispose();
  }
}

function describe(r: BenchResult): string {
  const lines = [
    `config ${r.config}: ${r.backend} (${r.threads} thread${r.threads === 1 ? "" : "s"}), batch ${r.batch} × ${r.block}, ${r.params.toLocaleString("en")} params`,
    `  training      ${r.tokens_per_s.toLocaleString("en")} tokens/s (median step ${r.step_ms} ms; ${r.rounds} rounds of ${r.steps_per_round} steps)`,
    `  CPU time      ${r.tokens_per_cpu_s.toLocaleString("en")} tokens per CPU-second (all threads)`,
  ];
  if (r.torch_tokens_per_s && r.reference) {
    const ref = r.reference;
    lines.push(
      `  PyTorch CPU   ${r.torch_tokens_per_s.toLocaleString("en")} tokens/s (torch ${ref.torch}, ${ref.threads} thread${ref.threads === 1 ? "" : "s"}, ` +
        `OpenBLAS ${ref.core_type ?? "?"} ${ref.sgemm_gflops} GFLOP/s sgemm, ${ref.blas})`,
      `  ratio         ${r.ratio}× (median of rounds ${r.ratio_rounds!.join(", ")}); per CPU-second ${r.cpu_ratio}×`,
    );
  } else if (r.torch_note) lines.push(`  PyTorch CPU   ${r.torch_note}`);
  lines.push(
    `  sgemm         ${r.sgemm_gflops} GFLOP/s (1024³); model FLOPs utilisation ${(r.mfu * 100).toFixed(1)}%`,
    `  memory        ${r.wasm_heap_bytes ? `wasm heap ${formatBytes(r.wasm_heap_bytes)}, ` : ""}peak RSS ${formatBytes(r.max_rss_bytes)}`,
    `  generation    ${r.gen_tokens_per_s_cache} tokens/s with KV cache, ${r.gen_tokens_per_s_nocache} without (${r.gen_new_tokens} new tokens): ${r.kv_speedup}×`,
    `  evaluation    ${r.eval_greedy_rows_per_s} rows/s greedy (batch ${r.eval_batch}, ${r.eval_new_tokens} new tokens, KV cache); ` +
      `${r.eval_rank_rows_per_s} rows/s rank classification (${r.eval_rank_candidates} candidates, ${r.eval_rank_prompt_chars}-character prompts)`,
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
