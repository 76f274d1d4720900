/**
 * `symtune run` and the CLI: a notebook executed through the kernel comes back as valid
 * nbformat (checked by Python's nbformat), with update_display_data and clear_output applied.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runNotebook } from "../../kernel/runner/run.ts";
import { tempHistory } from "./helpers.ts";

const TOY = fileURLToPath(new URL("./fixtures/toy-kernel.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");
const BIN = fileURLToPath(new URL("../../bin/symtune.js", import.meta.url));
const toyLaunch = { argv: (file: string) => [process.execPath, "--import", TSX, TOY, file], env: { SYMTUNE_HISTORY: tempHistory() } };

function notebook(cells: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "symtune-run-"));
  const path = join(dir, "nb.ipynb");
  const nb = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: [{ cell_type: "markdown", metadata: {}, source: ["# A notebook\n"] }, ...cells.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null }))],
  };
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

function validate(path: string): void {
  execFileSync("/usr/bin/python3", ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], 4))", path]);
}

describe("symtune run", () => {
  it("writes valid nbformat 4.5 with streams, results, updated displays and cleared output", async () => {
    const path = notebook([
      "console.log('one'); console.log('two'); 6 * 7",
      "display('<b>0%</b>', 'bar'); update('bar', '<b>100%</b>'); 'done'",
      "console.log('scratch'); clear(); console.error('kept')",
    ]);
    // --out into a folder that does not exist yet, as `npm run demo` does on a fresh clone.
    const out = join(path, "..", "not-yet", "out.ipynb");
    const result = await runNotebook({ notebook: path, out, launch: toyLaunch });
    expect(result.failure).toBeUndefined();
    validate(out);
    const nb = JSON.parse(readFileSync(out, "utf8"));
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.metadata.kernelspec.name).toBe("symtune");
    const [, first, second, third] = nb.cells;
    expect(first.execution_count).toBe(1);
    expect(first.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "one\ntwo\n" },
      { output_type: "execute_result", execution_count: 1, data: { "text/plain": "42" }, metadata: {} },
    ]);
    expect(second.outputs[0]).toEqual({ output_type: "display_data", data: { "text/html": "<b>100%</b>", "text/plain": "<b>100%</b>" }, metadata: {} });
    expect(third.outputs).toEqual([{ output_type: "stream", name: "stderr", text: "kept\n" }]);
  });

  it("stops at a failing cell, records the error, and leaves later cells without outputs", async () => {
    const path = notebook(["1", "missingName", "2"]);
    const result = await runNotebook({ notebook: path, launch: toyLaunch });
    expect(result.out).toBe(join(path, "..", "nb.nbconvert.ipynb"));
    expect(result.failure).toMatchObject({ index: 2, ename: "ReferenceError" });
    validate(result.out);
    const nb = JSON.parse(readFileSync(result.out, "utf8"));
    expect(nb.cells[2].outputs[0]).toMatchObject({ output_type: "error", ename: "ReferenceError" });
    expect(nb.cells[3]).toMatchObject({ outputs: [], execution_count: null });
  });

  it("interrupts a cell that runs past --timeout and fails the run", async () => {
    const path = notebook(["new Promise(() => {})", "3"]);
    const result = await runNotebook({ notebook: path, timeoutS: 1, launch: toyLaunch });
    expect(result.failure?.ename).toBe("CellTimeoutError");
    validate(result.out);
  });
});

describe("symtune CLI", () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, SYMTUNE_HISTORY: tempHistory() } });

  it("symtune run executes TypeScript cells through the real kernel, passes the environment, and exits 1 on a cell error", () => {
    const path = notebook(["const size: string = process.env.SYMTUNE_SIZE ?? 'unset'; size", 'throw new Error("cell failed on purpose")', "1"]);
    const out = join(path, "..", "ran.ipynb");
    const result = spawnSync(process.execPath, [BIN, "run", path, "--out", out], { encoding: "utf8", env: { ...process.env, SYMTUNE_SIZE: "tiny", SYMTUNE_HISTORY: tempHistory() } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cell 3 of .* failed: Error: cell failed on purpose/);
    validate(out);
    const nb = JSON.parse(readFileSync(out, "utf8"));
    expect(nb.cells[1].outputs[0].data["text/plain"]).toBe("'tiny'");
    expect(nb.cells[2].outputs[0]).toMatchObject({ output_type: "error", evalue: "cell failed on purpose" });
  });

  it("rejects an unknown command or flag with one sentence and exit code 2", () => {
    const unknown = cli("frobnicate");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toEqual([expect.stringMatching(/unknown command "frobnicate"/)]);
    const badFlag = cli("run", "nb.ipynb", "--fast");
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/^symtune run: unknown option --fast; valid options: --out, --timeout\n$/);
    const help = cli("run", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: symtune run \[--out OUT\] \[--timeout TIMEOUT\] notebook\n/);
    expect(help.stdout).toContain("--timeout TIMEOUT  seconds a cell may take");
  });

  it("installs the kernelspec under --prefix with interrupt_mode message", () => {
    const prefix = mkdtempSync(join(tmpdir(), "symtune-prefix-"));
    const result = cli("install", "--prefix", prefix);
    expect(result.status).toBe(0);
    const spec = JSON.parse(readFileSync(join(prefix, "share/jupyter/kernels/symtune/kernel.json"), "utf8"));
    expect(spec).toMatchObject({ display_name: "TypeScript (symtune)", language: "typescript", interrupt_mode: "message" });
    expect(spec.argv).toEqual([process.execPath, BIN, "kernel", "--connection-file", "{connection_file}"]);
  });

  it("doctor --json reports what it found", () => {
    const result = cli("doctor", "--json");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["node", "typescript", "jupyter_client", "kernelspec", "chromium"]));
  });
});
