import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Collection } from "../../lib/collections/collection.ts";
import { loadCollection, streamRows } from "../../lib/collections/load.ts";
import { readLineBatches } from "../../lib/collections/loaders/lines.ts";
import { DataError, UsageError } from "../../lib/errors.ts";
import { makeRows } from "./rows.ts";

const dir = mkdtempSync(path.join(tmpdir(), "symtune-load-"));

function file(name: string, lines: (string | object)[]): string {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return target;
}

async function loadError(target: string): Promise<DataError> {
  const error = await loadCollection(target).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe("layouts (data/samples)", () => {
  it("reads instruction/input/output rows, keeping source, type and origin_id", async () => {
    const scan = await loadCollection("data/samples/scan-instruction.jsonl");
    expect(scan.size).toBe(6);
    const row = scan.rows[1]!;
    expect(row.task).toBe("scan");
    expect(row.domain).toBe("Action command");
    expect(row.input).toBe("walk left");
    expect(row.output).toBe("I_TURN_LEFT I_WALK");
    expect(row.instruction.startsWith("Translate the command into a sequence of actions. I_TURN_RIGHT means turning right.")).toBe(true);
    expect(row.meta).toMatchObject({ source: "scan", type: "action command", origin_id: "scan-1", location: "data/samples/scan-instruction.jsonl:2" });
    expect(scan.report?.files).toEqual([{ file: "data/samples/scan-instruction.jsonl", layout: "instruction-output", rows: 6, skipped: 0 }]);
  });

  it("reads prompt/completion rows verbatim; numeric origin ids become text", async () => {
    const sql = await loadCollection("data/samples/sql-prompt-completion.jsonl");
    const row = sql.rows[0]!;
    expect(row.task).toBe("spider");
    expect(row.form).toBe("SQL");
    expect(row.output).toBe("SELECT count(*) FROM singer");
    expect(row.meta.origin_id).toBe("100");
    // The exported prompt is the file's prompt, byte for byte.
    expect(sql.toJSONL("prompt-completion").split("\n")[0]).toBe(
      JSON.stringify({ prompt: row.instruction, completion: "SELECT count(*) FROM singer" }),
    );
    expect(row.instruction.endsWith("How many singers are there?\n")).toBe(true);
  });

  it("reads chat rows: everything before the assistant's answer is the prompt", async () => {
    const fol = await loadCollection("data/samples/fol-messages.jsonl");
    expect(fol.size).toBe(3);
    expect(fol.rows[1]!.instruction).toBe("Translate the sentence into first-order logic. Use ∀, ∃, ∧, ∨, →, ¬.\nSome cats are black.");
    expect(fol.rows[1]!.output).toBe("∃x (Cat(x) ∧ Black(x))");
    expect(fol.rows[1]!.domain).toBe("FOL");
  });

  it("loads a folder: every .jsonl/.json file in name order, each with its own layout", async () => {
    const all = await loadCollection("data/samples");
    expect(all.size).toBe(13);
    expect(all.report!.files.map((f) => f.layout)).toEqual(["messages", "instruction-output", "prompt-completion"]);
    expect(all.stats().tasks).toEqual({ malls: 3, scan: 6, spider: 4 });
  });

  it("round-trips an export in the rows layout", async () => {
    const rows = makeRows("sql", 20).map((r, i) => ({ ...r, split: (i % 2 ? "test" : "train") as "test" | "train" }));
    const target = path.join(dir, "roundtrip.jsonl");
    await Collection.from(rows, "rt").export(target, "rows");
    const back = await loadCollection(target);
    expect(back.rows.map(({ meta: { location: _l, ...meta }, ...r }) => ({ ...r, meta }))).toEqual(rows);
  });
});

describe("malformed rows: one DataError naming file:line and field", () => {
  const good = { prompt: "p", completion: "c" };

  it("bad JSON", async () => {
    const f = file("bad-json.jsonl", [good, good, '{"prompt": "p", "completion": }']);
    expect((await loadError(f)).message).toBe(`${f}:3: not valid JSON (each line must hold one JSON object)`);
  });

  it("missing field", async () => {
    const f = file("missing.jsonl", [good, "", { prompt: "p" }]);
    const error = await loadError(f);
    expect(error.message).toBe(`${f}:3 field "completion": missing; this file has the prompt-completion layout (detected on line 1)`);
    expect(error.where).toEqual({ file: f, line: 3, field: "completion" });
  });

  it("wrong type", async () => {
    const f = file("wrong-type.jsonl", [good, good, good, { prompt: "p", completion: 17 }]);
    expect((await loadError(f)).message).toBe(`${f}:4 field "completion": expected a string, got number`);
  });

  it("a row that is not an object, and a row in no known layout", async () => {
    const f1 = file("array.jsonl", [good, "[1, 2]"]);
    expect((await loadError(f1)).message).toBe(`${f1}:2: expected a JSON object, got array`);
    const f2 = file("unknown.jsonl", [{ text: "a", label: 1 }]);
    expect((await loadError(f2)).message).toBe(
      `${f2}:1: no known row layout: expected fields "prompt" and "completion", "messages", or "instruction" and "output"; found "text", "label"`,
    );
  });

  it("chat rows: wrong role order and wrong content type", async () => {
    const f1 = file("chat-role.jsonl", [{ messages: [{ role: "assistant", content: "a" }, { role: "user", content: "b" }] }]);
    expect((await loadError(f1)).message).toBe(`${f1}:1 field "messages[1].role": the last message must be the assistant's answer (role "assistant"), got "user"`);
    const f2 = file("chat-type.jsonl", [{ messages: [{ role: "user", content: ["x"] }, { role: "assistant", content: "b" }] }]);
    expect((await loadError(f2)).message).toBe(`${f2}:1 field "messages[0].content": expected a string, got array`);
  });

  it("a folder with one bad file fails whole: no half-loaded collection", async () => {
    file("mixed/a.jsonl", [good, good]);
    const bad = file("mixed/b.jsonl", [good, { prompt: 1, completion: "c" }]);
    expect((await loadError(path.join(dir, "mixed"))).message).toBe(`${bad}:2 field "prompt": expected a string, got number`);
  });

  it("skip mode drops bad rows and counts them in the report", async () => {
    const f = file("skip.jsonl", [good, "{oops", good, { prompt: "p", completion: 3 }, { prompt: "p" }, good]);
    const loaded = await loadCollection(f, { onError: "skip" });
    expect(loaded.size).toBe(3);
    expect(loaded.report!.skipped).toBe(3);
    expect(loaded.report!.errors).toEqual([
      `${f}:2: not valid JSON (each line must hold one JSON object)`,
      `${f}:4 field "completion": expected a string, got number`,
      `${f}:5 field "completion": missing; this file has the prompt-completion layout (detected on line 1)`,
    ]);
  });
});

describe(".json files", () => {
  it("reads an array of rows and names the line of a bad element", async () => {
    const target = path.join(dir, "rows.json");
    writeFileSync(target, `[\n  {"instruction": "i", "output": "o"},\n  {\n    "instruction": "i",\n    "output": 5\n  }\n]\n`);
    expect((await loadError(target)).message).toBe(`${target}:3 field "output": expected a string, got number`);
    writeFileSync(target, `{"data": [{"instruction": "i", "input": "x", "output": "o"}]}`);
    expect((await loadCollection(target)).rows[0]!.input).toBe("x");
  });

  it("reads a .json file that is really JSONL", async () => {
    const target = file("lines.json", [{ prompt: "a", completion: "b" }, { prompt: "c", completion: "d" }]);
    expect((await loadCollection(target)).size).toBe(2);
  });
});

describe("streaming", () => {
  const big = file(
    "big.jsonl",
    Array.from({ length: 20_000 }, (_, i) => ({ instruction: `row ${i}`, input: "", output: String(i), task: i % 2 ? "odd" : "even" })),
  );

  it("stops reading at the limit and filters while reading", async () => {
    expect((await loadCollection(big, { limit: 10 })).rows.map((r) => r.output)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const odd = await loadCollection(big, { where: (r) => r.task === "odd", limit: 3 });
    expect(odd.rows.map((r) => r.output)).toEqual(["1", "3", "5"]);
  });

  it("keeps a seeded uniform sample in one pass", async () => {
    const a = await loadCollection(big, { sample: { n: 1000, seed: 4 } });
    const b = await loadCollection(big, { sample: { n: 1000, seed: 4 } });
    expect(a.size).toBe(1000);
    expect(a.toJSONL("rows")).toBe(b.toJSONL("rows"));
    // Uniform over the file: about half of the sample comes from each half of the file.
    const early = a.rows.filter((r) => Number(r.output) < 10_000).length;
    expect(early).toBeGreaterThan(430);
    expect(early).toBeLessThan(570);
  });

  it("streams rows one at a time with line numbers right across chunk boundaries", async () => {
    let last = 0;
    for await (const row of streamRows(big)) last = Number(String(row.meta.location).split(":").pop());
    expect(last).toBe(20_000);
  });

  it("splits lines exactly with tiny chunks: multi-byte characters, CRLF, a BOM, no final newline", async () => {
    const text = "\ufeff∀x (Dog(x) → Animal(x))\r\nplain\n\nÿ€𝔸 end\nlast line without newline";
    const target = path.join(dir, "chunks.jsonl");
    writeFileSync(target, text);
    for (const chunk of [1, 2, 3, 5, 7, 64]) {
      const lines: string[] = [];
      let next = 1;
      for await (const batch of readLineBatches(target, chunk)) {
        expect(batch.firstLine).toBe(next);
        lines.push(...batch.lines);
        next += batch.lines.length;
      }
      expect(lines).toEqual(["∀x (Dog(x) → Animal(x))", "plain", "", "ÿ€𝔸 end", "last line without newline"]);
    }
  });

  it("says clearly when the path is wrong", async () => {
    await expect(loadCollection(path.join(dir, "nope.jsonl"))).rejects.toThrow(new UsageError(`no such file or folder: ${path.join(dir, "nope.jsonl")}`));
    const txt = path.join(dir, "notes.txt");
    writeFileSync(txt, "hi");
    await expect(loadCollection(txt)).rejects.toThrow(`${txt}: not a .jsonl or .json file`);
  });
});
