import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Collection, apportion, mix } from "../../lib/collections/collection.ts";
import { toPrompt } from "../../lib/prompts/format.ts";
import { displaySymbol } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";
import { makeRow, makeRows } from "./rows.ts";

const scan = Collection.from(makeRows("scan", 300), "scan");
const sql = Collection.from(makeRows("sql", 200), "sql");
const both = Collection.from([...scan, ...sql], "both");

describe("Collection basics", () => {
  it("is iterable and async-iterable, and builds from an async stream", async () => {
    expect([...scan].length).toBe(300);
    async function* gen() {
      for (const row of makeRows("scan", 5)) yield row;
    }
    const streamed = await Collection.fromAsync(gen(), "streamed");
    expect(streamed.size).toBe(5);
    const seen = [];
    for await (const row of streamed) seen.push(row.input);
    expect(seen).toEqual(["input 0", "input 1", "input 2", "input 3", "input 4"]);
  });

  it("leaves no collection behind when the stream fails half-way", async () => {
    async function* failing() {
      yield makeRow("scan", 0);
      throw new Error("disk went away");
    }
    await expect(Collection.fromAsync(failing())).rejects.toThrow("disk went away");
  });

  it("filters and maps into new collections, leaving the original alone", () => {
    const even = scan.filter((r) => (r.meta.index as number) % 2 === 0);
    expect(even.size).toBe(150);
    const upper = scan.map((r) => ({ ...r, output: r.output.toUpperCase() }));
    expect(upper.rows[3]!.output).toBe("OUTPUT 3");
    expect(scan.rows[3]!.output).toBe("output 3");
  });
});

describe("toPrompt", () => {
  it("puts the instruction, then the input, then a newline before the completion", () => {
    expect(toPrompt(makeRow("scan", 1))).toEqual({ prompt: "Do scan number 1.\ninput 1\n", completion: "output 1" });
  });
  it("keeps prompts that end in whitespace and loaded prompt/completion rows verbatim", () => {
    const icl = makeRow("icl", 0, { instruction: "", input: "Input: a\nOutput: ", output: "B" });
    expect(toPrompt(icl).prompt).toBe("Input: a\nOutput: ");
    const loaded = makeRow("spider", 0, { instruction: "Q: count", input: "", meta: { layout: "prompt-completion" } });
    expect(toPrompt(loaded).prompt).toBe("Q: count");
  });
});

describe("sample and split", () => {
  it("samples n distinct rows, reproducibly by seed", () => {
    const a = scan.sample(50, 7);
    expect(new Set(a.rows.map((r) => r.input)).size).toBe(50);
    expect(a.toJSONL("rows")).toBe(scan.sample(50, 7).toJSONL("rows"));
    expect(a.toJSONL("rows")).not.toBe(scan.sample(50, 8).toJSONL("rows"));
    expect(() => scan.sample(301, 0)).toThrow(UsageError);
  });

  it("splits by fraction into disjoint parts covering every row, with split set", () => {
    const { train, valid, test } = both.split({ test: 0.1, valid: 0.2, seed: 3 });
    expect([train.size, valid.size, test.size]).toEqual([350, 100, 50]);
    const keys = (c: Collection) => c.rows.map((r) => `${r.task}/${r.input}`);
    expect(new Set([...keys(train), ...keys(valid), ...keys(test)]).size).toBe(500);
    expect(new Set(test.rows.map((r) => r.split))).toEqual(new Set(["test"]));
    expect(new Set(valid.rows.map((r) => r.split))).toEqual(new Set(["valid"]));
    expect(both.split({ test: 0.1, valid: 0.2, seed: 3 }).test.toJSONL("rows")).toBe(test.toJSONL("rows"));
  });

  it("holds out whole tasks for evaluation on unseen tasks", () => {
    const { train, test } = both.split({ heldOutTasks: ["sql"], seed: 1 });
    expect(new Set(train.rows.map((r) => r.task))).toEqual(new Set(["scan"]));
    expect(test.size).toBe(200);
    expect(() => both.split({ heldOutTasks: ["sqll"] })).toThrow('split: held-out task "sqll" not in "both" (its tasks: scan, sql)');
  });
});

describe("mix", () => {
  it("honours the ratios (exact counts by largest remainder) and is seeded", () => {
    const mixed = Collection.mix([[scan, 0.84], [sql, 1]], { n: 1000, seed: 5 });
    const counts = mixed.stats().tasks;
    // 1000 × 0.84 / 1.84 = 456.5… → 457 after the largest remainder
    expect(counts).toEqual({ scan: 457, sql: 543 });
    expect(mixed.toJSONL("rows")).toBe(mix([[scan, 0.84], [sql, 1]], { n: 1000, seed: 5 }).toJSONL("rows"));
    // Rows are interleaved, not one part after the other.
    expect(new Set(mixed.rows.slice(0, 50).map((r) => r.task)).size).toBe(2);
  });

  it("keeps the mix within sampling error of the ratio over many seeds", () => {
    for (let seed = 0; seed < 20; seed++) {
      const mixed = Collection.mix([[scan, 1], [sql, 3]], { n: 101, seed });
      const share = mixed.stats().tasks.scan! / 101;
      expect(Math.abs(share - 0.25)).toBeLessThan(0.01);
    }
  });

  it("apportions integer counts that sum to n", () => {
    expect(apportion([1.5, 1.5, 1], 4)).toEqual([2, 1, 1]);
    expect(apportion([0.2, 0.3, 0.5], 1)).toEqual([0, 0, 1]);
  });

  it("upsamples a part smaller than its share and rejects bad ratios", () => {
    const small = Collection.from(makeRows("tiny", 3), "tiny");
    const mixed = Collection.mix([[small, 1], [sql, 1]], { n: 20, seed: 0 });
    expect(mixed.stats().tasks.tiny).toBe(10);
    expect(() => Collection.mix([[scan, -1]], { n: 5, seed: 0 })).toThrow('mix: ratio for "scan" must be a finite number ≥ 0, got -1');
  });
});

describe("stats, export and display", () => {
  it("counts rows per task, domain, form and split, with mean lengths", () => {
    const stats = both.stats();
    expect(stats.rows).toBe(500);
    expect(stats.tasks).toEqual({ scan: 300, sql: 200 });
    expect(stats.domains).toEqual({ "action command": 300, "table query": 200 });
    const tiny = Collection.from([makeRow("a", 1, { input: "xy", output: "abcd" }), makeRow("a", 2, { input: "xyzw", output: "ab" })]);
    expect(tiny.stats().meanChars.input).toBe(3);
    expect(tiny.stats().meanChars.output).toBe(3);
  });

  it("exports JSONL in the prompt-completion, messages and rows layouts", async () => {
    const one = Collection.from([makeRow("scan", 1)]);
    expect(one.toJSONL("prompt-completion")).toBe('{"prompt":"Do scan number 1.\\ninput 1\\n","completion":"output 1"}\n');
    expect(JSON.parse(one.toJSONL("messages"))).toEqual({
      messages: [
        { role: "user", content: "Do scan number 1.\ninput 1\n" },
        { role: "assistant", content: "output 1" },
      ],
    });
    const dir = mkdtempSync(path.join(tmpdir(), "symtune-export-"));
    const file = path.join(dir, "nested", "both.jsonl");
    const written = await both.export(file, "messages");
    expect(written.rows).toBe(500);
    expect(readFileSync(file, "utf8")).toBe(both.toJSONL("messages"));
    expect(() => both.toJSONL("csv" as never)).toThrow('unknown JSONL layout "csv"; use one of prompt-completion, messages, rows');
    // A folder where the file should go: one sentence, no stray stream error.
    await expect(both.export(dir)).rejects.toThrow(new RegExp(`^cannot write ${dir}: it is a directory`));
    expect(readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`.${path.basename(dir)}.tmp-`))).toEqual([]);
  });

  it("renders as an HTML table and plain text through the display protocol", async () => {
    const bundle = await both[displaySymbol]();
    const html = bundle["text/html"] as string;
    expect(html).toContain("<table");
    expect(html).toMatch(/<th[^>]*>instruction<\/th>/);
    expect(html).toContain("&quot;both&quot;: 500 rows, 2 tasks (first 20 shown)");
    expect((html.match(/<tr><th>\d+<\/th>/g) ?? []).length).toBe(20);
    expect(bundle["text/plain"]).toContain('"both": 500 rows, 2 tasks');
    const evil = Collection.from([makeRow("x", 0, { output: "<script>alert(1)</script>" })]);
    expect((await evil[displaySymbol]())["text/html"]).toContain("&lt;script&gt;");
  });
});
