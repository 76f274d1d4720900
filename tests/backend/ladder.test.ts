/**
 * The backend ladder on a machine without the native tfjs backends (this one): it falls
 * through to wasm, says why the others are missing, switches on request, refuses a missing
 * backend with a clear error, and turns wasm heap exhaustion into advice.
 */
import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { backendReport } from "../../lib/backend/doctor.ts";
import { withHeapGuard } from "../../lib/backend/heap.ts";
import { currentBackend, initBackend } from "../../lib/backend/ladder.ts";
import { TrainingError, UsageError } from "../../lib/errors.ts";

describe("backend ladder", () => {
  it("falls through the absent node backends to wasm, saying why", async () => {
    const info = await initBackend();
    expect(info.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(info.skipped.map((s) => s.name)).toEqual(["node-gpu", "node"]);
    expect(info.skipped[0].reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(info.skipped[1].reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(await initBackend()).toBe(info); // idempotent
  });

  it("reports every rung for symtune doctor, with how to get the missing ones", async () => {
    const report = await backendReport();
    expect(report.active).toBe("wasm");
    const byName = Object.fromEntries(report.rungs.map((r) => [r.name, r]));
    expect(byName["node-gpu"].available).toBe(false);
    expect(byName["node-gpu"].howTo).toMatch(/allowScripts.*libtensorflow 2\.9\.1.*CUDA 11\.2 \+ cuDNN 8\.1/);
    expect(byName.node.howTo).toMatch(/"allowScripts": \{ "@tensorflow\/tfjs-node": true \}/);
    expect(byName.wasm.available).toBe(true);
    expect(report.text).toMatch(/^active\s+wasm/m);
  });

  it("switches backends on request and refuses a missing one without losing the current", async () => {
    expect((await initBackend("cpu")).name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect((await initBackend("wasm")).name).toBe("wasm");
    await expect(initBackend("node")).rejects.toThrow(UsageError);
    await expect(initBackend("node")).rejects.toThrow(/backend "node" is not available: @tensorflow\/tfjs-node is not installed/);
    expect(currentBackend()?.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    await expect(initBackend("tpu")).rejects.toThrow(/unknown backend "tpu"; choose one of node-gpu, node, wasm, cpu/);
  });

  it("treats SYMTUNE_BACKEND as a preference that falls through with a note, and runs wasm on 2 threads in Node", () => {
    const ladder = new URL("../../lib/backend/ladder.ts", import.meta.url).href;
    const script = join(mkdtempSync(join(tmpdir(), "symtune-ladder-")), "env.mts");
    writeFileSync(script, [
      `import { initBackend } from ${JSON.stringify(ladder)};`,
      "const info = await initBackend();",
      `const tf = await import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve("@tensorflow/tfjs")).href)});`,
      "const a = tf.randomNormal([300, 200]), b = tf.randomNormal([200, 100]);",
      "const product = Array.from(tf.matMul(a, b).dataSync().slice(0, 5));",
      "await tf.setBackend('cpu');",
      "const reference = Array.from(tf.matMul(a, b).dataSync().slice(0, 5));",
      "console.log(JSON.stringify({ name: info.name, note: info.note, threads: info.threads, product, reference }));",
    ].join("\n"));
    const out = execFileSync(process.execPath, ["--import", "tsx", script], {
      // Without native matmul, XNNPACK gets the threads (with it, MLAS does).
      env: { ...process.env, SYMTUNE_BACKEND: "node-gpu", SYMTUNE_THREADS: "2", SYMTUNE_NATIVE_MATMUL: "0" },
      encoding: "utf8",
    });
    const info = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(info.name).toBe("wasm");
    expect(info.note).toMatch(/SYMTUNE_BACKEND=node-gpu is not available \(@tensorflow\/tfjs-node-gpu is not installed\); using wasm/);
    // XNNPACK reports the threads it actually started (the pthread worker loads from a file).
    expect(info.threads).toBe(2);
    info.product.forEach((v: number, i: number) => expect(Math.abs(v - info.reference[i])).toBeLessThan(1e-3));
  });
});

describe("wasm heap exhaustion", () => {
  it("becomes a TrainingError with advice, and the backend keeps working", async () => {
    await initBackend("wasm");
    // 8 GB: more than the 4 GB heap can ever hold (refused before any allocation).
    let caught: unknown;
    try {
      withHeapGuard(() => tf.fill([2_000_000_000], 1), { microBatch: 8 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TrainingError);
    expect((caught as Error).message).toMatch(
      /ran out of tensor memory on the wasm backend \(the wasm heap stops at 4\.0 GB\); use a smaller micro-batch \(e\.g\. 4 instead of 8\) with gradient accumulation/,
    );
    expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
  });

  it("recognises the trap message of an out-of-bounds heap access", () => {
    expect(() => withHeapGuard(() => { throw new WebAssembly.RuntimeError("memory access out of bounds"); })).toThrow(TrainingError);
    expect(() => withHeapGuard(() => { throw new RangeError("unrelated"); })).toThrow(RangeError);
  });
});
