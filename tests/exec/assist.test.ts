import { beforeAll, describe, expect, it } from "vitest";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { run } from "./helpers.ts";

let executor: Executor;

beforeAll(async () => {
  executor = await createExecutor({ flag: new InterruptFlag(), globals: {} });
  await run(executor, "/** How many epochs the demo trains. */\nconst trainingEpochs = 3;\nfunction scale(x: number, by = 2): number { return x * by; }");
});

describe("complete", () => {
  it("lists members after a dot", async () => {
    const code = "Math.";
    const result = await executor.complete(code, code.length);
    expect(result.matches).toEqual(expect.arrayContaining(["abs", "max", "PI"]));
    expect(result).toMatchObject({ cursorStart: 5, cursorEnd: 5 });
  });

  it("completes a partial word, covering the word", async () => {
    const code = "let a = 1;\ncon";
    const result = await executor.complete(code, code.length);
    expect(result.matches).toEqual(expect.arrayContaining(["console", "const"]));
    expect(result.matches.every((m) => m.toLowerCase().startsWith("con"))).toBe(true);
    expect(result).toMatchObject({ cursorStart: 11, cursorEnd: 14 });
  });

  it("knows names from earlier cells", async () => {
    const result = await executor.complete("trainingE", 9);
    expect(result.matches[0]).toBe("trainingEpochs");
  });

  it("lists magic names after % and %%", async () => {
    const line = await executor.complete("%lsm", 4);
    expect(line).toMatchObject({ matches: ["%lsmagic"], cursorStart: 0, cursorEnd: 4 });
    const cell = await executor.complete("%%tim", 5);
    expect(cell.matches).toEqual(expect.arrayContaining(["%%time", "%%timeit"]));
  });
});

describe("inspect", () => {
  it("shows the signature and documentation of the name at the cursor", async () => {
    const code = "Math.max(1, 2)";
    const result = await executor.inspect(code, 8, 0);
    expect(result.found).toBe(true);
    expect(result.data["text/plain"]).toContain("max(...values: number[]): number");
    expect(result.data["text/plain"]).toContain("Returns the larger of a set of supplied numeric expressions");
  });

  it("inspects a declaration from an earlier cell, with its JSDoc", async () => {
    const result = await executor.inspect("trainingEpochs", 14, 1);
    expect(result.found).toBe(true);
    expect(result.data["text/plain"]).toMatch(/^const trainingEpochs: 3\n/);
    expect(result.data["text/plain"]).toContain("How many epochs the demo trains.");
  });

  it("finds nothing in whitespace", async () => {
    expect((await executor.inspect("1 +   ", 4, 0)).found).toBe(false);
  });
});

describe("isComplete", () => {
  it.each([
    ["let x = 1", "complete"],
    ["function f() {\n  return 1;\n}", "complete"],
    ["function f() {", "incomplete"],
    ["const s = `abc ${1 + 2}", "incomplete"],
    ["const s = 'abc", "incomplete"],
    ["scale(1,", "incomplete"],
    ["1 +", "incomplete"],
    ["/* a comment", "incomplete"],
    ["1 +* 2", "invalid"],
    ["foo())", "invalid"],
    ["%time 1 + 1", "complete"],
    ["%%time\nlet y = (", "complete"],
    ["const re = /[(]/;", "complete"],
    ["const half = 4 / 2; const re2 = /\\(/", "complete"],
  ])("%j is %s", async (code, status) => {
    expect((await executor.isComplete(code)).status).toBe(status);
  });

  it("suggests an indent inside an open block", async () => {
    expect(await executor.isComplete("if (true) {")).toEqual({ status: "incomplete", indent: "  " });
  });
});

describe("pager", () => {
  it("pages the documentation of `Math.max?` and returns no result", async () => {
    const outcome = await run(executor, "Math.max?");
    expect(outcome.status).toBe("ok");
    expect(outcome.status === "ok" && outcome.result).toBeUndefined();
    expect(outcome.seen.pages[0]?.["text/plain"]).toContain("Returns the larger of a set of supplied numeric expressions");
  });

  it("pages an earlier cell's function with `scale??`", async () => {
    const outcome = await run(executor, "scale??");
    expect(outcome.seen.pages[0]?.["text/plain"]).toContain("function scale(x: number, by?: number): number");
  });

  it("pages a magic's help for `%lsmagic?`", async () => {
    const outcome = await run(executor, "%lsmagic?");
    expect(outcome.seen.pages[0]?.["text/plain"]).toMatch(/^Usage: %lsmagic/);
  });

  it("says when a name does not exist", async () => {
    const outcome = await run(executor, "notDefinedAnywhere?");
    expect(outcome.seen.pages[0]?.["text/plain"]).toBe("Object `notDefinedAnywhere` not found.");
  });
});

describe("cursor positions in code points", () => {
  it("completes after an emoji (two UTF-16 units, one code point)", async () => {
    const code = "const face = '😀';\nMath.ab";
    const cursor = [...code].length;
    const result = await executor.complete(code, cursor);
    expect(result).toMatchObject({ matches: ["abs"], cursorStart: cursor - 2, cursorEnd: cursor });
  });
});

describe("inspect on a magic", () => {
  it("shows the magic's help when the cursor is on its name", async () => {
    const result = await executor.inspect("%lsmagic", 3, 0);
    expect(result.found).toBe(true);
    expect(result.data["text/plain"]).toMatch(/^Usage: %lsmagic/);
  });
});

describe("Shift-Tab inside a call", () => {
  it("shows the signature and doc comment of the call being written (Math.max(|)", async () => {
    const code = "const top = Math.max(";
    const result = await executor.inspect(code, code.length, 0);
    expect(result.found).toBe(true);
    expect(result.data["text/plain"]).toBe("max(...values: number[]): number\n\nReturns the larger of a set of supplied numeric expressions.\n\nvalues: Numeric expressions to be evaluated.");
  });

  it("shows an earlier cell's function with the parameter being filled in", async () => {
    await run(executor, "/**\n * Mixes two rates.\n * @param weight how much of a to keep\n */\nfunction mix(a: number, b: number, weight = 0.5): number { return a * weight + b * (1 - weight); }");
    const code = "mix(1, 2, ";
    const result = await executor.inspect(code, code.length, 0);
    expect(result.data["text/plain"]).toBe("mix(a: number, b: number, weight?: number): number\n\nMixes two rates.\n\nweight: how much of a to keep");
  });
});

describe("completion inside magic lines", () => {
  it("completes option names, choices, family names and variables", async () => {
    const complete = async (code: string) => (await executor.complete(code, code.length)).matches;
    expect(await complete("%train --sta")).toEqual(["--stage"]);
    expect(await complete("%train --stage in")).toEqual(["injection", "infusion", "instruction"]);
    expect(await complete("%collection lo")).toEqual(["load"]);
    expect(await complete("%collection load sca")).toContain("scan");
    await run(executor, "const scanRows = [{ input: 'a', output: 'b' }];");
    expect(await complete("%train --stage injection --data scanR")).toEqual(["scanRows"]);
    const spot = await executor.complete("x\n%train --stage in", 19);
    expect(spot).toMatchObject({ cursorStart: 17, cursorEnd: 19 });
  });
});
