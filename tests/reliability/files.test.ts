/**
 * Issue 11 item 7, as a user (or a careless root) would act: `%collection export --out` onto a
 * FIFO, a device, a directory or /proc is refused and leaves the thing as it was; replacing a
 * file says so; invalid UTF-8 in a data file is a DataError naming file:line.
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

  it("says when it replaces an existing file", async () => {
    const file = path.join(dir, "rows.jsonl");
    expect(text(await run(executor, `%collection export rows --out ${file}`))).not.toContain("replaced");
    expect(text(await run(executor, `%collection export rows --out ${file}`))).toContain("replaced the file that was there");
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
