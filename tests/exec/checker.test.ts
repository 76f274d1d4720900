/**
 * The type checker in its own thread (the kernel's setup): cells run while it warms, their
 * type errors arrive late under them, later cells are checked, magic variables get types; and
 * when the thread dies the kernel says so and goes on checking on its main thread.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, run, text } from "./helpers.ts";

const threaded = (dir: string) => createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir, coldCells: "run", checkerThread: true });

async function until(condition: () => boolean, what: string, ms = 120_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 100) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `code` until it is type-checked (an error reply rather than a cold run): the checker is warm. */
async function whenChecked(executor: Executor, code: string) {
  let outcome = await run(executor, code);
  // Idle a moment between tries: an in-thread checker warms only when the kernel is idle.
  for (let tries = 0; outcome.status === "ok" && tries < 150; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    outcome = await run(executor, code);
  }
  return outcome;
}

afterEach(() => {
  delete process.env.SYMTUNE_CHECKER_HEAP_MB;
});

describe("type checker thread", () => {
  it("runs cells while it warms, reports their type errors late, then checks every cell", { timeout: 180_000 }, async () => {
    const executor = await threaded(notebookDir());
    const first = await run(executor, "const big = Math.max(3, 4);\nconst wrong: number = 'not a number';\nbig + 1");
    expect(text(first)).toBe("5");
    await until(() => first.seen.stderr !== "", "the first cell's late type error");
    expect(first.seen.stderr).toMatch(/^In \[\d+\] ran before the type checker was ready; checked now:\nIn \[\d+\], line 2\n    const wrong: number = 'not a number';\n          \^\nTSError: Type 'string' is not assignable to type 'number'\. \(TS2322\)\n$/);
    // Warm now: a type error stops the cell, and earlier cells' names have their checked types.
    const later = await run(executor, "const y: string = big;");
    expect(later).toMatchObject({ status: "error", ename: "TSError", evalue: "Type 'number' is not assignable to type 'string'. (TS2322)" });
    expect(text(await run(executor, "const z: number = big * 2;\nz"))).toBe("8");
  });

  it("types a variable a magic stored, and completes its members", { timeout: 180_000 }, async () => {
    const executor = await threaded(notebookDir());
    expect((await run(executor, "%collection load scan --as scan --quiet")).status).toBe("ok");
    // Right away, before the checker was ever started: completion waits for it and its types.
    expect((await executor.complete("scan.sam", 8)).matches).toContain("sample");
    expect(await whenChecked(executor, "const probe: string = 1;")).toMatchObject({ status: "error", ename: "TSError" });
    const typo = await run(executor, "scan.smaple(2)");
    expect(typo).toMatchObject({ status: "error", ename: "TSError" });
    expect(typo.status === "error" && typo.evalue).toMatch(/^Property 'smaple' does not exist on type 'Collection'\. Did you mean 'sample'\?/);
  });

  it("when the thread dies, says so once and goes on checking on the main thread", { timeout: 180_000 }, async () => {
    process.env.SYMTUNE_CHECKER_HEAP_MB = "4"; // far too little for TypeScript: it runs out of memory
    const executor = await threaded(notebookDir());
    expect(text(await run(executor, "const v0 = 0;\nv0"))).toBe("0");
    // Completion starts the checker; its thread dies, the answer comes from the main thread.
    expect((await executor.complete("v", 1)).matches).toContain("v0");
    const next = await run(executor, "v0 + 2");
    expect(text(next)).toBe("2");
    expect(next.seen.stderr).toMatch(/^The type checker's thread stopped \(.+\); type checking goes on in the kernel's main thread.*\n$/);
    const typeError = await whenChecked(executor, "const s: string = v0;");
    expect(typeError).toMatchObject({ status: "error", ename: "TSError", evalue: "Type 'number' is not assignable to type 'string'. (TS2322)" });
    const after = await run(executor, "v0 + 1");
    expect(text(after)).toBe("1");
    expect(after.seen.stderr).toBe("");
  });
});
