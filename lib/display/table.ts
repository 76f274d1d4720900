/**
 * The one table: rows of records → a display-protocol object with an HTML table (notebooks)
 * and an aligned text table (terminals, `symtune run` logs). Collections, eval reports, run
 * listings, `%train` results and any printed array of records go through it, so they all read
 * the same way: text left-aligned, numbers right-aligned, floats rounded, units on the number.
 *
 *   table([{ task: "scan", accuracy: 52.2827 }], { caption: "eval", units: { accuracy: "%" } })
 *   // task  accuracy
 *   // scan    52.28%
 */
import { inspect } from "node:util";
import { escapeHtml } from "./html.ts";
import { displaySymbol, type Displayable, type MimeBundle } from "./protocol.ts";

export type Cell = string | number | boolean | null | undefined;
export type TableRow = Record<string, unknown>;

export interface TableOptions {
  /** One line above the table saying what it is. */
  caption?: string;
  /** Column order (default: the rows' keys in first-seen order). */
  columns?: readonly string[];
  /** Decimals of non-integer numbers, for all columns or per column (default 2). */
  digits?: number | Record<string, number>;
  /** A unit written after each number of a column, e.g. { accuracy: "%", wall: " s" }. */
  units?: Record<string, string>;
  /** Rows shown; the rest are counted under the table (default 50). */
  maxRows?: number;
  /** A first column of row labels: true for positions 0, 1, …, or the labels (a DataFrame's index). */
  index?: boolean | readonly (string | number)[];
}

const DEFAULT_MAX_ROWS = 50;
/** Longer text cells are cut in the view (the rows themselves are untouched). */
const HTML_CELL_CHARS = 160;
const TEXT_CELL_CHARS = 40;

export class Table implements Displayable {
  readonly rows: readonly TableRow[];
  readonly columns: readonly string[];
  readonly caption: string;
  private readonly options: TableOptions;

  constructor(rows: readonly TableRow[], options: TableOptions = {}) {
    this.rows = rows;
    this.columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
    this.caption = options.caption ?? "";
    this.options = options;
  }

  /** The cells as shown, row by row (rounded numbers with their units, empty for missing). */
  cells(): string[][] {
    return this.rows.map((row) => this.columns.map((c) => this.format(c, row[c])));
  }

  /** A column is numeric when every value in it that is present is a number ("…" marks a cut). */
  isNumeric(column: string): boolean {
    const present = this.rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined && v !== "" && v !== "…");
    return present.length > 0 && present.every((v) => typeof v === "number");
  }

  /** The label of row r in the index column ("" when there is none). */
  private label(r: number): string {
    const { index } = this.options;
    if (!index) return "";
    return index === true ? String(r) : String(index[r] ?? "");
  }

  html(): string {
    const shown = this.shownRows();
    const numeric = this.columns.map((c) => this.isNumeric(c));
    const align = (i: number) => `text-align:${numeric[i] ? "right" : "left"}`;
    const caption = this.caption ? `<caption style="text-align:left">${escapeHtml(this.caption)}</caption>` : "";
    // A caption wraps at its table's width: a narrow table gets room for a short caption on
    // one line, a long caption wraps at ~70 characters instead of stretching the table.
    const width = this.caption ? ` style="min-width:min(${Math.min(this.caption.length, 70)}ch,100%)"` : "";
    const indexHead = this.options.index ? "<th></th>" : "";
    const head = this.columns.map((c, i) => `<th style="${align(i)}">${escapeHtml(c)}</th>`).join("");
    const body = this.cells()
      .slice(0, shown)
      .map((row, r) => {
        const index = this.options.index ? `<th>${escapeHtml(this.label(r))}</th>` : "";
        const cells = row.map((cell, i) => {
          const style = numeric[i] ? align(i) : `${align(i)};white-space:pre-wrap`;
          return `<td style="${style}">${escapeHtml(cut(cell, HTML_CELL_CHARS))}</td>`;
        });
        return `<tr>${index}${cells.join("")}</tr>`;
      })
      .join("\n");
    const empty = this.rows.length === 0 ? `<tr><td colspan="${this.columns.length || 1}"><i>no rows</i></td></tr>` : "";
    return (
      `<table class="dataframe symtune-table"${width}>${caption}<thead><tr>${indexHead}${head}</tr></thead>\n` +
      `<tbody>\n${body}${empty}\n</tbody></table>${this.moreNote("<p>", "</p>")}`
    );
  }

  /** Fixed-width text: one line per row, long cells cut, numbers right-aligned. */
  text(): string {
    const shown = this.shownRows();
    const columns = this.options.index ? ["", ...this.columns] : [...this.columns];
    const numeric = [...(this.options.index ? [this.options.index === true] : []), ...this.columns.map((c) => this.isNumeric(c))];
    const body = this.cells()
      .slice(0, shown)
      .map((row, r) => [...(this.options.index ? [this.label(r)] : []), ...row.map((c) => cut(c.replace(/\s+/g, " "), TEXT_CELL_CHARS))]);
    const grid = [columns, ...body];
    const widths = columns.map((_, j) => Math.max(...grid.map((row) => row[j]!.length)));
    const line = (row: string[]) => row.map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join("  ").trimEnd();
    const lines = [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
    if (this.rows.length === 0) lines.push("(no rows)");
    return [this.caption, ...lines, this.moreNote("", "")].filter((l) => l !== "").join("\n");
  }

  [displaySymbol](): MimeBundle {
    return { "text/html": this.html(), "text/plain": this.text() };
  }

  /** The rows as a danfojs DataFrame, for analysis in the notebook (danfojs loads on first use). */
  async dataFrame(): Promise<DataFrameLike> {
    const { DataFrame } = (await import("danfojs")) as unknown as { DataFrame: new (data: unknown, options?: unknown) => DataFrameLike };
    if (this.rows.length === 0) return { columns: [...this.columns], values: [], shape: [0, this.columns.length] };
    return new DataFrame(
      this.rows.map((r) => this.columns.map((c) => (r[c] === undefined ? null : r[c]))),
      { columns: [...this.columns] },
    );
  }

  toJSON(): readonly TableRow[] {
    return this.rows;
  }

  private shownRows(): number {
    return Math.min(this.rows.length, this.options.maxRows ?? DEFAULT_MAX_ROWS);
  }

  private moreNote(open: string, close: string): string {
    const more = this.rows.length - this.shownRows();
    return more > 0 ? `${open}… ${more} more row${more === 1 ? "" : "s"}${close}` : "";
  }

  private format(column: string, value: unknown): string {
    if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number") {
      const { digits = 2, units = {} } = this.options;
      const places = typeof digits === "number" ? digits : (digits[column] ?? 2);
      return `${formatNumber(value, places)}${units[column] ?? ""}`;
    }
    if (typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (value instanceof Date) return value.toISOString();
    return inspect(value, { colors: false, depth: 1, breakLength: Infinity });
  }
}

// danfojs ships browser typings only; the part we use is typed here.
export interface DataFrameLike {
  columns: string[];
  values: unknown[][];
  shape: number[];
}

/**
 * 52.282722502999995 → "52.28"; integers stay whole; a small non-zero value keeps two
 * significant digits instead of rounding to "0.00" (a learning rate of 0.0003 stays readable).
 */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return String(Number(value.toPrecision(2)));
  return value.toFixed(digits);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A table of records that shows itself in a notebook; see TableOptions. */
export function table(rows: readonly TableRow[], options: TableOptions = {}): Table {
  return new Table(rows, options);
}
