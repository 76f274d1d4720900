import { beforeAll, describe, expect, it } from "vitest";
import { Worker } from "node:worker_threads";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { run, text } from "./helpers.ts";

let executor: Executor;
const flag = new InterruptFlag();

beforeAll(async () => {
  executor = await createExecutor({ flag, globals: {} });
});

/** Raises the shared flag from another thread, as the kernel's wire worker does. */
function raiseFromWorker(afterMs: number): Worker {
  return new Worker(
    `const { workerData } = require("node:worker_threads");
     setTimeout(() => Atomics.store(new Int32Array(workerData), 0, 1), ${afterMs});`,
    { eval: true, workerData: flag.buffer },
  );
}

describe("interrupt", () => {
  it("stops a synchronous infinite loop through the shared flag; earlier state survives", async () => {
    await run(executor, "let before = 'kept';\nlet spins = 0;");
    const worker = raiseFromWorker(200);
    const outcome = await run(executor, "while (true) { spins++; }");
    await worker.terminate();
    expect(outcome).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(text(await run(executor, "before"))).toBe("'kept'");
    expect(text(await run(executor, "spins > 0"))).toBe("true");
  });

  it("stops a loop inside a function defined in an earlier cell", async () => {
    await run(executor, "function spin(): number { let i = 0; for (;;) { i++; } }");
    const worker = raiseFromWorker(100);
    const outcome = await run(executor, "spin()");
    await worker.terminate();
    expect(outcome).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
  });

  it("clears the flag when the next cell starts", async () => {
    flag.raise();
    expect(text(await run(executor, "let ok = 0;\nfor (let i = 0; i < 3; i++) ok++;\nok"))).toBe("3");
  });

  it("stops an async loop (a training loop's shape) with interrupt(), and the cell's signal fires", async () => {
    await run(executor, "let steps = 0;");
    const cell = run(executor, "while (true) {\n  steps++;\n  await new Promise((r) => setTimeout(r, 5));\n}");
    await new Promise((r) => setTimeout(r, 100));
    executor.interrupt();
    expect(await cell).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    const after = Number(text(await run(executor, "steps")));
    expect(after).toBeGreaterThan(0);
    // The interrupted loop does not resume in the background once the next cell ran.
    await new Promise((r) => setTimeout(r, 50));
    expect(Number(text(await run(executor, "steps")))).toBe(after);
  });

  it("ends a cell waiting on a promise that never settles", async () => {
    const cell = run(executor, "await new Promise(() => {});");
    await new Promise((r) => setTimeout(r, 50));
    executor.interrupt();
    expect(await cell).toMatchObject({ status: "error", ename: "KeyboardInterrupt", traceback: ["KeyboardInterrupt: Execution interrupted"] });
    expect(text(await run(executor, "1 + 1"))).toBe("2");
  });

  it("aborts the signal a magic watches", async () => {
    const { registerMagic, unregisterMagic } = await import("../../kernel/magics/registry.ts");
    let sawAbort = false;
    let started = false;
    registerMagic({
      name: "wait_abort",
      mode: "line",
      summary: "Waits until interrupted (test magic)",
      args: [],
      run: (_args, ctx) =>
        new Promise((resolve) => {
          started = true;
          ctx.signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve(undefined);
          });
        }),
    });
    try {
      const cell = run(executor, "%wait_abort");
      while (!started) await new Promise((r) => setTimeout(r, 10));
      executor.interrupt();
      expect(await cell).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
      expect(sawAbort).toBe(true);
    } finally {
      unregisterMagic("wait_abort");
    }
  });
});

describe("SIGINT", () => {
  it("breaks a synchronous loop when the process gets SIGINT (breakOnSigint)", async () => {
    const keepAlive = () => {}; // if the signal came outside the cell, it must not end the test run
    process.on("SIGINT", keepAlive);
    try {
      await run(executor, "let sigintBefore = 'kept';");
      const worker = new Worker(
        `const { workerData } = require("node:worker_threads");
         setTimeout(() => process.kill(workerData, "SIGINT"), 200);`,
        { eval: true, workerData: process.pid },
      );
      const outcome = await run(executor, "while (true) {}");
      await worker.terminate();
      expect(outcome).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
      expect(text(await run(executor, "sigintBefore"))).toBe("'kept'");
    } finally {
      process.off("SIGINT", keepAlive);
    }
  });
});

describe("cellSignal", () => {
  it("lets library code that watches a signal stop cleanly and report back", async () => {
    await run(executor, "let cleanStop = '';");
    const cell = run(
      executor,
      "await new Promise<void>((resolve) => cellSignal.addEventListener('abort', () => { cleanStop = 'saved checkpoint'; resolve(); }));",
    );
    await new Promise((r) => setTimeout(r, 100));
    executor.interrupt();
    expect(await cell).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(text(await run(executor, "cleanStop"))).toBe("'saved checkpoint'");
    expect(text(await run(executor, "cellSignal.aborted"))).toBe("false");
  });
});

describe("a cell stopped by force", () => {
  it("ends at once, without the grace period, when the wire worker reports it terminated the cell", async () => {
    const cell = run(executor, "await new Promise(() => {});");
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    executor.interrupt(flag.cell); // the running cell's number, as the wire worker reports it
    expect(await cell).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    // The cooperative path would wait 2 s for the cell to settle on its own.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
