/**
 * The three row layouts of released instruction data, detected once per file from its first
 * row, and the conversion of a parsed JSON row into a Row. Every check names the field and
 * says what was expected, so a DataError reads "file:line field "x": expected ..., got ...".
 */
import { DataError } from "../../errors.ts";
import type { Row, RowMeta, Split } from "../types.ts";
import { knownTask } from "./symbol-llm.ts";

export type Layout = "prompt-completion" | "messages" | "instruction-output";

export interface RowPlace {
  file: string;
  line: number;
  /** Where the file's layout was detected, for "missing field" messages. */
  layoutLine: number;
  /** Task name for rows that carry none: the file's base name. */
  fallbackTask: string;
}

/** The layout a row's fields show, or a DataError naming the fields found. */
export function detectLayout(value: unknown, file: string, line: number): Layout {
  const obj = expectObject(value, file, line);
  if ("messages" in obj) return "messages";
  if ("prompt" in obj || "completion" in obj) return "prompt-completion";
  if ("instruction" in obj || "output" in obj || "input" in obj) return "instruction-output";
  const found = Object.keys(obj).map((k) => `"${k}"`).join(", ") || "none";
  throw new DataError(
    `no known row layout: expected fields "prompt" and "completion", "messages", or "instruction" and "output"; found ${found}`,
    { file, line },
  );
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function expectObject(value: unknown, file: string, line: number): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataError(`expected a JSON object, got ${typeName(value)}`, { file, line });
  }
  return value as Record<string, unknown>;
}

/** A DataError at this row's file:line, naming the field. */
function fieldError(place: RowPlace, field: string, message: string): DataError {
  return new DataError(message, { file: place.file, line: place.line, field });
}

// Module-level helpers taking (obj, place) rather than closures made per row: rows are
// converted at >100k/s and a closure per field and row shows up in profiles.

function required(obj: Record<string, unknown>, place: RowPlace, layout: Layout, field: string): string {
  if (obj[field] === undefined) {
    throw fieldError(place, field, `missing; this file has the ${layout} layout (detected on line ${place.layoutLine})`);
  }
  return stringField(obj, place, field)!;
}

function stringField(obj: Record<string, unknown>, place: RowPlace, field: string): string | undefined {
  const value = obj[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw fieldError(place, field, `expected a string, got ${typeName(value)}`);
  return value;
}

export function toRow(value: unknown, layout: Layout, place: RowPlace): Row {
  const obj = expectObject(value, place.file, place.line);
  let instruction = "";
  let input = "";
  let output: string;
  if (layout === "prompt-completion") {
    instruction = required(obj, place, layout, "prompt");
    output = required(obj, place, layout, "completion");
  } else if (layout === "messages") {
    if (obj.messages === undefined) throw fieldError(place, "messages", `missing; this file has the messages layout (detected on line ${place.layoutLine})`);
    ({ instruction, output } = fromMessages(obj.messages, place));
  } else {
    // Some releases have input/output without an instruction: either one carries the prompt.
    instruction = obj.input !== undefined && obj.instruction === undefined ? "" : required(obj, place, layout, "instruction");
    input = stringField(obj, place, "input") ?? "";
    output = required(obj, place, layout, "output");
  }

  const source = idField(obj, place, "source");
  const type = idField(obj, place, "type");
  const originId = idField(obj, place, "origin_id");
  const task = stringField(obj, place, "task") ?? source ?? type ?? place.fallbackTask;
  const known = knownTask(task);
  const meta: RowMeta = obj.meta === undefined ? {} : metaField(obj.meta, place);
  const location = `${place.file}:${place.line}`;
  meta.location = location;
  // Prompt/completion and chat rows keep their authors' separator; see toPrompt.
  if (layout !== "instruction-output") meta.layout = layout;
  if (source !== undefined) meta.source = source;
  else meta.source ??= location;
  if (type !== undefined) meta.type = type;
  if (originId !== undefined) meta.origin_id = originId;
  return {
    task,
    domain: stringField(obj, place, "domain") ?? known?.domain ?? "unknown",
    form: stringField(obj, place, "form") ?? known?.form ?? "unknown",
    instruction,
    input,
    output,
    split: splitField(obj, place),
    meta,
  };
}

/** source/type/origin_id: strings, or numbers (ids) kept as their decimal text. */
function idField(obj: Record<string, unknown>, place: RowPlace, field: string): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw fieldError(place, field, `expected a string or a number, got ${typeName(value)}`);
  return value;
}

function splitField(obj: Record<string, unknown>, place: RowPlace): Split {
  const value = stringField(obj, place, "split") ?? "train";
  if (value !== "train" && value !== "valid" && value !== "test") {
    throw fieldError(place, "split", `expected "train", "valid" or "test", got "${value}"`);
  }
  return value;
}

function metaField(value: unknown, place: RowPlace): RowMeta {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fieldError(place, "meta", `expected an object, got ${typeName(value)}`);
  const meta = { ...(value as RowMeta) };
  if (meta.symbols !== undefined && !(Array.isArray(meta.symbols) && meta.symbols.every((s) => typeof s === "string"))) {
    throw fieldError(place, "meta.symbols", `expected an array of strings, got ${typeName(meta.symbols)}`);
  }
  return meta;
}

/**
 * Single-turn chats: every message before the last goes into the instruction (one per line),
 * the last one — which must be the assistant's — is the output.
 */
function fromMessages(value: unknown, place: RowPlace): { instruction: string; output: string } {
  const fail = (field: string, message: string) => fieldError(place, field, message);
  if (!Array.isArray(value)) throw fail("messages", `expected an array of {role, content} objects, got ${typeName(value)}`);
  if (value.length < 2) throw fail("messages", `expected at least 2 messages (a prompt and the assistant's answer), got ${value.length}`);
  const turns = value.map((m: unknown, i) => {
    const field = `messages[${i}]`;
    if (typeof m !== "object" || m === null || Array.isArray(m)) throw fail(field, `expected an object with "role" and "content", got ${typeName(m)}`);
    const msg = m as Record<string, unknown>;
    for (const key of ["role", "content"]) {
      if (msg[key] === undefined) throw fail(`${field}.${key}`, "missing");
      if (typeof msg[key] !== "string") throw fail(`${field}.${key}`, `expected a string, got ${typeName(msg[key])}`);
    }
    return { role: msg.role as string, content: msg.content as string };
  });
  const last = turns[turns.length - 1]!;
  if (last.role !== "assistant") {
    throw fail(`messages[${turns.length - 1}].role`, `the last message must be the assistant's answer (role "assistant"), got "${last.role}"`);
  }
  return { instruction: turns.slice(0, -1).map((t) => t.content).join("\n"), output: last.content };
}
