/**
 * Readable views of objects that do not implement the display protocol themselves: tfjs
 * tensors (shape, dtype, a preview of the values) and danfojs DataFrames/Series (an HTML
 * table, as Deno's kernel shows polars frames). Recognised by shape, not by import, so showing
 * a number never loads tfjs or danfojs. The GPT model's own display method uses modelView.
 */
import { escapeHtml } from "./html.ts";
import { displaySymbol, type MimeBundle } from "./protocol.ts";
import { formatNumber, Table, type TableRow } from "./table.ts";

/** Rows and columns of a tensor's preview; tfjs's own text view also cuts at about 20. */
const PREVIEW = 8;

interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  rank: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<number | string>;
  toString(verbose?: boolean): string;
  slice?(begin: number[], size: number[]): TensorLike;
  dispose(): void;
}

interface FrameLike {
  columns: string[];
  values: unknown[];
  index: (string | number)[];
  shape: number[];
}

function isTensor(value: unknown): value is TensorLike {
  const v = value as Partial<TensorLike> | null;
  return (
    typeof v === "object" && v !== null && Array.isArray(v.shape) && typeof v.dtype === "string" &&
    typeof v.dataSync === "function" && "dataId" in v
  );
}

function frameKind(value: unknown): "DataFrame" | "Series" | undefined {
  const v = value as Partial<FrameLike> & { print?: unknown } | null;
  if (typeof v !== "object" || v === null || typeof v.print !== "function") return undefined;
  if (!Array.isArray(v.index) || !Array.isArray(v.values) || !Array.isArray(v.shape)) return undefined;
  const name = v.constructor?.name;
  return name === "DataFrame" || name === "Series" ? name : undefined;
}

/** The bundle for a value this module knows, or undefined. */
export function knownRepr(value: unknown): MimeBundle | undefined {
  if (isTensor(value)) return tensorView(value);
  const kind = frameKind(value);
  if (kind) return frameView(value as FrameLike, kind);
  return undefined;
}

function tensorHeader(t: TensorLike): string {
  return `Tensor ${t.dtype} [${t.shape.join(", ")}]${t.rank === 0 ? " (scalar)" : ""} · ${t.size} value${t.size === 1 ? "" : "s"}`;
}

/** Tensor: a caption line, then a table of the first rows × columns (rank ≤ 2) or tfjs's text. */
export function tensorView(t: TensorLike): MimeBundle {
  if (t.isDisposed) return { "text/plain": `Tensor ${t.dtype} [${t.shape.join(", ")}] (disposed)` };
  const header = tensorHeader(t);
  if (t.rank > 2) {
    // tfjs's own view, which shows the ends of long axes.
    const values = t.toString().replace(/^Tensor\n?/, "").replace(/^ {4}/gm, "");
    return { "text/html": `<div>${escapeHtml(header)}</div><pre>${escapeHtml(values)}</pre>`, "text/plain": `${header}\n${values}` };
  }
  const [rows, cols] = t.rank === 0 ? [1, 1] : t.rank === 1 ? [1, t.shape[0]!] : [t.shape[0]!, t.shape[1]!];
  const [r, c] = [Math.min(rows, PREVIEW), Math.min(cols, PREVIEW)];
  // Only the preview is read back from the backend, not the whole tensor.
  const part = t.rank === 2 && (r < rows || c < cols) && t.slice ? t.slice([0, 0], [r, c]) : t.rank === 1 && c < cols && t.slice ? t.slice([0], [c]) : t;
  const values = Array.from(part.dataSync());
  if (part !== t) part.dispose();
  const records: TableRow[] = [];
  for (let i = 0; i < r; i++) {
    const row: TableRow = {};
    for (let j = 0; j < c; j++) row[String(j)] = values[i * c + j]!;
    if (c < cols) row["…"] = "…";
    records.push(row);
  }
  if (r < rows) records.push({ "0": "…" });
  // As many decimals as the preview needs, at most 4: [1.5, 2] shows "1.5  2", not "1.5000  2".
  const places = Math.max(0, ...values.map((v) => (typeof v === "number" && Number.isFinite(v) ? decimals(v) : 0)));
  return new Table(records, { caption: header, index: t.rank === 2, digits: Math.min(places, 4) })[displaySymbol]();
}

/** Decimals in the shortest writing of `v` rounded to 4 places (0.25 → 2, 3 → 0). */
function decimals(v: number): number {
  const text = String(Number(v.toFixed(4)));
  return text.includes(".") ? text.split(".")[1]!.length : 0;
}

/** DataFrame/Series: its rows under its own index labels, as a table. */
function frameView(frame: FrameLike, kind: "DataFrame" | "Series"): MimeBundle {
  const columns = kind === "DataFrame" ? frame.columns : [String((frame as { name?: unknown }).name ?? "values")];
  const rows = (frame.values as unknown[]).map((row) => {
    const cells = kind === "DataFrame" ? (row as unknown[]) : [row];
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
  });
  const caption = `${kind} ${frame.shape.join(" × ")}`;
  return new Table(rows, { caption, columns, index: frame.index, digits: 4 })[displaySymbol]();
}

/** A GPT model: its preset (when the shape is one), size, and a table of its weights. */
export function modelView(
  config: Record<string, number>,
  weights: Record<string, { shape: number[]; size: number }>,
  preset: string | undefined,
): MimeBundle {
  const params = Object.values(weights).reduce((n, w) => n + w.size, 0);
  const shape = Object.entries(config).map(([k, v]) => `${k} ${v}`).join(", ");
  const caption = `GPT${preset ? ` "${preset}"` : ""}: ${formatCount(params)} parameters (${shape})`;
  const rows = Object.entries(weights).map(([name, w]) => ({ weight: name, shape: `[${w.shape.join(", ")}]`, parameters: w.size }));
  const layers = new Table(rows, { caption, maxRows: 60 });
  return { "text/html": layers.html(), "text/plain": `${caption}\n${layers.text().split("\n").slice(1).join("\n")}` };
}

/** 1234567 → "1.23M". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${formatNumber(n / 1e9)}B`;
  if (n >= 1e6) return `${formatNumber(n / 1e6)}M`;
  if (n >= 1e3) return `${formatNumber(n / 1e3)}k`;
  return String(n);
}
