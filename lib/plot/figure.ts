/**
 * A Plotly figure that renders itself in the kernel through the display protocol: one mime
 * bundle with the Plotly JSON (JupyterLab/VS Code/nteract), offline HTML (classic Notebook,
 * nbconvert) and, when Chromium is installed, a static SVG (GitHub, papers).
 *
 * SYMTUNE_FIGURE_OUTPUT=mime (or figureOutput("mime")) leaves the HTML out: for frontends that
 * render the Plotly mime type themselves and for notebooks meant to be read as files (the
 * static SVG shows), it keeps plotly.js (4.8 MB) out of the notebook entirely.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import { UsageError } from "../errors.ts";
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";
import { figureHtml, figurePage, type PlotlyJsMode } from "./html.ts";
import { renderStatic, staticExportKeptWarm, warmStaticExport, type PlotlyFigureJSON, type StaticOptions } from "./static.ts";

export type Trace = Record<string, unknown>;
export type Layout = Record<string, unknown>;

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

const DEFAULT_LAYOUT: Layout = {
  width: 720,
  height: 440,
  margin: { l: 64, r: 24, t: 56, b: 56 },
  font: { family: "DejaVu Sans, Arial, sans-serif", size: 13 },
  template: { layout: { colorway: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"] } },
};

export interface FigureOptions {
  /** Where the plotly.js bundle goes in text/html; see html.ts. Default "once". */
  plotlyJs?: PlotlyJsMode;
  /** Skip the Chromium render (e.g. for in-place updates several times a second). */
  staticImage?: boolean;
  /** Skip the static image once this aborts (an interrupted cell must not wait for Chromium). */
  signal?: AbortSignal;
  /** Skip the static image if it takes longer than this (a cold Chromium). */
  staticTimeoutMs?: number;
}

/** html: Plotly JSON + offline HTML + SVG (default); mime: Plotly JSON + SVG, no HTML, no plotly.js. */
export type FigureOutput = "html" | "mime";

let output: FigureOutput | null = null;

/** Chooses how figures are sent for the rest of this process (default: SYMTUNE_FIGURE_OUTPUT, else html). */
export function figureOutput(mode?: FigureOutput): FigureOutput {
  if (mode !== undefined) {
    if (mode !== "html" && mode !== "mime") throw new UsageError(`figureOutput: use "html" or "mime", got "${String(mode)}"`);
    output = mode;
  }
  return output ?? (process.env.SYMTUNE_FIGURE_OUTPUT === "mime" ? "mime" : "html");
}

// In an interactive kernel, start the browser for static images while the user is still
// typing: the figures that follow the `symtune` import then take ~0.1 s each. Deferred so it
// does not compete with the cell that imported us; not under `symtune run` (SYMTUNE_HEADLESS),
// where no one types and a notebook without figures would pay for a browser it never uses.
if (staticExportKeptWarm() && process.env.SYMTUNE_HEADLESS !== "1") setTimeout(warmStaticExport, 3000).unref();

export class Figure implements Displayable {
  readonly data: Trace[];
  readonly layout: Layout;
  readonly config: Record<string, unknown>;

  constructor(data: Trace[], layout: Layout = {}, config: Record<string, unknown> = {}) {
    this.data = data;
    this.layout = { ...DEFAULT_LAYOUT, ...layout };
    this.config = { displaylogo: false, ...config };
  }

  get title(): string {
    const title = this.layout.title;
    if (typeof title === "string") return title;
    if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
      return (title as { text: string }).text;
    }
    return "figure";
  }

  toJSON(): PlotlyFigureJSON {
    return { data: this.data, layout: this.layout, config: this.config };
  }

  /** Static SVG text, or null without Chromium (or when stopped early, see StaticOptions). */
  toSVG(options: Omit<StaticOptions, "size"> = {}): Promise<string | null> {
    return renderStatic(this.toJSON(), "svg", { ...options, size: this.size() });
  }

  /** PNG bytes, or null without Chromium. */
  toPNG(): Promise<Buffer | null> {
    return renderStatic(this.toJSON(), "png", { size: this.size() });
  }

  private size(): { width: number; height: number } {
    return { width: Number(this.layout.width ?? 720), height: Number(this.layout.height ?? 440) };
  }

  async mimeBundle(options: FigureOptions = {}): Promise<MimeBundle> {
    const svg = options.staticImage === false ? null : await this.toSVG({ signal: options.signal, timeoutMs: options.staticTimeoutMs });
    const traces = this.data.length;
    const bundle: MimeBundle = { [PLOTLY_MIME]: { data: this.data, layout: this.layout, config: this.config } };
    if (figureOutput() === "html") {
      bundle["text/html"] = figureHtml(this.toJSON(), { plotlyJs: options.plotlyJs ?? "once", fallbackSvg: svg, title: this.title });
    }
    if (svg) bundle["image/svg+xml"] = svg;
    bundle["text/plain"] = `<Figure "${this.title}": ${traces} trace${traces === 1 ? "" : "s"}>`;
    return bundle;
  }

  [displaySymbol](): Promise<MimeBundle> {
    return this.mimeBundle();
  }

  /**
   * Writes the figure to `.svg`, `.png`, `.html` or `.json`. SVG and PNG need Chromium;
   * without it this throws a UsageError that says to save as .html instead.
   */
  async save(path: string): Promise<string> {
    const ext = extname(path).toLowerCase();
    let content: string | Buffer | null;
    if (ext === ".svg") content = await this.toSVG();
    else if (ext === ".png") content = await this.toPNG();
    else if (ext === ".html") content = figurePage(this.toJSON(), this.title);
    else if (ext === ".json") content = JSON.stringify(this.toJSON(), null, 1);
    else throw new UsageError(`cannot save a figure as "${path}": use a .svg, .png, .html or .json file name`);
    if (content === null) {
      throw new UsageError(`cannot write "${path}": static images need Chromium (/usr/bin/chromium); save as .html instead`);
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }
}
