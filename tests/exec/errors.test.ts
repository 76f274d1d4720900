/**
 * One error format: `In [n], line l`, the source line, a caret, then `Name: message` — for
 * type, syntax, runtime and async errors; one error per mistake; no kernel frames or absolute
 * paths. And cells that run before the type checker is warm ("cold" cells).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, run, text } from "./helpers.ts";

let executor: Executor;
let dir: string;

beforeAll(async () => {
  dir = notebookDir();
  fs.writeFileSync(path.join(dir, "helper.ts"), "export function explode(what: string): never {\n  throw new Error(`${what} exploded`);\n}\n");
  executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir });
});

const errorOf = async (code: string) => {
  const outcome = await run(executor, code);
  if (outcome.status !== "error") throw new Error(`expected an error from ${JSON.stringify(code)}, got ${JSON.stringify(outcome)}`);
  return outcome;
};

describe("error format", () => {
  it("shows a syntax error once, at its place, however much follows", async () => {
    const e = await errorOf("const a = 1;\nconst b = (a + ;\nconst c = b * 2;\nlet d: = 4;");
    expect(e.ename).toBe("SyntaxError");
    expect(e.traceback).toEqual([expect.stringMatching(/^In \[\d+\], line 2$/), "    const b = (a + ;", "                   ^", "SyntaxError: Expression expected. (TS1109)"]);
  });

  it("shows each type error with its line and caret", async () => {
    const e = await errorOf("const s: string = 1;\nMath.mux(1, 2);");
    expect(e.ename).toBe("TSError");
    const shown = e.traceback.join("\n");
    expect(shown).toMatch(/^In \[\d+\], line 1\n    const s: string = 1;\n          \^\nTSError: Type 'number' is not assignable to type 'string'\. \(TS2322\)\n/);
    expect(shown).toMatch(/In \[\d+\], line 2\n    Math\.mux\(1, 2\);\n         \^\nTSError: Property 'mux' does not exist on type 'Math'\. \(TS2339\)$/);
  });

  it("shows a runtime error through a local module: cell frames with source, the module by its relative path", async () => {
    const e = await errorOf('import { explode } from "./helper.ts";\nfunction outer() {\n  return explode("boiler");\n}\nouter();');
    expect(e.ename).toBe("Error");
    expect(e.evalue).toBe("boiler exploded");
    const shown = e.traceback.join("\n");
    expect(shown).toMatch(/^In \[(\d+)\], line 5\n    outer\(\);\n    \^\nIn \[\1\], line 3, in outer\n    return explode\("boiler"\);\n           \^\nhelper\.ts, line 2, in explode\nError: boiler exploded$/);
    expect(shown).not.toContain(dir);
    expect(shown).not.toContain("/kernel/");
  });

  it("shows an error after an await the same way", async () => {
    const e = await errorOf("await new Promise((resolve) => setTimeout(resolve, 5));\nconst parts = [1, 2];\n(parts as any).nope.length;");
    expect(e.ename).toBe("TypeError");
    expect(e.traceback.join("\n")).toMatch(/^In \[\d+\], line 3\n    \(parts as any\)\.nope\.length;\n    +\^\nTypeError: Cannot read properties of undefined \(reading 'length'\)$/);
  });

  it("keeps a user error to one line", async () => {
    const e = await errorOf(`import { UsageError } from ${JSON.stringify(path.resolve("lib/errors.ts"))};\nthrow new UsageError("%train: --steps expects an integer, got 'ten'");`);
    expect(e.traceback).toEqual(["UsageError: %train: --steps expects an integer, got 'ten'"]);
  });
});

describe("cold cells (run before the type checker is warm)", () => {
  it("runs at once, reports its type errors later, and later cells get the checked types", { timeout: 150_000 }, async () => {
    const cold = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir, coldCells: "run", warmUp: false });
    const first = await run(cold, "const big = Math.max(3, 4);\nconst wrong: number = 'not a number';\nbig + 1");
    expect(text(first)).toBe("5");
    const broken = await run(cold, "const x = (1 + ;");
    expect(broken).toMatchObject({ status: "error", ename: "SyntaxError" });
    // The checker warms when the kernel has been idle a moment (after loading symtune).
    for (let waited = 0; first.seen.stderr === "" && waited < 120_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first.seen.stderr).toMatch(/^In \[\d+\] ran before the type checker was ready; checked now:\nIn \[\d+\], line 2\n    const wrong: number = 'not a number';\n          \^\nTSError: Type 'string' is not assignable to type 'number'\. \(TS2322\)\n$/);
    const later = await run(cold, "const y: string = big;");
    expect(later).toMatchObject({ status: "error", ename: "TSError", evalue: "Type 'number' is not assignable to type 'string'. (TS2322)" });
  });
});
