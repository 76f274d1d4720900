/**
 * The whole training loop's throughput — `train()` with batching, masking, AdamW, clipping
 * and accumulation — on the benchmark shapes (bench.ts measures the bare model step).
 * Also shows that config B fits the wasm heap at batch 8, and reaches batch 32 through
 * accumulation.
 *
 *   npx tsx bench/train-loop.ts [--config A|B|notebook|small] [--accumulate N] [--steps N] [--json]
 *
 * Every example fills the context exactly (no padding), so tokens/step = batch × accumulate ×
 * blockSize, the same count bench.ts and the PyTorch reference use.
 */
import { parseArgs } from "node:util";
import { formatBytes, memoryUse } from "../lib/backend/heap.ts";
import { initBackend } from "../lib/backend/ladder.ts";
import { createGPT } from "../lib/model/gpt.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { train } from "../lib/train/trainer.ts";
import { BENCH_CONFIGS } from "./bench.ts";
import { Rng } from "../lib/rng.ts";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "A" },
    accumulate: { type: "string", default: "1" },
    steps: { type: "string", default: "8" },
    json: { type: "boolean", default: false },
  },
});
const bench = BENCH_CONFIGS[values.config!.toUpperCase()];
if (!bench) throw new Error(`--config must be A, B, notebook or small, got ${values.config}`);
const accumulate = Number(values.accumulate);
const steps = Number(values.steps);

const backend = await initBackend();
const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()=+-*/.,;:";
const tokenizer = new CharTokenizer([...alphabet]);
const T = bench.model.blockSize;
const rng = new Rng(1);
const text = (n: number) => Array.from({ length: n }, () => alphabet[rng.index(alphabet.length)]).join("");
// BOS prompt SEP completion EOS = T + 1 tokens: a quarter prompt, the rest completion.
const promptLength = Math.floor(T / 4);
const data = Array.from({ length: 256 }, () => ({ prompt: text(promptLength), completion: text(T + 1 - 3 - promptLength) }));

const model = createGPT(bench.model, 0);
const stepSeconds: number[] = [];
let peakHeap = 0;
const result = await train({
  model, tokenizer, data, steps, batchSize: bench.batch, accumulate, lr: 3e-4, warmup: 2, seed: 0,
  onStep: (m) => {
    stepSeconds.push(m.tokens / m.tokensPerSecond);
    peakHeap = Math.max(peakHeap, memoryUse().wasmHeapBytes ?? 0);
  },
});
const timed = stepSeconds.slice(1).sort((a, b) => a - b); // the first step warms up kernels
const median = timed[Math.floor(timed.length / 2)]!;
const tokensPerStep = bench.batch * accumulate * T;
const report = {
  config: values.config!.toUpperCase(),
  backend: backend.name,
  threads: backend.threads,
  batch: bench.batch,
  accumulate,
  effective_batch: bench.batch * accumulate,
  steps: result.step,
  tokens_per_s: Math.round(tokensPerStep / median),
  step_ms: Math.round(median * 1000),
  wasm_heap_bytes: peakHeap || undefined,
  final_loss: Number(result.losses.at(-1)!.toFixed(4)),
};
if (values.json) console.log(JSON.stringify(report));
else {
  console.log(
    `config ${report.config} on ${report.backend} (${report.threads} threads), batch ${report.batch} × accumulate ${accumulate}: ` +
      `${report.tokens_per_s} tokens/s (median step ${report.step_ms} ms over ${timed.length} steps)` +
      `${peakHeap ? `, wasm heap ${formatBytes(peakHeap)}` : ""}, loss ${report.final_loss}`,
  );
}
model.dispose();
