/**
 * Useful (non-padding) tokens per second with packing against padding, on examples of mixed
 * length: the same batches of examples (Batcher, seeded), each micro-batch built padded
 * (one example a row) or packed (lib/prompts/batch.ts), forward + backward, alternating the
 * two in rounds so both see the same machine load.
 *
 *   npx tsx bench/packing.ts [--config notebook|A|B] [--batches N] [--rounds N] [--json]
 *
 * Example lengths are uniform between a tenth of the context and all of it (prompts and
 * completions of the notebooks' kind vary that much).
 */
import { parseArgs } from "node:util";
import { initBackend } from "../lib/backend/ladder.ts";
import { Rng } from "../lib/rng.ts";
import { createGPT } from "../lib/model/gpt.ts";
import { CharTokenizer } from "../lib/model/tokenizer.ts";
import { Batcher, disposeBatch, makeBatch } from "../lib/prompts/batch.ts";
import { encodeExample } from "../lib/prompts/encode.ts";
import { stepGradients } from "../lib/train/step.ts";
import * as tf from "@tensorflow/tfjs";
import { BENCH_CONFIGS } from "./bench.ts";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "notebook" },
    batches: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const bench = BENCH_CONFIGS[values.config!.toUpperCase()];
if (!bench) throw new Error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}, got ${values.config}`);
const backend = await initBackend();
const T = bench.model.blockSize;
const alphabet = "abcdefghijklmnopqrstuvwxyz ()=+-*/.,;:";
const tokenizer = CharTokenizer.fromTexts([alphabet]);
const rng = new Rng(3);
const text = (n: number) => Array.from({ length: n }, () => alphabet[rng.index(alphabet.length)]).join("");
const rows = Array.from({ length: 512 }, () => {
  const total = Math.floor(T / 10) + rng.index(T - Math.floor(T / 10)); // tokens incl. BOS/SEP/EOS
  const prompt = Math.floor(total / 2);
  return encodeExample(tokenizer, { prompt: text(prompt), completion: text(Math.max(1, total - prompt - 3)) }, T);
});
const model = createGPT({ ...bench.model, vocabSize: Math.max(bench.model.vocabSize, tokenizer.vocabSize) }, 0);
const batches = Number(values.batches);

/** Useful tokens per second over `batches` micro-batches, and the rows they took. */
async function measure(pack: boolean, seed: number): Promise<{ rate: number; rows: number; tokens: number }> {
  const batcher = new Batcher(rows, bench.batch, seed);
  let tokens = 0;
  let seconds = 0;
  let used = 0;
  for (let i = 0; i < batches; i++) {
    const batch = makeBatch(batcher.next(), tokenizer.special.pad, { pack });
    const t0 = performance.now();
    const result = await stepGradients(model, [batch], 0);
    seconds += (performance.now() - t0) / 1000;
    if (result !== "interrupted") tf.dispose(Object.values(result.grads));
    tokens += batch.tokenCount;
    used += batch.inputs.shape[0];
    disposeBatch(batch);
  }
  return { rate: tokens / seconds, rows: used, tokens };
}

await measure(true, 99);
await measure(false, 99);
const ratios: number[] = [];
const report: { round: number; padded: number; packed: number; padded_rows: number; packed_rows: number }[] = [];
for (let r = 0; r < Number(values.rounds); r++) {
  const padded = await measure(false, r);
  const packed = await measure(true, r);
  ratios.push(packed.rate / padded.rate);
  report.push({ round: r, padded: Math.round(padded.rate), packed: Math.round(packed.rate), padded_rows: padded.rows, packed_rows: packed.rows });
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
const summary = {
  config: values.config, backend: backend.name, threads: backend.threads, batch: bench.batch, block: T,
  rounds: report, speedup_median: Math.round(median * 100) / 100,
};
if (values.json) console.log(JSON.stringify(summary));
else {
  for (const r of report) {
    console.log(`round ${r.round}: padded ${r.padded} useful tokens/s (${r.padded_rows} rows), packed ${r.packed} (${r.packed_rows} rows)`);
  }
  console.log(`config ${summary.config} (${backend.name}, ${backend.threads} thread(s), batch ${bench.batch} × ${T}): packing ${summary.speedup_median}× useful tokens/s (median of rounds)`);
}
model.dispose();
