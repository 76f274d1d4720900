/**
 * Variables a magic stores have their real types in later cells: completion lists their
 * members and a typo is a type error, not `any`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { registerMagic, unregisterMagic } from "../../kernel/magics/registry.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, run, text } from "./helpers.ts";

let executor: Executor;

beforeAll(async () => {
  executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: notebookDir() });
  // Stores a plain object shaped like the library's EvalReport, as %eval --on does.
  registerMagic({
    name: "fake_report",
    mode: "line",
    summary: "Stores an EvalReport-shaped object (test magic)",
    args: [{ name: "as", option: true, help: "variable" }],
    run: (args, ctx) => void (ctx.scope[args.as as string] = { name: "r", scored: [], byTask: [], accuracy: 50, table: async () => null }),
  });
});
afterAll(() => unregisterMagic("fake_report"));

describe("typed magic variables", () => {
  it("types a Collection stored by %collection load --as", async () => {
    expect((await run(executor, "%collection load scan --n 4 --seed 1 --as scan")).status).toBe("ok");
    const completion = await executor.complete("scan.sam", 8);
    expect(completion.matches).toContain("sample");
    const typo = await run(executor, "scan.smaple(2)");
    expect(typo).toMatchObject({ status: "error", ename: "TSError" });
    if (typo.status === "error") expect(typo.evalue).toMatch(/^Property 'smaple' does not exist on type 'Collection'\. Did you mean 'sample'\?/);
    expect(text(await run(executor, "scan.rows.length"))).toBe("4");
    const inspected = await executor.inspect("scan", 4, 0);
    expect(inspected.data["text/plain"]).toMatch(/^let scan: Collection/);
  });

  it("types a plain object by the interface it matches (EvalReport)", async () => {
    await run(executor, "%fake_report --as report");
    const wrong = await run(executor, "const pct: string = report.accuracy;");
    expect(wrong).toMatchObject({ status: "error", evalue: "Type 'number' is not assignable to type 'string'. (TS2322)" });
    expect((await executor.complete("report.by", 9)).matches).toEqual(["byTask"]);
  });

  it("leaves a name a cell declared with the cell's type", async () => {
    await run(executor, "let mine: number | undefined = 1;");
    await run(executor, "%fake_report --as mine");
    expect((await run(executor, "mine = undefined;")).status).toBe("ok");
  });
});
