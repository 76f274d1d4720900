/**
 * The text/html of a figure: renders offline, with no network. The plotly.js bundle is
 * inlined into the first figure a process displays ("once per notebook": the runner starts one
 * kernel per notebook); later figures use `window.Plotly`, waiting briefly for it. Until
 * plotly.js runs (untrusted notebook, GitHub, a bundle output cleared) the static image
 * inside the div is what the reader sees.
 */
import { randomUUID } from "node:crypto";
import { escapeHtml } from "../display/html.ts";
import { plotlyScript } from "./plotlyjs.ts";
import type { PlotlyFigureJSON } from "./static.ts";

/** inline: always carry the bundle; once: only the first time in this process; none: never. */
export type PlotlyJsMode = "inline" | "once" | "none";

let bundleSent = false;

/** For tests and for a kernel restart: the next "once" figure carries the bundle again. */
export function resetPlotlyBundleSent(): void {
  bundleSent = false;
}

/** Escapes text for a <script> element: no `</script>` or `<!--` can end it early. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** A <script> that defines window.Plotly from the inlined bundle. */
export function plotlyScriptTag(): string {
  // MathJaxConfig 'local' stops plotly from reconfiguring the notebook's own MathJax.
  return `<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n<script>${scriptSafe(plotlyScript())}</script>\n`;
}

/** The bundle's script tag if this process has not sent it yet (then marks it sent), else "". */
export function plotlyScriptOnce(): string {
  if (bundleSent) return "";
  bundleSent = true;
  return plotlyScriptTag();
}

export interface HtmlOptions {
  plotlyJs: PlotlyJsMode;
  /** Static SVG shown until plotly.js draws (and where scripts never run). */
  fallbackSvg?: string | null;
  title?: string;
}

export function figureHtml(figure: PlotlyFigureJSON, options: HtmlOptions): string {
  const id = `symtune-plot-${randomUUID()}`;
  const width = Number(figure.layout.width ?? 720);
  const height = Number(figure.layout.height ?? 440);
  let include = options.plotlyJs === "inline";
  if (options.plotlyJs === "once" && !bundleSent) include = true;
  if (include && options.plotlyJs === "once") bundleSent = true;
  const fallback = options.fallbackSvg
    ? `<img alt="${escapeHtml(options.title ?? "figure")}" src="data:image/svg+xml;base64,${Buffer.from(options.fallbackSvg).toString("base64")}">`
    : "";
  const payload = scriptSafe(JSON.stringify({ data: figure.data, layout: figure.layout, config: figure.config ?? {} }));
  const draw = `<script>
(function () {
  var id = ${JSON.stringify(id)}, fig = ${payload};
  function draw() {
    var el = document.getElementById(id);
    if (!el) return;
    el.innerHTML = "";
    window.Plotly.newPlot(el, fig.data, fig.layout, Object.assign({responsive: true}, fig.config));
  }
  if (window.Plotly) { draw(); return; }
  var tries = 0, timer = setInterval(function () {
    if (window.Plotly) { clearInterval(timer); draw(); }
    else if (++tries > 100) clearInterval(timer);
  }, 100);
})();
</script>`;
  return (
    (include ? plotlyScriptTag() : "") +
    `<div id="${id}" class="symtune-plot" style="width:${width}px;height:${height}px;max-width:100%">${fallback}</div>\n` +
    draw
  );
}

/** A standalone HTML page for `save("fig.html")`: always carries the bundle. */
export function figurePage(figure: PlotlyFigureJSON, title: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${figureHtml(figure, { plotlyJs: "inline", title })}
</body></html>
`;
}
