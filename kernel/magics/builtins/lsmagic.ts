/** %lsmagic: every registered magic with its one-line summary. */
import { escapeHtml } from "../../../lib/display/html.ts";
import { displaySymbol, type MimeBundle } from "../../../lib/display/protocol.ts";
import { listMagics, registerMagic } from "../registry.ts";
import type { MagicSpec } from "../types.ts";

export interface MagicListing {
  line: { name: string; summary: string }[];
  cell: { name: string; summary: string }[];
  [displaySymbol](): MimeBundle;
}

/** The current magics as data, rendering as a text list and an HTML table. */
export function magicListing(magics: MagicSpec[] = listMagics()): MagicListing {
  const pick = (mode: "line" | "cell") =>
    magics.filter((m) => m.mode === mode || m.mode === "both").map((m) => ({ name: m.name, summary: m.summary }));
  const line = pick("line");
  const cell = pick("cell");
  const width = Math.max(0, ...line.map((m) => m.name.length + 1), ...cell.map((m) => m.name.length + 2));
  const textSection = (title: string, prefix: string, rows: typeof line) => [
    `${title}:`,
    ...(rows.length ? rows.map((m) => `  ${(prefix + m.name).padEnd(width)}  ${m.summary}`) : ["  (none)"]),
  ];
  const htmlRows = (prefix: string, rows: typeof line) =>
    rows.map((m) => `<tr><td><code>${prefix}${escapeHtml(m.name)}</code></td><td>${escapeHtml(m.summary)}</td></tr>`);
  const footer = "Type %name? for a magic's usage and options.";
  return {
    line,
    cell,
    [displaySymbol]: () => ({
      "text/plain": [...textSection("Line magics", "%", line), "", ...textSection("Cell magics", "%%", cell), "", footer].join("\n"),
      "text/html":
        `<table><thead><tr><th>magic</th><th>what it does</th></tr></thead><tbody>` +
        `<tr><th colspan="2" style="text-align:left">Line magics</th></tr>${htmlRows("%", line).join("")}` +
        `<tr><th colspan="2" style="text-align:left">Cell magics</th></tr>${htmlRows("%%", cell).join("")}` +
        `</tbody></table><p>${escapeHtml(footer)}</p>`,
    }),
  };
}

registerMagic({
  name: "lsmagic",
  mode: "line",
  summary: "List the line and cell magics",
  args: [],
  run: () => magicListing(),
});
