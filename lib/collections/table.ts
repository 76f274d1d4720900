/**
 * A table of records that renders itself through the display protocol: text/html built from a
 * danfojs DataFrame, and text/plain for terminals and `symtune run` logs. danfojs pulls in tfjs
 * and takes ~0.7 s to import, so it is imported on first display, not when this module loads.
 */
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";

export type Cell = string | number | boolean | null;
export type TableRecord = Record<string, Cell>;

/** Cells longer than this are cut in the view (the data itself is untouched). */
const MAX_CELL_CHARS = 160;

export class RecordTable implements Displayable {
  constructor(
    readonly records: readonly TableRecord[],
    readonly caption = "",
    /** Column order; defaults to the keys of the first record. */
    readonly columns: readonly string[] = Object.keys(records[0] ?? {}),
  ) {}

  async [displaySymbol](): Promise<MimeBundle> {
    return { "text/html": await this.html(), "text/plain": this.text() };
  }

  async html(): Promise<string> {
    const dfd = await import("danfojs");
    const head = `<caption style="text-align:left">${escapeHtml(this.caption)}</caption>`;
    if (this.records.length === 0) {
      return `<table class="symtune-table">${head}<tr><td><i>no rows</i></td></tr></table>`;
    }
    // The DataFrame is the table's model (column order, index); the markup is ours because
    // danfojs only prints HTML into a browser DOM.
    const frame = new dfd.DataFrame(
      this.records.map((r) => this.columns.map((c) => shorten(r[c] ?? null))),
      { columns: [...this.columns] },
    );
    const columns = frame.columns as string[];
    const values = frame.values as Cell[][];
    const index = frame.index as (string | number)[];
    const th = ["<th></th>", ...columns.map((c) => `<th>${escapeHtml(c)}</th>`)].join("");
    const body = values
      .map((row, i) => {
        const cells = row.map((v) => `<td style="text-align:left;white-space:pre-wrap">${escapeHtml(String(v ?? ""))}</td>`);
        return `<tr><th>${escapeHtml(String(index[i]))}</th>${cells.join("")}</tr>`;
      })
      .join("\n");
    return `<table class="dataframe symtune-table">${head}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
  }

  /** A plain fixed-width table; long cells are cut to keep one line per row. */
  text(): string {
    const width = 40;
    const cut = (v: Cell) => {
      const s = String(v ?? "").replace(/\s+/g, " ");
      return s.length > width ? `${s.slice(0, width - 1)}…` : s;
    };
    const grid = [this.columns.map(String), ...this.records.map((r) => this.columns.map((c) => cut(r[c] ?? null)))];
    const widths = this.columns.map((_, j) => Math.max(...grid.map((row) => row[j]!.length)));
    const lines = grid.map((row) => row.map((cell, j) => cell.padEnd(widths[j]!)).join("  ").trimEnd());
    lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
    return [this.caption, ...lines].filter((l) => l !== "").join("\n");
  }
}

function shorten(value: Cell): Cell {
  if (typeof value !== "string" || value.length <= MAX_CELL_CHARS) return value;
  return `${value.slice(0, MAX_CELL_CHARS - 1)}…`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
