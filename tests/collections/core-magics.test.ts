import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import "../../kernel/magics/collection.ts";
import "../../kernel/magics/evol.ts";
import "../../kernel/magics/symbol_tune.ts";
import { magicHelp, runLineMagic } from "../../kernel/magics/registry.ts";
import type { MagicContext } from "../../kernel/magics/types.ts";
import { Collection } from "../../lib/collections/collection.ts";
import type { Table } from "../../lib/display/table.ts";
import { toMimeBundle } from "../../lib/display/mime.ts";
import { displaySymbol } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";

function context(): MagicContext & { printed: string[] } {
  const printed: string[] = [];
  return {
    printed,
    signal: new AbortController().signal,
    evaluate: async () => undefined,
    display: () => {},
    print: (text) => printed.push(text),
    scope: {},
  };
}

describe("%collection", () => {
  it("loads a file, stores it with --as, and returns a collection that renders as a table", async () => {
    const ctx = context();
    const result = await runLineMagic("collection", "load data/samples/scan-instruction.jsonl --as scan", ctx);
    expect(result).toBeInstanceOf(Collection);
    expect(ctx.scope.scan).toBe(result);
    const bundle = await (result as Collection)[displaySymbol]();
    expect(bundle["text/html"]).toContain("I_TURN_LEFT I_WALK");
  });

  it("loads quietly: one line instead of the first rows", async () => {
    const ctx = context();
    const quiet = await runLineMagic("collection", "load data/samples --as all --quiet", ctx);
    expect(await toMimeBundle(quiet)).toEqual({ "text/plain": '"samples": 13 rows, 3 tasks → all' });
    expect((ctx.scope.all as Collection).size).toBe(13);
  });

  it("shows, summarises, splits and exports a collection variable", async () => {
    const ctx = context();
    await runLineMagic("collection", "load data/samples --as all", ctx);
    const shown = (await runLineMagic("collection", "show all --n 2", ctx)) as Table;
    expect(shown.rows.length).toBe(2);
    const stats = (await runLineMagic("collection", "stats all", ctx)) as Table;
    expect(stats.rows.map((r) => [r.task, r.rows])).toEqual([["malls", 3], ["scan", 6], ["spider", 4]]);
    await runLineMagic("collection", "split all --held-out spider --test 0 --as parts", ctx);
    expect((ctx.scope.parts_test as Collection).size).toBe(4);
    expect((ctx.scope.parts_train as Collection).size).toBe(9);
    const out = path.join(mkdtempSync(path.join(tmpdir(), "symtune-magic-")), "all.jsonl");
    const message = await runLineMagic("collection", `export all --out ${out} --layout messages`, ctx);
    expect(message).toMatch(/^wrote 13 rows \(\d+ bytes, messages layout\) to /);
    expect(readFileSync(out, "utf8")).toBe((ctx.scope.all as Collection).toJSONL("messages"));
  });

  it("samples and mixes collection variables with exact ratios", async () => {
    const ctx = context();
    await runLineMagic("collection", "load data/samples/scan-instruction.jsonl --as scan", ctx);
    await runLineMagic("collection", "load data/samples/sql-prompt-completion.jsonl --as sql", ctx);
    const small = (await runLineMagic("collection", "sample scan --n 3 --seed 1 --as small", ctx)) as Collection;
    expect(small.size).toBe(3);
    expect(ctx.scope.small).toBe(small);
    const mixed = (await runLineMagic("collection", "mix scan:1 sql:3 --n 20 --seed 2 --as mixed", ctx)) as Collection;
    expect(mixed.stats().tasks).toEqual({ scan: 5, spider: 15 });
    await expect(runLineMagic("collection", "mix scan=1 --n 5", ctx)).rejects.toThrow('%collection mix: "scan=1" is not VAR:RATIO (e.g. scan:0.84)');
  });

  it("names the magic in a library's UsageError: an unknown collection, a missing file", async () => {
    const ctx = context();
    await expect(runLineMagic("collection", "load scna", ctx)).rejects.toThrow(
      /^%collection load: unknown collection "scna"; did you mean "scan"\?/,
    );
    await expect(runLineMagic("collection", "load nope.jsonl", ctx)).rejects.toThrow(
      new UsageError("%collection load: no such file or folder: nope.jsonl"),
    );
  });

  it("names the variables that are collections when given one that is not", async () => {
    const ctx = context();
    ctx.scope.rows = [1, 2];
    await runLineMagic("collection", "load data/samples --as all", ctx);
    await expect(runLineMagic("collection", "stats rows", ctx)).rejects.toThrow(
      new UsageError('%collection stats: "rows" is not a collection (collections defined: all)'),
    );
  });

  it("counts skipped rows when asked to skip malformed ones", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "symtune-magic-"));
    const file = path.join(dir, "bad.jsonl");
    (await import("node:fs")).writeFileSync(file, '{"prompt":"a","completion":"b"}\n{"prompt":"a"}\n');
    const ctx = context();
    const loaded = (await runLineMagic("collection", `load ${file} --on-error skip`, ctx)) as Collection;
    expect(loaded.size).toBe(1);
    expect(ctx.printed.join("")).toContain(`skipped 1 malformed rows; first: ${file}:2 field "completion": missing`);
  });

  it("has %collection? help from its argument spec", () => {
    const help = magicHelp("collection");
    expect(help).toContain("Usage: %collection");
    expect(help).toContain("--held-out");
    expect(help).toContain("%collection load scan --n 200 --seed 1 --as scan");
  });
});

describe("%evol", () => {
  it("renames symbols with --rate 1 and inverts with --invert", async () => {
    const ctx = context();
    await runLineMagic("collection", "load data/samples/scan-instruction.jsonl --as scan", ctx);
    const evolved = (await runLineMagic("evol", "scan --rate 1 --seed 4 --as scan_evol", ctx)) as Collection;
    expect(ctx.printed.join("")).toContain("Symbol-evol: renamed 6 of 6 rows");
    expect(evolved.rows[0]!.output).not.toContain("I_JUMP");
    const back = (await runLineMagic("evol", "scan_evol --invert", ctx)) as Collection;
    expect(back.rows).toEqual((ctx.scope.scan as Collection).rows);
    expect(magicHelp("evol")).toContain("--rate");
  });
  it("answers a rate outside 0–1 by naming --rate and the range", async () => {
    const ctx = context();
    await runLineMagic("collection", "load data/samples/scan-instruction.jsonl --as scan", ctx);
    await expect(runLineMagic("evol", "scan --rate 2", ctx)).rejects.toThrow(new UsageError("%evol: --rate must be between 0 and 1, got 2"));
    expect(ctx.scope.scan_evol).toBeUndefined();
  });
});

describe("%symbol_tune", () => {
  it("has help naming the settings", () => {
    const help = magicHelp("symbol_tune");
    for (const flag of ["--eval", "--instruction", "--symbol-labels", "--flip", "--min-k", "--max-k"]) expect(help).toContain(flag);
  });
  it("names the option a mistake is in: --max-k below --min-k, an unknown --tasks name", async () => {
    const ctx = context();
    await expect(runLineMagic("symbol_tune", "--min-k 5 --max-k 2", ctx)).rejects.toThrow(
      new UsageError("%symbol_tune: --max-k (2) must be at least --min-k (5)"),
    );
    await expect(runLineMagic("symbol_tune", "--tasks nosuch", ctx)).rejects.toThrow(
      /^%symbol_tune: tasks: unknown classification task "nosuch" \(%collection list shows the \d+ of kind classification\)$/,
    );
    await expect(runLineMagic("symbol_tune", "--tasks scan", ctx)).rejects.toThrow('%symbol_tune: tasks: "scan" is a task family, not a classification task');
  });
});
