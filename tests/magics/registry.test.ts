import { describe, expect, it } from "vitest";
import "../../kernel/magics/index.ts";
import {
  magicHelp,
  magicNames,
  registerMagic,
  runCellMagic,
  runLineMagic,
} from "../../kernel/magics/registry.ts";
import { nearestNames } from "../../lib/nearest.ts";
import type { MagicSpec } from "../../kernel/magics/types.ts";
import { UsageError } from "../../lib/errors.ts";
import { recordingContext } from "./context.ts";

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error("expected a UsageError");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

const train: MagicSpec = {
  name: "train",
  mode: "both",
  summary: "Train a model on a collection",
  help: "Runs the two-stage recipe; see method.md.",
  args: [
    { name: "steps", option: true, type: "integer", default: 100, help: "optimizer steps" },
    { name: "quiet", short: "q", option: true, flag: true, help: "no progress bar" },
    { name: "collection", required: true, help: "the collection to train on" },
  ],
  run: (args, ctx) => ({ args, body: ctx.body }),
};
registerMagic(train);

describe("running magics", () => {
  it("parses the line and passes the context to run", async () => {
    const ctx = recordingContext();
    const result = (await runLineMagic("train", "--steps 5 scan", ctx)) as { args: Record<string, unknown>; body: unknown };
    expect(result.args).toMatchObject({ steps: 5, quiet: false, collection: "scan" });
    expect(result.body).toBeUndefined();
  });

  it("gives a cell magic its body through ctx.body, keeping the rest of the context", async () => {
    const ctx = recordingContext();
    registerMagic({
      name: "shout",
      mode: "cell",
      summary: "Prints the cell upper-cased",
      args: [],
      run: (_args, c) => c.print(c.body!.toUpperCase()),
    });
    await runCellMagic("shout", "", "hello\nworld", ctx);
    expect(ctx.printed).toEqual(["HELLO\nWORLD"]);
  });

  it("says when a line magic is used as a cell magic and the other way round", async () => {
    const ctx = recordingContext();
    expect(await rejection(runCellMagic("env", "", "x", ctx))).toBe(
      "%%env: %env is a line magic; write %env ... on a line, not %%env",
    );
    expect(await rejection(runLineMagic("shout", "", ctx))).toBe(
      "%shout: %%shout is a cell magic; start the cell with %%shout and put the body below it",
    );
  });

  it("suggests the nearest names for an unknown magic", async () => {
    const ctx = recordingContext();
    expect(await rejection(runLineMagic("trian", "", ctx))).toBe("unknown magic %trian; did you mean %train?");
    expect(await rejection(runCellMagic("timit", "", "", ctx))).toBe(
      "unknown magic %%timit; did you mean %%timeit or %%time?",
    );
    expect(await rejection(runLineMagic("zzzzzz", "", ctx))).toBe(
      "unknown magic %zzzzzz; %lsmagic lists the magics there are",
    );
  });

  it("passes UsageErrors from argument parsing through unchanged", async () => {
    expect(await rejection(runLineMagic("train", "--steps ten scan", recordingContext()))).toBe(
      "%train: --steps expects an integer, got 'ten'",
    );
  });
});

describe("magicHelp", () => {
  it("starts with the usage generated from the ArgSpec list, then summary, arguments and help", () => {
    expect(magicHelp("train").split("\n")).toEqual([
      "Usage: %train [--steps STEPS] [-q] collection",
      "       %%train [--steps STEPS] [-q] collection",
      "",
      "Train a model on a collection",
      "",
      "Arguments:",
      "  --steps STEPS  optimizer steps (default: 100)",
      "  -q, --quiet    no progress bar",
      "  collection     the collection to train on (required)",
      "",
      "Runs the two-stage recipe; see method.md.",
    ]);
  });

  it("accepts the name as typed in a cell: %train?, %%train", () => {
    expect(magicHelp("%train?")).toBe(magicHelp("train"));
    expect(magicHelp("%%train")).toBe(magicHelp("train"));
  });

  it("documents the built-ins from their declarations", () => {
    expect(magicHelp("timeit")).toContain("Usage: %timeit [-n NUMBER] [-r REPEAT] [-q] [-o] [<code>]");
    expect(magicHelp("timeit")).toContain("  -r, --repeat REPEAT  number of runs (default: 7)");
  });

  it("suggests the nearest name for an unknown magic", () => {
    expect(thrown(() => magicHelp("%lsmagc"))).toBe("unknown magic %lsmagc; did you mean %lsmagic?");
  });
});

describe("magicNames", () => {
  it("lists line and cell names, both-mode magics in both", () => {
    const names = magicNames();
    expect(names.line).toEqual(expect.arrayContaining(["env", "load_ext", "lsmagic", "time", "timeit", "train"]));
    expect(names.line).not.toContain("shout");
    expect(names.cell).toEqual(expect.arrayContaining(["time", "timeit", "train"]));
    expect(names.cell).not.toContain("env");
    expect(names.line).toEqual([...names.line].sort());
  });
});

describe("registerMagic", () => {
  const base = { mode: "line" as const, summary: "s", run: () => undefined };

  it("rejects declarations that could not parse or document themselves", () => {
    expect(thrown(() => registerMagic({ ...base, name: "%bad", args: [] }))).toBe(
      'registerMagic("%bad"): the name must be a word (letters, digits, _), without % signs',
    );
    expect(
      thrown(() =>
        registerMagic({
          ...base,
          name: "twice",
          args: [
            { name: "a", short: "x", option: true, help: "" },
            { name: "b", short: "x", option: true, help: "" },
          ],
        }),
      ),
    ).toBe('registerMagic("twice"): short option -x is declared twice');
    expect(
      thrown(() =>
        registerMagic({
          ...base,
          name: "rest",
          args: [
            { name: "files", variadic: true, help: "" },
            { name: "last", help: "" },
          ],
        }),
      ),
    ).toBe('registerMagic("rest"): \'files\' takes the rest of the line, so it must be the last positional');
    expect(thrown(() => registerMagic({ ...base, name: "nosum", summary: " ", args: [] }))).toBe(
      'registerMagic("nosum"): a one-line summary is required',
    );
    expect(thrown(() => registerMagic({ ...base, name: "ranged", args: [{ name: "who", option: true, min: 1, help: "" }] }))).toBe(
      "registerMagic(\"ranged\"): 'who' has min/max, so its type must be number or integer",
    );
  });
});

describe("nearestNames", () => {
  it("counts a swap of two letters as one typo and ranks by distance", () => {
    expect(nearestNames("trian", ["train", "time", "timeit", "eval"])).toEqual(["train"]);
    expect(nearestNames("tim", ["time", "timeit", "train"])).toEqual(["time", "timeit"]);
    expect(nearestNames("plto", ["plot", "load_ext"])).toEqual(["plot"]);
  });
});
