import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { registerMagic, unregisterMagic } from "../../kernel/magics/registry.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, run, text } from "./helpers.ts";

let executor: Executor;
let dir: string;

beforeAll(async () => {
  dir = notebookDir();
  executor = await createExecutor({ flag: new InterruptFlag(), globals: { kernelName: "symtune" }, cwd: dir });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("cells share declarations", () => {
  it("sees a variable, a function and a type from earlier cells", async () => {
    await run(executor, "let counter = 1;\nfunction bump(by: number): number { counter += by; return counter; }\ninterface Pair { a: number; b: string }");
    expect(text(await run(executor, "bump(2)"))).toBe("3");
    expect(text(await run(executor, "const pair: Pair = { a: counter, b: 'x' };\npair.a"))).toBe("3");
  });

  it("lets a later cell assign an earlier let, and the earlier function sees it", async () => {
    await run(executor, "counter = 10");
    expect(text(await run(executor, "bump(1)"))).toBe("11");
  });

  it("redeclares let and const with a new type", async () => {
    await run(executor, "let shape = 1;\nconst fixed = 'a';");
    const again = await run(executor, "let shape = 'now a string';\nconst fixed = 2;\nshape.toUpperCase() + fixed");
    expect(text(again)).toBe("'NOW A STRING2'");
    expect(text(await run(executor, "typeof shape"))).toBe("'string'");
  });

  it("refuses to assign a const from an earlier cell, as TypeScript would", async () => {
    await run(executor, "const frozen = 1;");
    const outcome = await run(executor, "frozen = 2;");
    expect(outcome).toMatchObject({ status: "error", ename: "TSError" });
    if (outcome.status === "error") expect(outcome.evalue).toContain("Cannot assign to 'frozen' because it is a constant");
  });

  it("keeps destructured and class declarations", async () => {
    await run(executor, "const { left, right: [first = 7] } = { left: 'L', right: [] as number[] };\nclass Box { constructor(readonly v: number) {} twice() { return this.v * 2; } }");
    expect(text(await run(executor, "left + first + new Box(4).twice()"))).toBe("'L78'");
  });
});

describe("results and errors", () => {
  it("returns the last expression as a mime bundle and nothing for undefined", async () => {
    expect(text(await run(executor, "const xs = [1, 2, 3];\nxs.map((x) => x * 10)"))).toBe("[ 10, 20, 30 ]");
    for (const code of ["undefined", "let nothing = 5;"]) {
      const outcome = await run(executor, code);
      expect(outcome.status).toBe("ok");
      expect(outcome.status === "ok" && outcome.result).toBeUndefined();
    }
  });

  it("renders a Displayable result through its own bundle", async () => {
    const outcome = await run(executor, '({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>hi</b>" }; } })');
    expect(outcome).toMatchObject({ status: "ok", result: { "text/html": "<b>hi</b>" } });
  });

  it("runs top-level await", async () => {
    const outcome = await run(executor, "const slow = await new Promise<string>((r) => setTimeout(() => r('late'), 20));\nslow + '!'");
    expect(text(outcome)).toBe("'late!'");
  });

  it("reports a type error with its line, and does not run the cell", async () => {
    const outcome = await run(executor, "let ranA = 1;\nconst n: number = 'text';");
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("TSError");
    expect(outcome.evalue).toBe("Type 'string' is not assignable to type 'number'. (TS2322)");
    expect(outcome.traceback).toEqual([
      expect.stringMatching(/^In \[\d+\], line 2$/),
      "    const n: number = 'text';",
      "          ^",
      "TSError: Type 'string' is not assignable to type 'number'. (TS2322)",
    ]);
    expect((await run(executor, "ranA")).status).toBe("error"); // never declared
  });

  it("turns a thrown error into an error outcome with cell lines, and the kernel lives on", async () => {
    await run(executor, "let survivor = 'still here';");
    const outcome = await run(executor, "interface Unused { a: number }\nfunction fail(): never {\n  throw new RangeError('out of range');\n}\nfail();");
    expect(outcome).toMatchObject({ status: "error", ename: "RangeError", evalue: "out of range" });
    if (outcome.status !== "error") return;
    expect(outcome.traceback.at(-1)).toBe("RangeError: out of range");
    expect(outcome.traceback.join("\n")).toMatch(/^In \[(\d+)\], line 5\n    fail\(\);\n    \^\nIn \[\1\], line 3, in fail\n    throw new RangeError\('out of range'\);\n          \^\nRangeError: out of range$/);
    expect(text(await run(executor, "survivor"))).toBe("'still here'");
  });

  it("shows a user error as one line without a stack", async () => {
    const outcome = await run(executor, `import { UsageError } from ${JSON.stringify(new URL("../../lib/errors.ts", import.meta.url).pathname)};\nthrow new UsageError("--epochs must be a positive integer, got -1");`);
    expect(outcome).toMatchObject({
      status: "error",
      ename: "UsageError",
      evalue: "--epochs must be a positive integer, got -1",
      traceback: ["UsageError: --epochs must be a positive integer, got -1"],
    });
  });
});

describe("imports", () => {
  it("imports an ESM-only package from the notebook's node_modules", async () => {
    const outcome = await run(executor, "import greet, { answer } from 'esm-only';\ngreet('notebook') + ' ' + answer");
    expect(text(outcome)).toBe("'hello notebook 42'");
    expect(text(await run(executor, "greet('again')"))).toBe("'hello again'");
  });

  it("imports a local TypeScript file, values and types", async () => {
    const outcome = await run(executor, "import { double, type Point } from './util.ts';\nconst p: Point = { x: double(2), y: 1 };\np.x");
    expect(text(outcome)).toBe("4");
  });
});

describe("the cell's globals", () => {
  it("routes console.log to stdout and console.error to stderr", async () => {
    const outcome = await run(executor, "console.log('out', { a: 1 });\nconsole.error('problem');");
    expect(outcome.seen.stdout).toBe("out { a: 1 }\n");
    expect(outcome.seen.stderr).toBe("problem\n");
  });

  it("reads a line with input() and prompt()", async () => {
    const outcome = await run(executor, "const who = await input('Name? ');\nconst age = await prompt('Age? ');\n`${who}:${age}`", ["Ada", "36"]);
    expect(text(outcome)).toBe("'Ada:36'");
    expect(outcome.seen.prompts).toEqual(["Name? ", "Age? "]);
  });

  it("displays values through display()", async () => {
    const outcome = await run(executor, "display([{ name: 'a', n: 1 }]);\ndisplay.html('<i>x</i>');");
    expect(outcome.seen.displays[0]?.["text/html"]).toMatch(/<td[^>]*>a<\/td>/);
    expect(outcome.seen.displays[1]?.["text/html"]).toBe("<i>x</i>");
  });

  it("exposes the globals the kernel passes", async () => {
    expect(text(await run(executor, "kernelName"))).toBe("'symtune'");
  });
});

describe("magics", () => {
  beforeAll(() => {
    registerMagic({
      name: "double_it",
      mode: "both",
      summary: "Doubles a number (test magic)",
      args: [{ name: "n", help: "the number", type: "number" }],
      run: async (args, ctx) => (ctx.body !== undefined ? await ctx.evaluate(ctx.body) as number : args.n as number) * 2,
    });
  });
  afterAll(() => unregisterMagic("double_it"));

  it("runs a line magic mixed with code; the last line's value is the result", async () => {
    expect(text(await run(executor, "let before = 1;\n%double_it 21"))).toBe("42");
  });

  it("runs a cell magic whose body is evaluated in the cell scope", async () => {
    expect(text(await run(executor, "%%double_it\nlet inBody = 5;\ninBody + 1"))).toBe("12");
    expect(text(await run(executor, "inBody"))).toBe("5");
  });

  it("lets later cells use a variable a magic put in the scope", async () => {
    registerMagic({
      name: "store_it",
      mode: "line",
      summary: "Stores a value under a name (test magic)",
      args: [{ name: "name", help: "the variable" }],
      run: (args, ctx) => void (ctx.scope[args.name as string] = { size: 3 }),
    });
    try {
      expect(await run(executor, "%store_it stored")).toMatchObject({ status: "ok" });
      expect(text(await run(executor, "stored.size + 1"))).toBe("4");
    } finally {
      unregisterMagic("store_it");
    }
  });

  it("answers an unknown magic with a one-line UsageError naming the nearest", async () => {
    const outcome = await run(executor, "%double_itt 3");
    expect(outcome).toMatchObject({ status: "error", ename: "UsageError" });
    if (outcome.status === "error") {
      expect(outcome.traceback).toHaveLength(1);
      expect(outcome.evalue).toContain("%double_it");
    }
  });
});

describe("editing a local module", () => {
  it("loads the new version when the import cell runs again", async () => {
    const file = `${dir}/rate.ts`;
    fs.writeFileSync(file, "export const rate = 1;\n");
    expect(text(await run(executor, "import { rate } from './rate.ts';\nrate"))).toBe("1");
    fs.writeFileSync(file, "export const rate = 2;\nexport const extra = 'new';\n");
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(file, later, later); // a distinct mtime even on coarse clocks
    expect(text(await run(executor, "import { rate, extra } from './rate.ts';\n`${rate} ${extra}`"))).toBe("'2 new'");
  });
});

describe("cell magic bodies", () => {
  beforeAll(() => {
    registerMagic({ name: "run_body", mode: "cell", summary: "Runs its body (test magic)", args: [], run: (_args, ctx) => ctx.evaluate(ctx.body ?? "") });
  });
  afterAll(() => unregisterMagic("run_body"));

  it("reports a type error in the body at the cell's line", async () => {
    const outcome = await run(executor, "%%run_body\nconst fine = 1;\nconst bad: string = fine;");
    expect(outcome).toMatchObject({ status: "error", ename: "TSError" });
    if (outcome.status === "error") expect(outcome.traceback.slice(0, 3)).toEqual([expect.stringMatching(/, line 3$/), "    const bad: string = fine;", "          ^"]);
  });
});
