/**
 * IPython habits a workshop audience types in its first minutes: `!cmd`, `%%bash`,
 * `%%writefile`, `%who`/`%whos`, `%cd`/`%pwd`, `_`/`__`/`Out[n]`/`In[n]`, a trailing `;`,
 * `clear_output()`, `%%capture`, `%history`, and `$name`/`{expression}` in magic arguments.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { registerMagic, unregisterMagic } from "../../kernel/magics/registry.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, recordingIO, run, text } from "./helpers.ts";

let executor: Executor;
let dir: string;
const startDir = process.cwd();

beforeAll(async () => {
  dir = notebookDir();
  executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir });
  // A magic that shows the arguments it received, to see interpolation.
  registerMagic({ name: "echo_args", mode: "both", summary: "Returns its argument line (test magic)", args: [{ name: "line", help: "anything", raw: true }], run: (args) => `[${String(args.line)}]` });
});
afterAll(() => {
  unregisterMagic("echo_args");
  process.chdir(startDir);
});

describe("shell", () => {
  it("runs !cmd in the working directory, streaming its output; a TypeScript `!x;` line stays code", async () => {
    const out = await run(executor, "!echo hello from sh; echo oops 1>&2");
    expect(out.status).toBe("ok");
    expect(out.seen.stdout).toBe("hello from sh\n");
    expect(out.seen.stderr).toBe("oops\n");
    const code = await run(executor, "const flag = false;\n!flag;");
    expect(code.status).toBe("ok");
    expect(code.seen.stdout).toBe("");
  });

  it("runs %%bash with its body on stdin; a failing script is one error", async () => {
    const out = await run(executor, "%%bash\nfor i in 1 2; do echo line $i; done");
    expect(out.seen.stdout).toBe("line 1\nline 2\n");
    const failed = await run(executor, "%%bash\nexit 3");
    expect(failed).toMatchObject({ status: "error", ename: "UsageError", evalue: "%%bash: the script exited with status 3" });
  });

  it("puts variables into shell lines with $name and {expression}; unknown $NAME is the shell's", async () => {
    await run(executor, "const who = 'Ada';\nconst n = 4;");
    process.env.SHELL_VAR_ONLY = "from the shell";
    const out = await run(executor, "!echo $who {n * 2} '$$literal' {{braces}} $SHELL_VAR_ONLY", );
    expect(out.seen.stdout).toBe("Ada 8 $literal {braces} from the shell\n");
  });
});

describe("magic arguments", () => {
  it("interpolates $name and {expression} (type-checked), and leaves %time's code alone", async () => {
    await run(executor, "const k = 3;\nconst label = 'run-a';");
    expect(text(await run(executor, "%echo_args go --n $k --steps {2 * k} --as {label}_x $$k"))).toBe("'[go --n 3 --steps 6 --as run-a_x $k]'");
    expect(text(await run(executor, "%%echo_args go --steps {k + 1}\nbody"))).toBe("'[go --steps 4]'");
    const bad = await run(executor, "%echo_args {k.toFixed(1) * 2}");
    expect(bad).toMatchObject({ status: "error", ename: "TSError" });
    const timed = await run(executor, "%time ({ a: k }).a");
    expect(timed.status).toBe("ok");
    expect(text(timed)).toBe("3");
  });
});

describe("files and folders", () => {
  it("%%writefile writes, overwrites and appends; %cd and %pwd move the kernel", async () => {
    process.chdir(dir);
    const first = await run(executor, "%%writefile notes.txt\nfirst line");
    expect(first.seen.stdout).toBe("Writing notes.txt\n");
    expect((await run(executor, "%%writefile -a notes.txt\nsecond line")).seen.stdout).toBe("Appending to notes.txt\n");
    expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("first line\nsecond line\n");
    expect((await run(executor, "%%writefile notes.txt\nonly")).seen.stdout).toBe("Overwriting notes.txt\n");
    fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
    expect((await run(executor, "%cd sub")).seen.stdout).toBe(`${fs.realpathSync(path.join(dir, "sub"))}\n`);
    expect(text(await run(executor, "%pwd"))).toBe(`'${fs.realpathSync(path.join(dir, "sub"))}'`);
    expect((await run(executor, "!ls ..")).seen.stdout).toContain("notes.txt");
    await run(executor, "%cd -");
    expect(process.cwd()).toBe(fs.realpathSync(dir));
    expect(await run(executor, "%cd nowhere")).toMatchObject({ status: "error", evalue: "%cd: no such directory: nowhere" });
  });

  it("relative imports in later cells follow %cd, in the type checker and at run time", async () => {
    process.chdir(dir);
    expect((await run(executor, 'import { double } from "./util.ts";')).status).toBe("ok");
    fs.mkdirSync(path.join(dir, "lib2"), { recursive: true });
    fs.writeFileSync(path.join(dir, "lib2", "util.ts"), 'export function triple(n: number): number {\n  return n * 3;\n}\nexport const where = "lib2";\n');
    await run(executor, "%cd lib2");
    // `double` still means the notebook folder's util.ts; "./util.ts" now means lib2's.
    expect(text(await run(executor, 'import { triple, where } from "./util.ts";\ntriple(double(2)) + where'))).toBe("'12lib2'");
    const wrong = await run(executor, 'triple("x")');
    expect(wrong).toMatchObject({ status: "error", ename: "TSError" });
    expect(wrong.status === "error" && wrong.evalue).toMatch(/^Argument of type 'string' is not assignable to parameter of type 'number'/);
    await run(executor, "%cd -");
    expect(text(await run(executor, 'import { double as twice } from "./util.ts";\ntwice(5)'))).toBe("10");
  });
});

describe("results and inputs", () => {
  it("keeps _, __, ___, Out[n], _n and In[n]; a trailing ; hides the result", async () => {
    const a = await run(executor, "10 * 2");
    const b = await run(executor, "'second'");
    const c = await run(executor, "[3]");
    expect(text(await run(executor, "[_, __, ___]"))).toBe("[ [ 3 ], 'second', 20 ]");
    const numbers = [a, b, c].map((o) => o.count);
    expect(text(await run(executor, `Out[${numbers[0]}] + _${numbers[0]}`))).toBe("40");
    expect(text(await run(executor, `In[${numbers[1]}]`))).toBe(`"'second'"`);
    const hidden = await run(executor, "const twice = 21 * 2;\ntwice;");
    expect(hidden).toEqual({ status: "ok", seen: hidden.seen, count: hidden.count });
    expect(text(await run(executor, "twice // no semicolon: shown"))).toBe("42");
  });

  it("leaves a user's own _ alone", async () => {
    await run(executor, "_ = 'mine';");
    await run(executor, "99");
    expect(text(await run(executor, "_"))).toBe("'mine'");
  });

  it("clear_output() clears the cell's output", async () => {
    const out = await run(executor, "console.log('before');\nclear_output();\nconsole.log('after');");
    expect(out.seen.clears).toEqual([false]);
    expect(out.seen.stdout).toBe("before\nafter\n");
  });
});

describe("%who, %whos, %history, %%capture", () => {
  it("lists the user's variables, not the kernel's", async () => {
    const fresh = await createExecutor({ flag: new InterruptFlag(), globals: { comms: {} }, cwd: dir });
    expect((await run(fresh, "%who")).seen.stdout).toBe("Interactive namespace is empty.\n");
    await run(fresh, "const rate = 0.5;\nlet names = ['a', 'b'];\nfunction helper() { return 1; }\n1 + 1");
    expect((await run(fresh, "%who")).seen.stdout).toBe("helper\tnames\trate\n");
    expect((await run(fresh, "%whos")).seen.stdout).toBe(
      ["Variable   Type       Data/Info", "-".repeat(34), "helper     function   helper(…)", "names      Array(2)   [ 'a', 'b' ]", "rate       number     0.5", ""].join("\n"),
    );
    expect((await run(fresh, "%who number")).seen.stdout).toBe("rate\n");
  });

  it("%history shows this session's inputs, numbered with -n", async () => {
    const fresh = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir });
    for (const [i, code] of ["let h = 1", "h + 1", "%who"].entries()) await fresh.execute(code, recordingIO().io, { silent: false, storeHistory: true, executionCount: i + 1 });
    const { io, seen } = recordingIO();
    await fresh.execute("%history -n", io, { silent: false, storeHistory: true, executionCount: 4 });
    expect(seen.stdout).toBe("  1: let h = 1\n  2: h + 1\n  3: %who\n");
    const last = await run(fresh, "%history -l 1 2-3");
    expect(last.seen.stdout).toBe("%who\n");
  });

  it("%%capture holds the output back and keeps it in a variable", async () => {
    const out = await run(executor, "%%capture captured\nconsole.log('quiet please');\nconsole.error('warned');\ndisplay.html('<b>x</b>');");
    expect(out.seen.stdout).toBe("");
    expect(out.seen.stderr).toBe("");
    expect(out.seen.displays).toEqual([]);
    expect(text(await run(executor, "[captured.stdout, captured.stderr, captured.outputs.length]"))).toBe("[ 'quiet please\\n', 'warned\\n', 1 ]");
    const reserved = await run(executor, "%%capture await\n1");
    expect(reserved).toMatchObject({ status: "error", evalue: '%%capture: the name "await" is a reserved word in TypeScript cells; choose another name (e.g. await_)' });
    const shown = await run(executor, "captured.show()");
    expect(shown.seen.stdout).toBe("quiet please\n");
    expect(shown.seen.displays).toHaveLength(1);
  });
});
