/**
 * Static images of figures (SVG or PNG) rendered by plotly.js itself in Debian's Chromium,
 * driven by playwright-core. One browser and one page per process, started on first use and
 * closed after a short idle time so scripts exit on their own. Without Chromium, static
 * export is skipped (figures keep their JSON and HTML) and we say so once.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { plotlyScript } from "./plotlyjs.ts";

export interface PlotlyFigureJSON {
  data: unknown[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export type StaticFormat = "svg" | "png";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const IDLE_CLOSE_MS = 15_000;

/**
 * The Chromium binary to use: SYMTUNE_CHROMIUM, else Debian's /usr/bin/chromium; null if absent.
 * SYMTUNE_CHROMIUM=none turns static images off (smaller, faster notebooks).
 */
export function chromiumPath(): string | null {
  if (process.env.SYMTUNE_CHROMIUM === "none") return null;
  const candidates = [process.env.SYMTUNE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const path of candidates) if (path && existsSync(path)) return path;
  return null;
}

let session: Promise<{ browser: Browser; page: Page }> | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let warned = false;
let queue: Promise<unknown> = Promise.resolve();

async function openSession(executablePath: string): Promise<{ browser: Browser; page: Page }> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
  const page = await browser.newPage();
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ content: plotlyScript() }); // the minified copy parses faster
  return { browser, page };
}

function armIdleClose(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeStaticExport(), IDLE_CLOSE_MS);
  idleTimer.unref();
}

/** True when static export can run (Chromium found). Prints the reason once when it cannot. */
export function staticExportAvailable(): boolean {
  if (chromiumPath()) return true;
  if (!warned) {
    warned = true;
    process.stderr.write(
      process.env.SYMTUNE_CHROMIUM === "none"
        ? "symtune: SYMTUNE_CHROMIUM=none: figures carry no static image (SVG/PNG).\n"
        : "symtune: Chromium not found (/usr/bin/chromium or SYMTUNE_CHROMIUM); figures carry no static image. " +
          "Install Debian's chromium to get SVG/PNG in notebooks.\n",
    );
  }
  return false;
}

/**
 * Renders a figure to SVG text or PNG bytes with Plotly.toImage in the shared page.
 * Returns null when Chromium is absent.
 */
export async function renderStatic(
  figure: PlotlyFigureJSON,
  format: "svg",
  size?: { width: number; height: number },
): Promise<string | null>;
export async function renderStatic(
  figure: PlotlyFigureJSON,
  format: "png",
  size?: { width: number; height: number },
): Promise<Buffer | null>;
export async function renderStatic(
  figure: PlotlyFigureJSON,
  format: StaticFormat,
  size: { width: number; height: number } = { width: 720, height: 440 },
): Promise<string | Buffer | null> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    staticExportAvailable();
    return null;
  }
  // One figure at a time through the single page keeps the browser's memory flat.
  const job = queue.then(async () => {
    session ??= openSession(executablePath);
    const { page } = await session;
    const url = await page.evaluate(
      async ({ fig, format, size }) => {
        const Plotly = (window as unknown as { Plotly: any }).Plotly;
        const div = document.createElement("div");
        document.body.appendChild(div);
        try {
          await Plotly.newPlot(div, fig.data, fig.layout, { ...(fig.config ?? {}), staticPlot: true });
          return (await Plotly.toImage(div, { format, ...size })) as string;
        } finally {
          Plotly.purge(div);
          div.remove();
        }
      },
      { fig: figure, format, size },
    );
    armIdleClose();
    return decodeDataUrl(url, format);
  });
  queue = job.catch(() => undefined);
  return job;
}

function decodeDataUrl(url: string, format: StaticFormat): string | Buffer {
  const comma = url.indexOf(",");
  const header = url.slice(0, comma);
  const payload = url.slice(comma + 1);
  if (header.endsWith(";base64")) {
    const bytes = Buffer.from(payload, "base64");
    return format === "svg" ? bytes.toString("utf8") : bytes;
  }
  const text = decodeURIComponent(payload);
  return format === "svg" ? text : Buffer.from(text, "binary");
}

/** Closes the shared browser (tests and scripts call it to exit promptly). */
export async function closeStaticExport(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const current = session;
  session = null;
  if (current) await (await current.catch(() => null))?.browser.close().catch(() => undefined);
}
