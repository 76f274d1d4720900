/**
 * The collection magics end to end: a notebook run by `symtune run` through the real kernel
 * loads a built-in family and a JSONL file, applies %evol and %symbol_tune, and every result
 * renders as an HTML table (the danfojs view) with a text fallback.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../..");

interface Output {
  output_type: string;
  data?: Record<string, string>;
  text?: string;
  evalue?: string;
}

describe("collection magics in a notebook", () => {
  it("load, evol, symbol_tune and the table view work through symtune run", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "symtune-nb-"));
    const sources = [
      "%collection load scan --n 30 --seed 1 --as scan",
      `%collection load ${path.join(repo, "data/samples/scan-instruction.jsonl")} --as loaded`,
      "%evol loaded --rate 1 --seed 2 --as loaded_evol",
      "%symbol_tune --n 5 --seed 1 --max-k 3 --as tuned",
      "%collection stats tuned",
    ];
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "symtune", display_name: "symtune", language: "typescript" } },
      cells: sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    };
    const input = path.join(dir, "collections.ipynb");
    const output = path.join(dir, "out.ipynb");
    writeFileSync(input, JSON.stringify(notebook));
    await run(process.execPath, [path.join(repo, "bin/symtune.js"), "run", input, "--out", output], { timeout: 180_000 });
    const cells = (JSON.parse(readFileSync(output, "utf8")) as { cells: { outputs: Output[] }[] }).cells;
    const result = (i: number) => cells[i]!.outputs.find((o) => o.output_type === "execute_result")!.data!;

    expect(result(0)["text/html"]).toContain("&quot;scan&quot;: 30 rows, 1 task");
    expect(result(0)["text/html"]).toMatch(/<th[^>]*>output<\/th>/);
    expect(result(1)["text/plain"]).toContain('"scan-instruction": 6 rows, 1 task');
    const printed = cells[2]!.outputs.filter((o) => o.output_type === "stream").map((o) => o.text).join("");
    expect(printed).toContain("Symbol-evol: renamed 6 of 6 rows");
    expect(result(2)["text/html"]).not.toContain("I_TURN_LEFT I_WALK");
    expect(result(3)["text/html"]).toContain("&quot;symbol-tune&quot;:");
    expect(result(4)["text/html"]).toContain("mean input chars");
  });
});
