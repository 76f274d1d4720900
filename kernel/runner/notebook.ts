/**
 * nbformat 4.5 notebooks for the headless runner: reading (and upgrading to 4.5 with cell
 * ids), and turning a cell's iopub messages into nbformat outputs the way a front-end
 * would: streams merged, update_display_data applied to every output with that display_id
 * (in any cell), clear_output honoured, with `wait` deferring the clear to the next output.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { DataError } from "../../lib/errors.ts";
import type { Message } from "../wire/message.ts";

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "execute_result"; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface Cell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export function sourceText(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DataError(`cannot read the notebook: ${(error as Error).message}`, { file: path });
  }
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new DataError(`not an nbformat 4 notebook (nbformat is ${JSON.stringify(nb?.nbformat)}; open and save it in Jupyter to upgrade)`, { file: path, field: "nbformat" });
  }
  nb.metadata ??= {};
  for (const [i, cell] of nb.cells.entries()) {
    const where = { file: path, field: `cells[${i}]` };
    if (cell === null || typeof cell !== "object" || Array.isArray(cell)) throw new DataError(`cell ${i + 1} is not an object`, where);
    if (!["code", "markdown", "raw"].includes(cell.cell_type)) {
      throw new DataError(`cell ${i + 1} has cell_type ${JSON.stringify(cell.cell_type)} (code, markdown or raw)`, { file: path, field: `cells[${i}].cell_type` });
    }
    const source: unknown = cell.source;
    if (typeof source !== "string" && !(Array.isArray(source) && source.every((line) => typeof line === "string"))) {
      throw new DataError(`cell ${i + 1}'s source is not text (a string or a list of strings)`, { file: path, field: `cells[${i}].source` });
    }
  }
  // 4.5 requires unique cell ids; older notebooks get fresh ones.
  const seen = new Set<string>();
  for (const cell of nb.cells) {
    if (!cell.id || seen.has(cell.id) || !/^[a-zA-Z0-9_-]{1,64}$/.test(cell.id)) cell.id = randomBytes(4).toString("hex");
    seen.add(cell.id);
    cell.metadata ??= {};
  }
  nb.nbformat_minor = Math.max(nb.nbformat_minor ?? 0, 5);
  return nb;
}

/** nbformat wants mime data as strings, except JSON types which stay objects. */
function mimeData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data ?? {})) {
    if (value === undefined) continue;
    const isJson = mime === "application/json" || mime.endsWith("+json");
    out[mime] = isJson || typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** Outputs of a whole notebook run: display ids are shared across cells. */
export class OutputBook {
  private byDisplayId = new Map<string, { data: Record<string, unknown>; metadata: Record<string, unknown> }[]>();

  cell(): CellOutputs {
    return new CellOutputs(this.byDisplayId);
  }
}

export class CellOutputs {
  readonly outputs: Output[] = [];
  private clearOnNext = false;

  constructor(private readonly byDisplayId: Map<string, { data: Record<string, unknown>; metadata: Record<string, unknown> }[]>) {}

  add(msg: Message): void {
    const type = msg.header.msg_type;
    const c = msg.content;
    if (type === "clear_output") {
      if (c.wait) this.clearOnNext = true;
      else this.outputs.length = 0;
      return;
    }
    if (type === "update_display_data") {
      for (const target of this.byDisplayId.get(c.transient?.display_id) ?? []) {
        target.data = mimeData(c.data);
        target.metadata = c.metadata ?? {};
      }
      return;
    }
    const output = this.toOutput(type, c);
    if (!output) return;
    if (this.clearOnNext) {
      this.outputs.length = 0;
      this.clearOnNext = false;
    }
    const last = this.outputs.at(-1);
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text += output.text;
      return;
    }
    this.outputs.push(output);
    const displayId = c.transient?.display_id;
    if (displayId && (output.output_type === "display_data" || output.output_type === "execute_result")) {
      const list = this.byDisplayId.get(displayId) ?? [];
      list.push(output);
      this.byDisplayId.set(displayId, list);
    }
  }

  private toOutput(type: string, c: Record<string, any>): Output | null {
    switch (type) {
      case "stream":
        return { output_type: "stream", name: c.name === "stderr" ? "stderr" : "stdout", text: String(c.text ?? "") };
      case "display_data":
        return { output_type: "display_data", data: mimeData(c.data), metadata: c.metadata ?? {} };
      case "execute_result":
        return { output_type: "execute_result", execution_count: c.execution_count ?? null, data: mimeData(c.data), metadata: c.metadata ?? {} };
      case "error":
        return { output_type: "error", ename: String(c.ename), evalue: String(c.evalue), traceback: (c.traceback ?? []).map(String) };
      default:
        return null; // comm messages and the like are not outputs
    }
  }
}
