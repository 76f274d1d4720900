/**
 * Every notebook in notebooks/ runs headless at the quick size through the real CLI and
 * kernel (`node bin/symtune.js run NB --out OUT`), as CI and `npm run repro` run them: exit 0,
 * every code cell executed, no error output, every Plotly figure also carries offline HTML
 * and — when Debian's Chromium is installed — a static SVG or PNG (what GitHub shows), and
 * the written file passes Python's nbformat validation.
 *
 * Each notebook is one test, so a failure names the notebook; the wall time of each is
 * printed at the end (speed is reported, never asserted).
 */
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "../..");
const bin = path.join(repo, "bin/symtune.js");
const notebooksDir = path.join(repo, "notebooks");
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
const chromium = existsSync("/usr/bin/chromium");
const PLOTLY = "application/vnd.plotly.v1+json";
const work = mkdtempSync(path.join(tmpdir(), "symtune-notebooks-"));

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
}

/** Runs the CLI; resolves with its exit code and the tail of what it printed. */
function runNotebook(input: string, output: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "run", input, "--out", output, "--timeout", "600"], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-6000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, log }));
  });
}

function sourceHead(cell: Cell): string {
  const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  return text.split("\n")[0]!.slice(0, 80);
}

/** What the quickstart promises a user: each step of the path shows its result. */
function checkTour(cells: Cell[]): void {
  const outputs = cells.flatMap((c) => c.outputs ?? []);
  const text = outputs
    .map((o) => (o.output_type === "stream" ? [o.text ?? ""].flat().join("") : String(o.data?.["text/plain"] ?? "")))
    .join("\n");
  const html = outputs.map((o) => o.data?.["text/html"]).filter((h): h is string => typeof h === "string");
  expect(html.some((h) => h.includes("<table") && h.includes("&quot;scan&quot;: 200 rows")), "the scan collection as an HTML table").toBe(true);
  expect(text).toContain("Symbol-evol: renamed 200 of 200 rows");
  expect(text).toContain("same rows as %evol: true");
  expect(text).toMatch(/injection → model\n[\s\S]*completed\s+200/); // the %train result displays its summary
  expect(text).toMatch(/regex\s+execution\s+60/);
  expect(outputs.some((o) => o.output_type === "execute_result" && o.data?.[PLOTLY] !== undefined), "a %plot figure as a cell result").toBe(true);
  expect(text).toMatch(/1 run\(s\) in .*runs/);
}

const timings: { notebook: string; seconds: number; cells: number }[] = [];

describe("notebooks run headless at the quick size", () => {
  it("finds the notebooks", () => {
    expect(notebooks).toContain("quickstart.ipynb");
  });

  for (const name of notebooks) {
    it(name, { timeout: 15 * 60_000 }, async () => {
      const stem = name.replace(/\.ipynb$/, "");
      const scratch = path.join(work, stem);
      mkdirSync(scratch, { recursive: true });
      const output = path.join(scratch, name);
      // Runs, figures and history go to a scratch folder, not into the checkout or the user's home.
      const env = {
        ...process.env,
        SYMTUNE_SIZE: "quick",
        SYMTUNE_RUNS_DIR: path.join(scratch, "runs"),
        SYMTUNE_FIGURES: path.join(scratch, "figures"),
        SYMTUNE_HISTORY: path.join(scratch, "history.jsonl"),
      };
      const started = performance.now();
      const { code, log } = await runNotebook(path.join(notebooksDir, name), output, env);
      const seconds = (performance.now() - started) / 1000;
      expect(code, `symtune run ${name} exited ${code}:\n${log}`).toBe(0);

      const cells = (JSON.parse(readFileSync(output, "utf8")) as { cells: Cell[] }).cells;
      const codeCells = cells.filter((c) => c.cell_type === "code");
      timings.push({ notebook: name, seconds, cells: codeCells.length });

      const notRun = codeCells.filter((c) => typeof c.execution_count !== "number").map(sourceHead);
      expect(notRun, "code cells without an execution count").toEqual([]);

      const errors = codeCells.flatMap((c) =>
        (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${sourceHead(c)} → ${o.ename}: ${o.evalue}`),
      );
      expect(errors, "error outputs").toEqual([]);

      const figures = codeCells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.[PLOTLY] !== undefined).map((o) => ({ cell: sourceHead(c), data: o.data! })));
      for (const { cell, data } of figures) {
        expect(typeof data["text/html"], `figure in "${cell}" has no text/html`).toBe("string");
        if (chromium) {
          const staticImage = data["image/svg+xml"] ?? data["image/png"];
          expect(staticImage, `figure in "${cell}" has no image/svg+xml or image/png although /usr/bin/chromium exists`).toBeDefined();
        }
      }

      execFileSync("/usr/bin/python3", ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], 4))", output], { stdio: "pipe" });
      if (name === "quickstart.ipynb") checkTour(codeCells);
    });
  }

  afterAll(() => {
    if (timings.length === 0) return;
    const lines = timings.map((t) => `  ${t.notebook.padEnd(24)} ${t.seconds.toFixed(1).padStart(7)} s  (${t.cells} code cells)`);
    console.log(`notebook wall times at SYMTUNE_SIZE=quick (outputs in ${work}):\n${lines.join("\n")}`);
  });
});
