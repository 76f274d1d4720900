/**
 * Static images of figures (SVG or PNG) rendered by plotly.js itself in Debian's Chromium,
 * driven by playwright-core. One browser and one page per process. A script's browser closes
 * after a short idle time so the script exits on its own; a kernel's stays open while the
 * kernel lives (keepStaticExportWarm), so after the first figure each one takes ~0.1 s instead
 * of a Chromium start and a plotly.js parse (seconds). Without Chromium, static export is
 * skipped (figures keep their JSON and HTML) and we say so once.
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
/** True in a kernel: the browser is never closed for being idle. */
let keepWarm = false;
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
  if (keepWarm) return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeStaticExport(), IDLE_CLOSE_MS);
  idleTimer.unref();
}

/** True once the kernel asked to keep the browser (see keepStaticExportWarm). */
export function staticExportKeptWarm(): boolean {
  return keepWarm;
}

/** The kernel calls this once: its browser stays open until the kernel exits. */
export function keepStaticExportWarm(): void {
  keepWarm = true;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
}

/**
 * Starts Chromium and loads plotly.js in the background if that is not done yet, so the next
 * static image is quick. Called when figures are about to be needed (a training run starts,
 * the plotting library loads in a kernel). Never throws; does nothing without Chromium.
 */
export function warmStaticExport(): void {
  const executablePath = chromiumPath();
  if (!executablePath || session) return;
  session = openSession(executablePath);
  session.then(armIdleClose, () => {
    session = null; // a failed start is tried again by the next figure
  });
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

export interface StaticOptions {
  size?: { width: number; height: number };
  /** An aborted signal (an interrupted cell) returns null at once instead of waiting. */
  signal?: AbortSignal;
  /** Give up (null) after this many milliseconds; the browser keeps starting for the next figure. */
  timeoutMs?: number;
}

/**
 * Renders a figure to SVG text or PNG bytes with Plotly.toImage in the shared page.
 * Returns null when Chromium is absent, when `signal` is aborted, or after `timeoutMs`.
 */
export async function renderStatic(figure: PlotlyFigureJSON, format: "svg", options?: StaticOptions): Promise<string | null>;
export async function renderStatic(figure: PlotlyFigureJSON, format: "png", options?: StaticOptions): Promise<Buffer | null>;
export async function renderStatic(figure: PlotlyFigureJSON, format: StaticFormat, options: StaticOptions = {}): Promise<string | Buffer | null> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    staticExportAvailable();
    return null;
  }
  if (options.signal?.aborted) return null;
  const size = options.size ?? { width: 720, height: 440 };
  // One figure at a time through the single page keeps the browser's memory flat.
  const job = queue.then(async () => {
    session ??= openSession(executablePath);
    const { page } = await session.catch((error: unknown) => {
      session = null; // the next figure tries a fresh start
      throw error;
    });
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
  if (!options.signal && options.timeoutMs === undefined) return job;
  return raceStop(job, options.signal, options.timeoutMs);
}

/** The job's result, or null as soon as the signal aborts or the time runs out. */
function raceStop<T>(job: Promise<T>, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(null), timeoutMs);
    const onAbort = () => done(null);
    signal?.addEventListener("abort", onAbort, { once: true });
    function done(value: T | null): void {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }
    job.then(done, (error: unknown) => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
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
