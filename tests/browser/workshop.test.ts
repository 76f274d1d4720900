/**
 * A workshop's first minutes in the classic Jupyter Notebook (Debian jupyter-notebook 6), driven
 * in headless Chromium through playwright-core, asserting on the DOM:
 *   1. the first cell, typed as soon as the kernel is connected, shows its result;
 *   2. `%train` shows a progress bar; the toolbar's interrupt stops it and the model is kept;
 *   3. the `--as` variable completes with Tab, is usable and shows itself as a table;
 *   4. a tensor and a danfojs DataFrame show as tables.
 * Timings (first cell, interrupt → reply) are printed, never asserted. Screenshots go to out/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv, startNotebookServer, type NotebookServer } from "./notebook-server.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OUT = join(ROOT, "out");
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const TRAIN = "%collection load scan --n 200 --seed 1 --quiet --as scan\n%train --stage injection --data scan --steps 5000 --batch-size 4 --preset tiny --name workshop --as model";
const TABLES = 'import * as tf from "@tensorflow/tfjs";\nimport * as dfd from "danfojs";\ndisplay(tf.tensor2d([[1.5, 2], [3, 4]]));\nnew dfd.DataFrame({ task: ["scan", "regex"], accuracy: [52.2827, 61] })';

/** The text of cell `i`'s outputs. */
function outputText(page: Page, i: number): Promise<string> {
  return page.locator(".cell").nth(i).locator(".output_area").allInnerTexts().then((t) => t.join("\n"));
}

/** The cell's prompt number once it has run ("In [3]:" → 3), or null while it runs. */
async function promptNumber(page: Page, i: number): Promise<number | null> {
  const text = (await page.locator(".cell").nth(i).locator(".input_prompt").textContent()) ?? "";
  const m = /In\s*\[(\d+)\]/.exec(text);
  return m ? Number(m[1]) : null;
}

describe("a workshop's first minutes in the classic Notebook (headless Chromium)", () => {
  let server: NotebookServer;
  let browser: Browser;
  let cleanup = () => {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-workshop-"));
    const prefix = join(dir, "prefix");
    const install = spawnSync(process.execPath, [join(ROOT, "bin/symtune.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    expect(install.status, install.stderr).toBe(0);
    // Inside the checkout, as a workshop's notebooks are: bare imports (tfjs, danfojs) resolve
    // from the project's node_modules.
    mkdirSync(OUT, { recursive: true });
    const notebooks = mkdtempSync(join(OUT, "workshop-"));
    cleanup = () => rmSync(notebooks, { recursive: true, force: true });
    const cell = (id: string) => ({ id, cell_type: "code", metadata: {}, source: "", outputs: [], execution_count: null });
    writeFileSync(
      join(notebooks, "workshop.ipynb"),
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "symtune", display_name: "TypeScript (symtune)", language: "typescript" } },
        cells: ["first", "train", "use", "tables"].map(cell),
      }),
    );
    const env = { ...jupyterEnv(dir, join(prefix, "share/jupyter")), SYMTUNE_RUNS_DIR: join(dir, "runs") };
    server = await startNotebookServer(notebooks, env);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
    mkdirSync(OUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it("types, trains, interrupts, completes the model variable and shows tables", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const shot = (name: string) => page.screenshot({ path: join(OUT, `workshop-${name}.png`), fullPage: true });
    try {
      await page.goto(`${server.base}/notebooks/workshop.ipynb?token=${server.token}`);
      await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.(), undefined, { timeout: 60_000 });

      // 1. The first cell, typed right away.
      const connected = Date.now();
      await page.locator(".cell").nth(0).locator(".CodeMirror").click();
      await page.keyboard.type("const greeting = `symtune ${6 * 7}`; greeting");
      await page.keyboard.press("Shift+Enter");
      await expect.poll(() => outputText(page, 0), { timeout: 60_000 }).toBe("Out[1]:\n'symtune 42'");
      console.log(`workshop: first cell answered ${((Date.now() - connected) / 1000).toFixed(2)} s after the kernel connected`);

      // 2. %train with a progress bar, interrupted from the toolbar.
      await page.evaluate((text) => (window as any).Jupyter.notebook.get_cell(1).set_text(text), TRAIN);
      await page.evaluate(() => (window as any).Jupyter.notebook.execute_cells([1]));
      const bar = page.locator(".cell").nth(1).locator(".symtune-progress progress");
      await expect.poll(async () => Number((await bar.getAttribute("value").catch(() => null)) ?? 0), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
      expect(await bar.getAttribute("max")).toBe("5000");
      // tqdm-style [elapsed<remaining]; hours appear once the remaining time passes one (a loaded box).
      expect(await page.locator(".cell").nth(1).locator(".symtune-progress").textContent()).toMatch(/workshop.*\d+\/5000 \[(\d+:)?\d\d:\d\d<(\d+:)?\d\d:\d\d, .*\] loss \d/);
      await shot("training");
      const interrupted = Date.now();
      await page.locator('button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]').click();
      await expect.poll(() => promptNumber(page, 1), { timeout: 30_000 }).toBe(2);
      console.log(`workshop: %train interrupted; the cell finished ${((Date.now() - interrupted) / 1000).toFixed(2)} s after the click`);
      // The bar says where it stopped; the cell itself stops (as IPython's does) after the stage
      // kept its model and checkpoint.
      const stoppedAt = /(\d+)\/5000 \[.*\] .*stopped interrupted/.exec(await outputText(page, 1));
      expect(stoppedAt, await outputText(page, 1)).not.toBeNull();

      // 3. The --as variable: Tab completes its members (it has its real type), it holds the
      //    interrupted run's result, and shows itself as a table.
      await page.locator(".cell").nth(2).locator(".CodeMirror").click();
      await page.keyboard.type("model.tra");
      await page.keyboard.press("Tab");
      const cellText = () => page.evaluate(() => (window as any).Jupyter.notebook.get_cell(2).get_text() as string);
      await expect.poll(cellText, { timeout: 30_000 }).toBe("model.train");
      await page.keyboard.type(".stopped");
      await page.keyboard.press("Shift+Enter");
      await expect.poll(() => outputText(page, 2), { timeout: 60_000 }).toBe("Out[3]:\n'interrupted'");
      await page.evaluate(() => (window as any).Jupyter.notebook.insert_cell_below("code", 2).set_text("model"));
      await page.evaluate(() => (window as any).Jupyter.notebook.execute_cells([3]));
      const summary = page.locator(".cell").nth(3).locator("table.symtune-table");
      await expect.poll(() => summary.locator("caption").textContent().catch(() => ""), { timeout: 60_000 }).toMatch(
        new RegExp(`^injection → model; interrupted at step ${stoppedAt![1]}, the model is kept and saved to `),
      );
      const headers = await summary.locator("thead th").allTextContents();
      expect(await summary.locator("tbody td").nth(headers.indexOf("status")).textContent()).toBe("interrupted");

      // 4. A tensor and a DataFrame as tables.
      await page.evaluate((text) => (window as any).Jupyter.notebook.get_cell(4).set_text(text), TABLES);
      await page.evaluate(() => (window as any).Jupyter.notebook.execute_cells([4]));
      const captions = page.locator(".cell").nth(4).locator("table.symtune-table caption");
      await expect.poll(() => captions.allTextContents(), { timeout: 120_000 }).toEqual(["Tensor float32 [2, 2] · 4 values", "DataFrame 2 × 2"]);
      const frame = page.locator(".cell").nth(4).locator("table.symtune-table").nth(1);
      expect(await frame.locator("tbody tr").first().locator("td").allTextContents()).toEqual(["scan", "52.2827"]);
      expect(await frame.locator("tbody tr td").nth(1).evaluate((td) => getComputedStyle(td).textAlign)).toBe("right");
      expect(await frame.locator("tbody tr td").nth(0).evaluate((td) => getComputedStyle(td).textAlign)).toBe("left");
      await shot("done");
    } catch (error) {
      await shot("failure");
      throw new Error(`${(error as Error).message}\nnotebook server log:\n${server.log().slice(-6000)}`);
    }
  }, 300_000);
});
