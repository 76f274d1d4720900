import { afterEach, describe, expect, it } from "vitest";
import "../../kernel/magics/index.ts";
import { magicNames, runCellMagic, runLineMagic } from "../../kernel/magics/registry.ts";
import { formatDuration } from "../../kernel/magics/builtins/timing.ts";
import { toMimeBundle } from "../../lib/display/mime.ts";
import { UsageError } from "../../lib/errors.ts";
import { recordingContext } from "./context.ts";

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => new Error("expected a UsageError"), (e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

const durationLine = String.raw`\d+(\.\d+)? (s|ms|µs|ns)`;

describe("%lsmagic", () => {
  it("lists every line and cell magic with its summary, as text and HTML", async () => {
    const bundle = await toMimeBundle(await runLineMagic("lsmagic", "", recordingContext()));
    const text = bundle["text/plain"] as string;
    const lines = text.split("\n");
    expect(lines[0]).toBe("Line magics:");
    expect(lines).toContain(lines.find((l) => /^ {2}%timeit +Time repeated executions/.test(l)));
    expect(text).toMatch(/\n {2}%env +List, get or set environment variables\n/);
    expect(text).toMatch(/Cell magics:\n(?: {2}%%\S+ +.+\n)* {2}%%time +Time one execution/);
    expect(text.trimEnd().split("\n").at(-1)).toBe("Type %name? for a magic's usage and options.");
    const { line, cell } = magicNames();
    for (const name of line) expect(bundle["text/html"]).toContain(`<code>%${name}</code>`);
    for (const name of cell) expect(bundle["text/html"]).toContain(`<code>%%${name}</code>`);
  });

  it("takes no arguments", async () => {
    expect(await rejection(runLineMagic("lsmagic", "extra", recordingContext()))).toBe(
      "%lsmagic: unexpected argument 'extra' (usage: %lsmagic)",
    );
  });
});

describe("%time", () => {
  it("evaluates the line verbatim, prints CPU and wall time, returns the value", async () => {
    const ctx = recordingContext({ x: 20 });
    expect(await runLineMagic("time", "x  +  22", ctx)).toBe(42);
    expect(ctx.evaluated).toEqual(["x  +  22"]);
    expect(ctx.printed.join("")).toMatch(
      new RegExp(`^CPU times: user ${durationLine}, sys: ${durationLine}, total: ${durationLine}\nWall time: ${durationLine}\n$`),
    );
  });

  it("times a cell body with %%time", async () => {
    const ctx = recordingContext();
    expect(await runCellMagic("time", "", "let s = 0; for (let i = 0; i < 10; i++) s += i; s", ctx)).toBe(45);
    expect(ctx.printed.join("")).toContain("Wall time: ");
  });

  it("prints the time even when the statement throws, and lets the error through", async () => {
    const ctx = recordingContext();
    await expect(runLineMagic("time", "(() => { throw new RangeError('boom') })()", ctx)).rejects.toThrow(RangeError);
    expect(ctx.printed.join("")).toContain("Wall time: ");
  });

  it("refuses an empty statement and code after %%time", async () => {
    expect(await rejection(runLineMagic("time", "  ", recordingContext()))).toBe(
      "%time: nothing to time; write %time <statement> or use %%time on a cell",
    );
    expect(await rejection(runCellMagic("time", "1 + 1", "2", recordingContext()))).toBe(
      "%%time: code after %%time on its line is not allowed; put it in the cell body",
    );
  });
});

describe("%timeit", () => {
  const summary = new RegExp(
    `^${durationLine} ± ${durationLine} per loop \\(mean ± std\\. dev\\. of 3 runs, 4 loops each\\)\n$`,
  );

  it("runs the statement N loops per run, R runs, and prints IPython's summary line", async () => {
    const scope = { calls: 0 };
    const ctx = recordingContext(scope);
    expect(await runLineMagic("timeit", "-n 4 -r 3 calls++", ctx)).toBeUndefined();
    expect(scope.calls).toBe(4 + 12); // one untimed warm-up run, then 3 timed runs, of 4 loops each
    expect(ctx.printed.at(-1)).toMatch(summary);
  });

  it("chooses the loop count itself when -n is not given", async () => {
    const ctx = recordingContext({ work: () => Array.from({ length: 2000 }, (_, i) => i * i).length });
    await runLineMagic("timeit", "-r 1 work()", ctx);
    const loops = Number(/1 run, ([\d,]+) loops? each/.exec(ctx.printed.at(-1)!)![1]!.replace(/,/g, ""));
    expect(String(loops)).toMatch(/^[125]0*$/);
  });

  it("runs %%timeit's line as setup before each run and times the body", async () => {
    const scope = { setups: 0, calls: 0 };
    const ctx = recordingContext(scope);
    const result = (await runCellMagic("timeit", "-n 4 -r 3 -o setups++; let local = 1", "calls += local", ctx)) as {
      loops: number;
      repeat: number;
      timings: number[];
    };
    expect(scope).toEqual({ setups: 1 + 3, calls: 4 + 12 });
    expect(ctx.printed.at(-1)).toMatch(summary);
    expect(result.loops).toBe(4);
    expect(result.repeat).toBe(3);
    expect(result.timings).toHaveLength(3);
  });

  it("prints nothing with -q and checks its numbers", async () => {
    const ctx = recordingContext();
    await runLineMagic("timeit", "-q -n 1 -r 1 0", ctx);
    expect(ctx.printed).toEqual([]);
    expect(await rejection(runLineMagic("timeit", "-n 0 1", ctx))).toBe("%timeit: -n expects at least 1 loop, got 0");
    expect(await rejection(runLineMagic("timeit", "-r x 1", ctx))).toBe("%timeit: --repeat expects an integer, got 'x'");
  });
});

describe("formatDuration", () => {
  it("writes three significant digits in the largest unit that fits, like IPython", () => {
    expect(formatDuration(0.0123)).toBe("12.3 ms");
    expect(formatDuration(1.5e-6)).toBe("1.5 µs");
    expect(formatDuration(2.5)).toBe("2.5 s");
    expect(formatDuration(3e-10)).toBe("0.3 ns");
    expect(formatDuration(125)).toBe("2min 5s");
  });
});

describe("%env", () => {
  afterEach(() => {
    delete process.env.SYMTUNE_TEST_VAR;
    delete process.env.SYMTUNE_TEST_TOKEN;
  });

  it("sets with NAME=value and with NAME value, then gets", async () => {
    const ctx = recordingContext();
    await runLineMagic("env", "SYMTUNE_TEST_VAR=a b=c", ctx);
    expect(process.env.SYMTUNE_TEST_VAR).toBe("a b=c");
    expect(ctx.printed).toEqual(["env: SYMTUNE_TEST_VAR=a b=c\n"]);
    expect(await runLineMagic("env", "SYMTUNE_TEST_VAR", ctx)).toBe("a b=c");
    await runLineMagic("env", "SYMTUNE_TEST_VAR  two words", ctx);
    expect(process.env.SYMTUNE_TEST_VAR).toBe("two words");
    await runLineMagic("env", "SYMTUNE_TEST_VAR=it's \"quoted\"", ctx);
    expect(process.env.SYMTUNE_TEST_VAR).toBe(`it's "quoted"`);
  });

  it("lists the environment sorted, hiding secrets", async () => {
    process.env.SYMTUNE_TEST_VAR = "visible";
    process.env.SYMTUNE_TEST_TOKEN = "s3cret";
    const listing = (await runLineMagic("env", "", recordingContext())) as Record<string, string>;
    expect(listing.SYMTUNE_TEST_VAR).toBe("visible");
    expect(listing.SYMTUNE_TEST_TOKEN).toBe("<hidden>");
    expect(Object.keys(listing)).toEqual(Object.keys(listing).sort());
    const text = (await toMimeBundle(listing))["text/plain"] as string;
    expect(text.split("\n")).toContain("SYMTUNE_TEST_TOKEN=<hidden>");
    expect(text).not.toContain("s3cret");
  });

  it("says what is wrong with a bad name or an unset variable", async () => {
    expect(await rejection(runLineMagic("env", "SYMTUNE_TEST_VAR", recordingContext()))).toBe(
      "%env: SYMTUNE_TEST_VAR is not set; %env SYMTUNE_TEST_VAR=value sets it",
    );
    expect(await rejection(runLineMagic("env", "1X=3", recordingContext()))).toBe(
      "%env: '1X' is not a variable name (letters, digits and _, not starting with a digit)",
    );
  });
});
