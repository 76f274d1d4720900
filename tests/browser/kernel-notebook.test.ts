/**
 * The symtune kernel in the classic Jupyter Notebook (Debian jupyter-notebook 6) driven in
 * headless Chromium through playwright-core: a cell with a progress bar and an HTML display
 * renders in the page. Asserts on the DOM; saves a screenshot to out/kernel-notebook.png.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv, startNotebookServer, type NotebookServer } from "./notebook-server.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const CELL = `import { progress } from "symtune";
const bar = progress({ total: 20, label: "training" });
for (let step = 0; step < 20; step++) {
  await new Promise((r) => setTimeout(r, 10));
  bar.update(step + 1);
}
display.html('<p id="symtune-hello" style="color: darkgreen">Hello from <b>symtune</b></p>');`;

describe("symtune in the classic Jupyter Notebook (headless Chromium)", () => {
  let server: NotebookServer;
  let browser: Browser;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-notebook-"));
    const prefix = join(dir, "prefix");
    const install = spawnSync(process.execPath, [join(ROOT, "bin/symtune.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    expect(install.status, install.stderr).toBe(0);
    const notebooks = join(dir, "notebooks");
    mkdirSync(notebooks);
    writeFileSync(
      join(notebooks, "demo.ipynb"),
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "symtune", display_name: "TypeScript (symtune)", language: "typescript" } },
        cells: [{ id: "progress-cell", cell_type: "code", metadata: {}, source: CELL, outputs: [], execution_count: null }],
      }),
    );
    server = await startNotebookServer(notebooks, jupyterEnv(dir, join(prefix, "share/jupyter")));
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("runs a cell with a progress bar and an HTML display", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.goto(`${server.base}/notebooks/demo.ipynb?token=${server.token}`);
    // The notebook is up when its kernel reports idle.
    await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.() && (window as any).Jupyter.notebook.kernel_selector?.current_selection === "symtune", undefined, { timeout: 60_000 });
    await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());

    const hello = page.locator(".output_area #symtune-hello");
    mkdirSync(join(ROOT, "out"), { recursive: true });
    try {
      await hello.waitFor({ timeout: 90_000 });
    } catch (error) {
      await page.screenshot({ path: join(ROOT, "out", "kernel-notebook-failure.png"), fullPage: true });
      throw new Error(`${(error as Error).message}\nnotebook server log:\n${server.log().slice(-6000)}`);
    }
    expect(await hello.textContent()).toBe("Hello from symtune");

    const bar = page.locator(".output_area .symtune-progress progress");
    await expect.poll(async () => (await bar.getAttribute("value")) ?? "", { timeout: 30_000 }).toBe("20");
    expect(await bar.getAttribute("max")).toBe("20");
    expect(await page.locator(".output_area .symtune-progress").textContent()).toContain("20/20");
    // One progress output updated in place, not twenty.
    expect(await page.locator(".output_area .symtune-progress").count()).toBe(1);
    const prompt = page.locator(".input_prompt").first();
    await expect.poll(async () => (await prompt.textContent())?.replace(/\s/g, ""), { timeout: 30_000 }).toBe("In[1]:");

    await page.screenshot({ path: join(ROOT, "out", "kernel-notebook.png"), fullPage: true });
  });
});
