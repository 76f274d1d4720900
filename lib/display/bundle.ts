/**
 * Any value → a Jupyter mime bundle. Objects that implement the display protocol render
 * themselves; everything else is text/plain through util.inspect, and an array of plain
 * records also gets an HTML table (the shape a notebook user most often prints).
 */
import { inspect } from "node:util";
import { isDisplayable, displaySymbol, type MimeBundle } from "./protocol.ts";

/** Rows beyond this are summarised, so a large array cannot flood the notebook. */
const MAX_TABLE_ROWS = 50;

export async function toMimeBundle(value: unknown): Promise<MimeBundle> {
  if (isDisplayable(value)) return await value[displaySymbol]();
  const bundle: MimeBundle = { "text/plain": textOf(value) };
  const html = recordTable(value);
  if (html) bundle["text/html"] = html;
  return bundle;
}

function textOf(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, breakLength: 100 });
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An HTML table for a non-empty array whose elements are all plain objects; else undefined. */
function recordTable(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainRecord)) return undefined;
  const rows = value as Record<string, unknown>[];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (v: unknown) => (typeof v === "string" ? v : inspect(v, { colors: false, depth: 1, breakLength: Infinity }));
  const head = `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>`;
  const body = rows
    .slice(0, MAX_TABLE_ROWS)
    .map((row) => `<tr>${columns.map((c) => `<td>${c in row ? escapeHtml(cell(row[c])) : ""}</td>`).join("")}</tr>`)
    .join("\n");
  const more = rows.length > MAX_TABLE_ROWS ? `\n<p>… ${rows.length - MAX_TABLE_ROWS} more rows</p>` : "";
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>${more}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
