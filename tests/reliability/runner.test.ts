/**
 * Issue 11 item 8, as a CI job meets it: `symtune run --timeout S` ends even when a cell
 * ignores the interrupt (the toy kernel's synchronous loop cannot be interrupted: it runs on
 * the main thread with no checks and no force), writes what ran and fails; a malformed
 * notebook is one sentence.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempHistory } from "../kernel/helpers.ts";

const TOY = fileURLToPath(new URL("../kernel/fixtures/toy-kernel.ts", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/symtune.js", import.meta.url));

function write(nb: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "symtune-run-")), "nb.ipynb");
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

describe("symtune run never hangs", () => {
  it("ends a run whose cell ignores the interrupt: partial notebook written, exit 1", async () => {
    const code = (source: string) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });
    const path = write({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [code("console.log('first ran')"), code("while (true) {}"), code("3")] });
    const out = join(path, "..", "out.ipynb");
    // The run under test uses the real CLI with the toy kernel (runNotebook's launch option).
    const script = `import { runNotebookCommand } from ${JSON.stringify(new URL("../../kernel/runner/run.ts", import.meta.url).href)};
      const tsx = ${JSON.stringify(import.meta.resolve("tsx"))};
      process.exitCode = await runNotebookCommand({ notebook: ${JSON.stringify(path)}, out: ${JSON.stringify(out)}, timeoutS: 1,
        launch: { argv: (file) => [process.execPath, "--import", tsx, ${JSON.stringify(TOY)}, file], env: { SYMTUNE_HISTORY: ${JSON.stringify(tempHistory())} } } });`;
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const seconds = (Date.now() - started) / 1000;
    expect(status, stderr).toBe(1);
    // 1 s timeout + bounded grace (interrupt 5 s, settle 10 s, shutdown 5 s) + start-up; never unbounded.
    expect(seconds).toBeLessThan(60);
    expect(stderr).toContain("CellTimeoutError");
    const nb = JSON.parse(readFileSync(out, "utf8"));
    expect(nb.cells[0].outputs[0]).toMatchObject({ output_type: "stream", text: "first ran\n" });
    expect(nb.cells[1].outputs.at(-1)).toMatchObject({ output_type: "error", ename: "CellTimeoutError" });
    expect(nb.cells[2]).toMatchObject({ outputs: [], execution_count: null });
  });

  it.each([
    ["a cell that is not an object", { nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [null] }, /cells\[0\]/],
    ["a cell with no source", { nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: "code", metadata: {} }] }, /cells\[0\]\.source/],
    ["an unknown cell type", { nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: "python", source: "" }] }, /cells\[0\]\.cell_type/],
    ["not JSON", "{ nbformat: 4", /cannot read the notebook/],
  ])("refuses %s with one sentence naming the file and field", (_what, nb, pattern) => {
    const path = typeof nb === "string" ? write(null) : write(nb);
    if (typeof nb === "string") writeFileSync(path, nb);
    const result = spawnSync(process.execPath, [BIN, "run", path], { encoding: "utf8", env: { ...process.env, SYMTUNE_HISTORY: tempHistory() } });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(lines[0]).toContain("nb.ipynb");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
