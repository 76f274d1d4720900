import { describe, expect, it } from "vitest";
import { argumentLines, parseMagicArgs, splitWords, usageLines } from "../../kernel/magics/parse.ts";
import type { MagicSpec } from "../../kernel/magics/types.ts";
import { UsageError } from "../../lib/errors.ts";

const train: MagicSpec = {
  name: "train",
  mode: "both",
  summary: "Train a model",
  args: [
    { name: "steps", option: true, type: "integer", default: 100, help: "optimizer steps" },
    { name: "lr", option: true, type: "number", help: "learning rate" },
    { name: "stage", option: true, choices: ["injection", "infusion"], help: "which stage" },
    { name: "number", short: "n", option: true, type: "integer", help: "runs" },
    { name: "quiet", short: "q", option: true, flag: true, help: "no output" },
    { name: "verbose", short: "v", option: true, flag: true, help: "more output" },
    { name: "run-name", option: true, help: "name of the run" },
    { name: "collection", required: true, help: "the collection" },
    { name: "files", variadic: true, help: "extra files" },
  ],
  run: () => undefined,
};

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("splitWords", () => {
  it("splits on whitespace and honours quotes and escapes", () => {
    const words = splitWords(`a  'b c' "d \\"e\\"" f\\ g --x="1 2"`).map((w) => w.value);
    expect(words).toEqual(["a", "b c", 'd "e"', "f g", "--x=1 2"]);
  });

  it("keeps backslashes literal inside single quotes", () => {
    expect(splitWords(String.raw`'a\nb'`).map((w) => w.value)).toEqual([String.raw`a\nb`]);
  });

  it("reports an unterminated quote", () => {
    expect(errorOf(() => splitWords(`a "b c`, "%train"))).toBe(`%train: unterminated double quote in: a "b c`);
  });
});

describe("parseMagicArgs", () => {
  it("fills defaults and flags when nothing is given but the required positional", () => {
    expect(parseMagicArgs(train, "scan")).toEqual({
      _: ["scan"],
      _typed: ["collection"],
      steps: 100,
      quiet: false,
      verbose: false,
      collection: "scan",
      files: [],
    });
  });

  it("reads --opt value, --opt=value, -n 5, -n5 and combined short flags", () => {
    const args = parseMagicArgs(train, "--steps 20 --lr=3e-4 -n 5 -qv scan a.json 'b c.json'");
    expect(args).toMatchObject({ steps: 20, lr: 3e-4, number: 5, quiet: true, verbose: true });
    expect(args.collection).toBe("scan");
    expect(args.files).toEqual(["a.json", "b c.json"]);
    expect(args._).toEqual(["scan", "a.json", "b c.json"]);
    expect(parseMagicArgs(train, "-n7 scan").number).toBe(7);
  });

  it("reports which arguments were typed, also when a typed value equals the default", () => {
    expect(parseMagicArgs(train, "--steps 100 -qv scan")._typed.sort()).toEqual(["collection", "quiet", "steps", "verbose"]);
    expect(parseMagicArgs(train, "scan")._typed).not.toContain("steps");
  });

  it("accepts options after positionals, negative numbers as values, and -- to end options", () => {
    const args = parseMagicArgs(train, "scan --lr -0.5 -- --not-an-option");
    expect(args.lr).toBe(-0.5);
    expect(args.files).toEqual(["--not-an-option"]);
  });

  it("stores kebab-case options under camelCase keys", () => {
    expect(parseMagicArgs(train, "--run-name 'my run' scan").runName).toBe("my run");
  });

  it("enforces choices", () => {
    expect(parseMagicArgs(train, "--stage infusion scan").stage).toBe("infusion");
    expect(errorOf(() => parseMagicArgs(train, "--stage fusion scan"))).toBe(
      "%train: --stage must be one of injection, infusion; got 'fusion'",
    );
  });

  it("coerces types with a clear message", () => {
    expect(errorOf(() => parseMagicArgs(train, "--steps ten scan"))).toBe(
      "%train: --steps expects an integer, got 'ten'",
    );
    expect(errorOf(() => parseMagicArgs(train, "--steps 2.5 scan"))).toBe(
      "%train: --steps expects an integer, got '2.5'",
    );
    expect(errorOf(() => parseMagicArgs(train, "--lr fast scan"))).toBe("%train: --lr expects a number, got 'fast'");
    expect(parseMagicArgs(train, "--steps 1_000 scan").steps).toBe(1000);
  });

  it("rejects a number outside the declared range, naming the option and the range", () => {
    const spec: MagicSpec = {
      ...train,
      name: "evol",
      args: [
        { name: "rate", option: true, type: "number", min: 0, max: 1, help: "fraction" },
        { name: "length", option: true, type: "integer", min: 1, help: "characters" },
      ],
    };
    expect(errorOf(() => parseMagicArgs(spec, "--rate 2"))).toBe("%evol: --rate must be between 0 and 1, got 2");
    expect(errorOf(() => parseMagicArgs(spec, "--rate -0.5"))).toBe("%evol: --rate must be between 0 and 1, got -0.5");
    expect(errorOf(() => parseMagicArgs(spec, "--length 0"))).toBe("%evol: --length must be at least 1, got 0");
    expect(parseMagicArgs(spec, "--rate 1 --length 1")).toMatchObject({ rate: 1, length: 1 });
    expect(argumentLines(spec)).toEqual([
      "  --rate RATE      fraction (between 0 and 1)",
      "  --length LENGTH  characters (at least 1)",
    ]);
  });

  it("rejects an unknown option, suggesting the nearest and listing the valid ones", () => {
    expect(errorOf(() => parseMagicArgs(train, "--stpes 5 scan"))).toBe(
      "%train: unknown option --stpes; did you mean --steps? valid options: --steps, --lr, --stage, -n/--number, -q/--quiet, -v/--verbose, --run-name",
    );
    expect(errorOf(() => parseMagicArgs(train, "-x scan"))).toMatch(/^%train: unknown option -x; valid options: --steps/);
  });

  it("requires a value after an option", () => {
    expect(errorOf(() => parseMagicArgs(train, "scan --steps"))).toBe("%train: --steps needs a value (an integer)");
  });

  it("reports a missing required argument with the usage line", () => {
    expect(errorOf(() => parseMagicArgs(train, "--steps 5"))).toBe(
      "%train: missing required argument collection (usage: %train [--steps STEPS] [--lr LR] [--stage {injection,infusion}] [-n NUMBER] [-q] [-v] [--run-name RUN_NAME] collection [files ...])",
    );
  });

  it("rejects extra positionals when none is variadic", () => {
    const spec: MagicSpec = { ...train, name: "one", args: [{ name: "x", help: "x" }] };
    expect(errorOf(() => parseMagicArgs(spec, "a b"))).toBe("%one: unexpected argument 'b' (usage: %one [x])");
    expect(errorOf(() => parseMagicArgs(spec, "--x 1"))).toBe(
      "%one: unknown option --x; it takes no options (usage: %one [x])",
    );
  });

  it("gives a raw positional the rest of the line verbatim, options only before it", () => {
    const spec: MagicSpec = {
      ...train,
      name: "timeit",
      args: [
        { name: "number", short: "n", option: true, type: "integer", help: "loops" },
        { name: "code", raw: true, help: "code" },
      ],
    };
    const args = parseMagicArgs(spec, `-n 10 f("a  'b", -n)  `);
    expect(args.number).toBe(10);
    expect(args.code).toBe(`f("a  'b", -n)`);
    expect(parseMagicArgs(spec, "-- -x + 1").code).toBe("-x + 1");
    expect(parseMagicArgs(spec, "").code).toBeUndefined();
    // Code is never split into words, so quotes in it need not balance.
    expect(parseMagicArgs(spec, "-n 2 `it's ${x}`").code).toBe("`it's ${x}`");
    expect(parseMagicArgs(spec, `-n "3" say("don't")`).number).toBe(3);
  });
});

describe("usageLines", () => {
  it("writes one line per mode from the declaration", () => {
    const spec: MagicSpec = {
      ...train,
      args: [
        { name: "n", short: "n", option: true, type: "integer", help: "loops", required: true },
        { name: "code", raw: true, help: "code" },
      ],
    };
    expect(usageLines(spec)).toEqual(["%train -n N [<code>]", "%%train -n N [<code>]"]);
  });
});
