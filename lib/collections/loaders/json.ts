/**
 * `.json` files: one array of rows (or an object holding exactly one array of rows). Such a
 * file is parsed whole — big data belongs in JSONL — and each element's line is found by a
 * small scanner so errors still name file:line. A `.json` file that is really JSONL (one
 * object per line) is recognised and handed back to the line reader.
 */
import { readFile } from "node:fs/promises";
import { DataError, UsageError } from "../../errors.ts";
import { decodeUtf8 } from "./lines.ts";
import { typeName } from "./layout.ts";

export type JsonFileContent = { kind: "array"; items: unknown[]; lines: number[] } | { kind: "jsonl" };

export async function readJsonFile(file: string): Promise<JsonFileContent> {
  const bytes = await readFile(file).catch((error: Error) => {
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  });
  let text = decodeUtf8(bytes, file, 1);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (looksLikeJsonl(text)) return { kind: "jsonl" };
    throw new DataError("not valid JSON (a .json file must hold one array of rows)", { file });
  }
  let items: unknown[] | undefined;
  let arrayStart = text.indexOf("[");
  if (Array.isArray(value)) items = value;
  else if (typeof value === "object" && value !== null) {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
    if (arrays.length === 1) {
      if (Object.keys(value).length === 1) {
        items = arrays[0]![1] as unknown[];
      } else {
        // An object with other fields too: one row, unless exactly one field is a list of rows.
        const only = arrays[0]![1] as unknown[];
        if (only.every((v) => typeof v === "object" && v !== null && !Array.isArray(v))) items = only;
      }
      if (items) arrayStart = findKeyArray(text, arrays[0]![0]);
    }
    if (!items) return { kind: "array", items: [value], lines: [lineAt(text, text.indexOf("{"))] };
  }
  if (!items) throw new DataError(`expected an array of rows, got ${typeName(value)}`, { file, line: 1 });
  return { kind: "array", items, lines: elementLines(text, arrayStart) };
}

function looksLikeJsonl(text: string): boolean {
  const first = text.split("\n", 1)[0]!.trim();
  try {
    const v = JSON.parse(first);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

function findKeyArray(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return text.indexOf("[", at);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of each element of the array that opens at `start`. */
function elementLines(text: string, start: number): number[] {
  const lines: number[] = [];
  let line = lineAt(text, start);
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\n") line++;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectValue && !/[\s,\]]/.test(ch)) {
      lines.push(line);
      expectValue = false;
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) break;
    } else if (ch === "," && depth === 1) expectValue = true;
  }
  return lines;
}
