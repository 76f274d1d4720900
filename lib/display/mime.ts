/**
 * Any value → a Jupyter mime bundle. Objects that implement the display protocol render
 * themselves; tensors and danfojs DataFrames get a readable view (reprs.ts); an array of plain
 * records is shown as a table; everything else is text/plain through util.inspect.
 */
import { inspect } from "node:util";
import { isDisplayable, displaySymbol, type MimeBundle } from "./protocol.ts";
import { knownRepr } from "./reprs.ts";
import { Table } from "./table.ts";

export async function toMimeBundle(value: unknown): Promise<MimeBundle> {
  if (isDisplayable(value)) return await value[displaySymbol]();
  const known = knownRepr(value);
  if (known) return await known;
  if (isRecordArray(value)) return new Table(value)[displaySymbol]();
  return { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 100, breakLength: 100 }) };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A non-empty array whose elements are all plain objects: the shape most often printed. */
function isRecordArray(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isPlainRecord);
}
