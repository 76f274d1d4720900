/**
 * Result tables: rows of results → a danfojs DataFrame (for further analysis in the notebook)
 * that renders itself as an HTML table. danfojs is imported on first use: it pulls in tfjs and
 * costs about a second, which the kernel's start-up must not pay.
 */
import { displaySymbol, type Displayable, type MimeBundle } from "../display/protocol.ts";

export type Cell = string | number | boolean | null;
export type ResultRow = Record<string, Cell | undefined>;

// danfojs ships browser typings only; the parts we use are typed here.
export interface DataFrameLike {
  columns: string[];
  values: unknown[][];
  shape: number[];
}

let danfo: Promise<{ DataFrame: new (data: unknown) => DataFrameLike }> | null = null;

export function loadDanfo(): Promise<{ DataFrame: new (data: unknown) => DataFrameLike }> {
  danfo ??= import("danfojs") as unknown as Promise<{ DataFrame: new (data: unknown) => DataFrameLike }>;
  return danfo;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function formatCell(value: unknown, digits: number): string {
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return String(value);
}

export class ResultsTable implements Displayable {
  constructor(
    readonly frame: DataFrameLike,
    readonly title = "",
    readonly digits = 3,
  ) {}

  get columns(): string[] {
    return this.frame.columns;
  }

  /** The cells as formatted strings, row by row (what the HTML and text views show). */
  cells(): string[][] {
    return this.frame.values.map((row) => row.map((v) => formatCell(v, this.digits)));
  }

  toHTML(): string {
    const head = this.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
    const body = this.cells()
      .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
      .join("\n");
    const caption = this.title ? `<caption>${escapeHtml(this.title)}</caption>` : "";
    return `<table class="dataframe symtune-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
  }

  toText(): string {
    const rows = [this.columns, ...this.cells()];
    const widths = this.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
    return [this.title, line(rows[0]!), ...rows.slice(1).map(line)].filter((l) => l !== "").join("\n");
  }

  [displaySymbol](): MimeBundle {
    return { "text/html": this.toHTML(), "text/plain": this.toText() };
  }
}

/**
 * Builds the table. Columns are the union of the rows' keys in first-seen order; a missing
 * value is an empty cell.
 */
export async function resultsTable(
  rows: readonly ResultRow[],
  options: { title?: string; digits?: number; columns?: string[] } = {},
): Promise<ResultsTable> {
  const columns = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const { DataFrame } = await loadDanfo();
  // danfojs cannot build a frame from zero rows; an empty table keeps its columns.
  const frame: DataFrameLike = rows.length
    ? new DataFrame(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))))
    : { columns, values: [], shape: [0, columns.length] };
  return new ResultsTable(frame, options.title ?? "", options.digits ?? 3);
}
