/**
 * Issue 11 item 7, as a user (or a careless root) would act: `%collection export --out` onto a
 * FIFO, a device, a directory or /proc is refused and leaves the thing as it was; a file is
 * replaced only with --force, which says so; invalid UTF-8 in a data file is a DataError naming
 * file:line, or with --on-error skip a skipped line, counted and reported.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, run, text } from "../exec/helpers.ts";

let executor: Executor;
let dir: string;

beforeAll(async () => {
  dir = notebookDir();
  executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir, warmUp: false });
  expect((await run(executor, "%collection load scan --n 3 --seed 1 --as rows")).status).toBe("ok");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function usageError(code: string): Promise<string> {
  const outcome = await run(executor, code);
  expect(outcome.status).toBe("error");
  if (outcome.status !== "error") return "";
  expect(outcome.ename).toBe("UsageError");
  expect(outcome.traceback).toHaveLength(1);
  return outcome.evalue;
}

describe("%collection export destinations", () => {
  it("refuses a FIFO and leaves it a FIFO (no reader needed: nothing is opened)", async () => {
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    expect(await usageError(`%collection export rows --out ${fifo}`)).toMatch(/FIFO/);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  it("refuses a device (/dev/null stays a device) and anything under /proc", async () => {
    expect(await usageError("%collection export rows --out /dev/null")).toMatch(/system folder|device/);
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(await usageError("%collection export rows --out /proc/self/fd/rows.jsonl")).toMatch(/system folder/);
  });

  it("refuses a directory", async () => {
    fs.mkdirSync(path.join(dir, "folder"));
    expect(await usageError(`%collection export rows --out ${path.join(dir, "folder")}`)).toMatch(/directory/);
  });

  it("replaces an existing file only with --force, and says so", async () => {
    const file = path.join(dir, "rows.jsonl");
    expect(text(await run(executor, `%collection export rows --out ${file}`))).not.toContain("replaced");
    fs.writeFileSync(file, "mine\n");
    expect(await usageError(`%collection export rows --out ${file}`)).toBe(
      `cannot write ${file}: a file is there already; give --force (force: true) to replace it`,
    );
    expect(fs.readFileSync(file, "utf8")).toBe("mine\n");
    expect(text(await run(executor, `%collection export rows --out ${file} --force`))).toContain("replaced the file that was there");
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(3);
  });
});

describe("invalid UTF-8 in a data file", () => {
  it.each(["bad.jsonl", "bad.json"])("is a DataError naming %s and the line", async (name) => {
    const file = path.join(dir, name);
    const good = '{"input": "a", "output": "b", "task": "t"}';
    const rows = name.endsWith(".json") ? ["[", `${good},`, `${good},`] : [good, good];
    // Line 3 (or 4) holds a lone 0xFF byte inside a string.
    const bytes = Buffer.concat([Buffer.from(rows.join("\n") + "\n"), Buffer.from('{"input": "'), Buffer.from([0xff]), Buffer.from(`", "output": "b", "task": "t"}${name.endsWith(".json") ? "\n]" : ""}\n`)]);
    fs.writeFileSync(file, bytes);
    const outcome = await run(executor, `%collection load ${file} --as broken`);
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("DataError");
    expect(outcome.evalue).toContain(`${name}:${rows.length + 1}`);
    expect(outcome.evalue).toContain("UTF-8");
  });
});

describe("--on-error skip", () => {
  it("skips lines of invalid UTF-8 and malformed lines, counts them and says which came first", async () => {
    const file = path.join(dir, "mixed.jsonl");
    const good = (i: number) => `{"input": "in ${i}", "output": "out ${i}", "task": "t"}\n`;
    fs.writeFileSync(file, Buffer.concat([
      Buffer.from(good(1)),
      Buffer.from('{"input": "caf'), Buffer.from([0xe9]), Buffer.from('", "output": "x", "task": "t"}\n'), // Latin-1 é: line 2
      Buffer.from(good(3)),
      Buffer.from("{not json\n"), // line 4
      Buffer.from([0xff, 0xfe, 0x0a]), // line 5
      Buffer.from(good(6)),
    ]));
    const loaded = await run(executor, `%collection load ${file} --on-error skip --quiet --as mixed`);
    expect(loaded.status).toBe("ok");
    expect(loaded.seen.stdout).toBe(`skipped 3 malformed rows; first: ${file}:2: not valid UTF-8 text (save the file as UTF-8)\n`);
    expect(text(loaded)).toBe('"mixed": 3 rows, 1 task, 3 malformed rows skipped → mixed');
    expect(text(await run(executor, 'mixed.rows.map((r) => r.input).join("|")'))).toBe("'in 1|in 3|in 6'");
    const strict = await run(executor, `%collection load ${file} --as strict`);
    expect(strict.status === "error" && strict.evalue).toContain(`${file}:2: not valid UTF-8 text`);
  });
});
