/**
 * A training curve that updates in place while a run trains: one output created with a
 * display id and replaced (update_display_data) at most every `minIntervalMs`, like HF's
 * notebook progress, through lib/display's handles (so it keeps its place among the cell's other
 * outputs). Intermediate updates skip the Chromium render; `finish()` sends the final figure
 * with its static image, except after an interrupt (the image is skipped at once, so the
 * interrupted cell ends quickly with its model) or when Chromium is not ready within a few
 * seconds. Chromium starts warming when the curve is created, while the model trains.
 * Outside a kernel it only collects points.
 */
import { randomUUID } from "node:crypto";
import { display, type DisplayHandle } from "../display/display.ts";
import { getDisplaySink, type MimeBundle } from "../display/protocol.ts";
import { trainingCurves, type CurveSeries } from "./builders.ts";
import { figureOutput, type Figure } from "./figure.ts";
import { plotlyScriptOnce } from "./html.ts";
import { warmStaticExport } from "./static.ts";

export interface LiveCurveOptions {
  title?: string;
  yLabel?: string;
  logY?: boolean;
  /** Minimum time between two in-place updates; default 500 ms (≤ 2 updates/s). */
  minIntervalMs?: number;
  /** The cell's interrupt: once aborted, the final figure goes out without a static image. */
  signal?: AbortSignal;
  /**
   * The most the final figure waits for its static image: default 3000 ms in an interactive
   * kernel; no limit headless (`symtune run`), where the saved notebook needs the image and
   * only an interrupt may cut it short.
   */
  staticTimeoutMs?: number;
}

export class LiveCurve {
  readonly displayId = `symtune-curve-${randomUUID()}`;
  private readonly series = new Map<string, { steps: number[]; values: number[]; mode: CurveSeries["mode"] }>();
  private lastUpdate = 0;
  private handle: DisplayHandle | null = null;
  private pending: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly sink = getDisplaySink();

  constructor(private readonly options: LiveCurveOptions = {}) {
    if (this.sink) warmStaticExport();
  }

  /** Adds a point; redraws if the last redraw is older than the interval (else schedules one). */
  add(name: string, step: number, value: number, mode: CurveSeries["mode"] = "lines"): void {
    let s = this.series.get(name);
    if (!s) this.series.set(name, (s = { steps: [], values: [], mode }));
    s.steps.push(step);
    s.values.push(value);
    if (!this.sink) return;
    const wait = (this.options.minIntervalMs ?? 500) - (Date.now() - this.lastUpdate);
    if (wait <= 0) this.redraw(false);
    else if (!this.pending) {
      this.pending = setTimeout(() => {
        this.pending = null;
        this.redraw(false);
      }, wait);
      this.pending.unref();
    }
  }

  figure(): Figure {
    const series: CurveSeries[] = [...this.series].map(([name, s]) => ({ name, ...s }));
    return trainingCurves(series.length ? series : [{ name: "loss", steps: [], values: [] }], this.options);
  }

  /** Sends the final figure (with its static image) and returns it. */
  async finish(): Promise<Figure> {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    if (this.sink) {
      this.redraw(true);
      await this.chain;
    }
    return this.figure();
  }

  private redraw(final: boolean): void {
    if (!this.sink) return;
    this.lastUpdate = Date.now();
    const figure = this.figure();
    this.chain = this.chain.then(async () => {
      const bundle: MimeBundle = await figure.mimeBundle({
        plotlyJs: "none",
        staticImage: final,
        signal: this.options.signal,
        staticTimeoutMs: this.options.staticTimeoutMs ?? (process.env.SYMTUNE_HEADLESS === "1" ? undefined : 3000),
      });
      if (!this.handle) {
        // plotly.js goes in its own output: in-place updates replace the figure's output.
        const loader = figureOutput() === "html" ? plotlyScriptOnce() : "";
        if (loader) display({ "text/html": loader, "text/plain": "" }, { raw: true });
        this.handle = display(bundle, { raw: true, displayId: this.displayId });
      } else {
        this.handle.update(bundle, { raw: true });
      }
      await this.handle.ready;
    });
    this.chain = this.chain.catch(() => undefined);
  }
}
