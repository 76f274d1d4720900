/**
 * A figure made in a notebook renders in the classic Jupyter Notebook: the notebook is executed
 * headless by `symtune run`, trusted (signed with nbformat.sign, what `jupyter trust` does, in a private Jupyter data dir), opened in
 * headless Chromium, and the DOM must hold plotly.js's rendering of the figure — its SVG with
 * the trace drawn — made offline from the bundle the first figure carries. Saves a screenshot
 * to out/plotly-notebook.png.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv, startNotebookServer, type NotebookServer } from "./notebook-server.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const CELLS = [
  `import { trainingCurves, symbolicVsGeneral } from "symtune";
trainingCurves([{ name: "train loss", steps: [1, 2, 3, 4, 5], values: [4.1, 3.2, 2.6, 2.3, 2.1] }], { title: "loss in the browser" })`,
  `symbolicVsGeneral([{ model: "base", symbolic: 22.6, general: 40.4 }, { model: "injection", symbolic: 73.0, general: 37.8 }])`,
];

describe("Plotly figures from an executed notebook in the classic Notebook (headless Chromium)", () => {
  let server: NotebookServer;
  let browser: Browser;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-plotly-"));
    const prefix = join(dir, "prefix");
    const install = spawnSync(process.execPath, [join(ROOT, "bin/symtune.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    expect(install.status, install.stderr).toBe(0);
    const notebooks = join(dir, "notebooks");
    mkdirSync(notebooks);
    const source = join(dir, "figures.ipynb");
    writeFileSync(
      source,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "symtune", display_name: "TypeScript (symtune)", language: "typescript" } },
        cells: CELLS.map((c, i) => ({ id: `fig-${i}`, cell_type: "code", metadata: {}, source: c, outputs: [], execution_count: null })),
      }),
    );
    const executed = join(notebooks, "figures.ipynb");
    const env = jupyterEnv(dir, join(prefix, "share/jupyter"));
    const run = spawnSync(process.execPath, [join(ROOT, "bin/symtune.js"), "run", source, "--out", executed], { encoding: "utf8", env, cwd: ROOT });
    expect(run.status, run.stderr).toBe(0);
    const nb = JSON.parse(readFileSync(executed, "utf8"));
    expect(Object.keys(nb.cells[0].outputs.at(-1).data)).toContain("application/vnd.plotly.v1+json");
    // Scripts in outputs run only in trusted notebooks (the user's own, signed as `jupyter trust` does).
    const trust = spawnSync("/usr/bin/python3", ["-m", "nbformat.sign", executed], { encoding: "utf8", env });
    expect(trust.status, trust.stderr).toBe(0);
    server = await startNotebookServer(notebooks, env);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("draws both figures with plotly.js, offline", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const external: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.base) && !request.url().startsWith("data:")) external.push(request.url());
    });
    await page.goto(`${server.base}/notebooks/figures.ipynb?token=${server.token}`);
    const plots = page.locator(".output_area .symtune-plot .main-svg");
    mkdirSync(join(ROOT, "out"), { recursive: true });
    try {
      // plotly.js draws two <svg class="main-svg"> layers per figure.
      await expect.poll(() => plots.count(), { timeout: 90_000 }).toBeGreaterThanOrEqual(4);
    } catch (error) {
      await page.screenshot({ path: join(ROOT, "out", "plotly-notebook-failure.png"), fullPage: true });
      throw new Error(`${(error as Error).message}\nnotebook server log:\n${server.log().slice(-4000)}`);
    }
    const first = page.locator(".output_area .symtune-plot").first();
    expect(await first.locator(".gtitle").textContent()).toBe("loss in the browser");
    // The line itself: a drawn path in the scatter layer, not just the axes.
    expect(await first.locator(".scatterlayer .trace path.js-line").count()).toBe(1);
    const second = page.locator(".output_area .symtune-plot").nth(1);
    expect(await second.locator(".scatterlayer .trace").count()).toBe(2);
    expect(external).toEqual([]);
    await page.screenshot({ path: join(ROOT, "out", "plotly-notebook.png"), fullPage: true });
  });
});
