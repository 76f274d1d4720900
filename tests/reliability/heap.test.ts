/**
 * Issue 11 item 5: a training step that does not fit the tensor heap is one TrainingError
 * whose advice is %train flags; every tensor of the failed step is freed; the kernel lives
 * and trains again. A real kernel over zeromq on the real wasm backend, with shapes that
 * cannot fit the 4 GB wasm heap (the allocation is really requested and refused), not a
 * simulated throw. Two places a step meets the limit: the attention scores of long rows
 * (a tensor of the wasm backend), and the packed-attention mask built in JavaScript.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelProcess } from "../../kernel/runner/launch.ts";
import { tempHistory, textOf } from "../kernel/helpers.ts";

let runs: string;
const kernels: KernelProcess[] = [];

/** Rows for %train: `n` examples whose completion is `length` characters. */
const rows = (n: number, length: number) =>
  `Array.from({ length: ${n} }, (_, i) => ({ task: "copy", domain: "test", form: "text", instruction: "copy", input: "", output: "ab".repeat(${length / 2}) + i, split: "train", meta: {} }))`;

async function tensors(kernel: KernelProcess): Promise<number> {
  const { reply, outputs } = await kernel.client.execute("tf.memory().numTensors");
  expect(reply.content.status).toBe("ok");
  return Number(textOf(outputs, "execute_result"));
}

/** A kernel with the rows defined that has trained once (the heap used before, where the raw error used to show). */
async function start(env: Record<string, string>): Promise<KernelProcess> {
  const kernel = await KernelProcess.start({ env: { SYMTUNE_RUNS_DIR: runs, SYMTUNE_HISTORY: tempHistory(), ...env } });
  kernels.push(kernel);
  const setup = await kernel.client.execute(
    `import * as tf from "@tensorflow/tfjs";\nconst long = ${rows(512, 1000)};\nconst packed = [...${rows(1, 4000)}, ...${rows(4201, 60)}];\nconst small = ${rows(8, 20)};`,
  );
  expect(setup.reply.content.status, JSON.stringify(setup.reply.content)).toBe("ok");
  expect((await kernel.client.execute("%train --stage injection --data small --steps 2 --batch-size 4 --preset tiny")).reply.content.status).toBe("ok");
  return kernel;
}

beforeAll(() => {
  runs = mkdtempSync(join(tmpdir(), "symtune-heap-"));
});
afterAll(async () => {
  for (const kernel of kernels) await kernel.kill();
  rmSync(runs, { recursive: true, force: true });
});

const CASES: [string, string, number, number][] = [
  ["attention scores of 512 rows of 1024 tokens (a wasm tensor)", "long", 512, 1024],
  ["the packed-attention mask of 4200 short rows beside a 4096-token one (a JavaScript array)", "packed", 4202, 4096],
];

// Products go to native MLAS when onnxruntime-node loads (the default), else to XNNPACK in wasm.
describe.each([
  ["matrix products as configured (native when available)", {}, CASES],
  ["matrix products on XNNPACK (SYMTUNE_NATIVE_MATMUL=0)", { SYMTUNE_NATIVE_MATMUL: "0" }, CASES.slice(0, 1)],
] as const)("a step that does not fit the heap, %s", (_how, env, cases) => {
  let kernel: KernelProcess;
  beforeAll(async () => {
    kernel = await start(env);
  });
  for (const [what, data, batch, block] of cases) it(`${what}: one TrainingError with %train flags, tensors freed, the kernel trains again`, async () => {
    const before = await tensors(kernel);
    const failed = await kernel.client.execute(`%train --stage injection --data ${data} --steps 1 --batch-size ${batch} --block-size ${block} --preset tiny`);
    expect(failed.reply.content.status).toBe("error");
    expect(failed.reply.content.ename).toBe("TrainingError");
    const message = String(failed.reply.content.evalue);
    expect(message).toContain("ran out of tensor memory");
    expect(message).toContain(`--batch-size ${batch / 2} --accumulate 2 (the same ${batch} examples per step)`);
    expect(message).toContain(`a shorter --block-size than ${block}`);
    expect(failed.reply.content.traceback).toHaveLength(1); // one sentence, no stack
    expect(await tensors(kernel)).toBe(before);
    const again = await kernel.client.execute("%train --stage injection --data small --steps 2 --batch-size 4 --preset tiny --as ok");
    expect(again.reply.content.status, JSON.stringify(again.reply.content)).toBe("ok");
    expect(textOf(again.outputs, "execute_result")).toMatch(/completed/);
    expect((await kernel.client.execute("ok.model.dispose()")).reply.content.status).toBe("ok");
    expect(await tensors(kernel)).toBe(before);
  });
});
