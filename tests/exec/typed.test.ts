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
  // Stores a plain object shaped like the library's LoadReport interface (an extension's magic might).
  registerMagic({
    name: "fake_report",
    mode: "line",
    summary: "Stores a LoadReport-shaped object (test magic)",
    args: [{ name: "as", option: true, help: "variable" }],
    run: (args, ctx) => void (ctx.scope[args.as as string] = { files: [{ file: "a.jsonl", layout: "rows", rows: 3, skipped: 0 }], rows: 3, skipped: 0, errors: [] }),
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

  it("types a plain object by the interface it matches (LoadReport)", async () => {
    await run(executor, "%fake_report --as loaded");
    const typo = await run(executor, "loaded.skiped");
    expect(typo).toMatchObject({ status: "error", ename: "TSError", evalue: "Property 'skiped' does not exist on type 'LoadReport'. Did you mean 'skipped'? (TS2551)" });
    expect((await executor.complete("loaded.fi", 9)).matches).toEqual(["files"]);
    expect(text(await run(executor, "loaded.files[0]!.rows"))).toBe("3");
  });

  it("leaves a name a cell declared with the cell's type", async () => {
    await run(executor, "let mine: number | undefined = 1;");
    await run(executor, "%fake_report --as mine");
    expect((await run(executor, "mine = undefined;")).status).toBe("ok");
  });
});
