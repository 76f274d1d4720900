/**
 * What domain magics share about the notebook's scope: reading a variable as a collection or
 * as rows, storing a result under --as, and naming the magic in a library's UsageError.
 */
import { UsageError } from "../../lib/errors.ts";
import type { Collection } from "../../lib/collections/collection.ts";
import type { Row } from "../../lib/collections/types.ts";
import { unstorableReason } from "../exec/storable.ts";

/** The collection a notebook variable holds, or a UsageError naming the ones that exist; `magic` as the user wrote it ("%evol"). */
export async function collectionFromScope(magic: string, name: unknown, scope: Record<string, unknown>): Promise<Collection> {
  const { Collection } = await import("../../lib/collections/collection.ts");
  if (typeof name !== "string" || name === "") throw new UsageError(`${magic}: name the collection variable (e.g. ${magic} scan)`);
  const value = scope[name];
  if (value instanceof Collection) return value;
  const known = Object.keys(scope).filter((k) => scope[k] instanceof Collection);
  const list = known.length ? `collections defined: ${known.join(", ")}` : "no collection is defined yet; %collection load NAME --as VAR makes one";
  throw new UsageError(`${magic}: "${name}" is not a collection (${list})`);
}

/** The rows a variable holds (a collection or an array of rows); `option` names the argument ("--data"). */
export function rowsFromScope(magic: string, option: string, name: unknown, scope: Record<string, unknown>): readonly Row[] {
  if (typeof name !== "string" || name === "") throw new UsageError(`${magic}: ${option} needs a variable name`);
  const value = scope[name];
  if (Array.isArray(value)) return value as Row[];
  if (value !== null && typeof value === "object" && Array.isArray((value as { rows?: unknown }).rows)) return (value as { rows: Row[] }).rows;
  throw new UsageError(`${magic}: ${option} "${name}" is not a collection or an array of rows (make one with %collection load ... --as ${name})`);
}

/** `VAR:RATIO` words (`scan:0.84 general:1`) as [collection, ratio] pairs. */
export async function ratioPairs(magic: string, words: readonly string[], scope: Record<string, unknown>): Promise<[Collection, number][]> {
  if (words.length === 0) throw new UsageError(`${magic}: give VAR:RATIO pairs, e.g. ${magic} scan:0.84 general:1 --n 1000`);
  const pairs: [Collection, number][] = [];
  for (const word of words) {
    const m = /^([A-Za-z_$][\w$]*):(\d*\.?\d+)$/.exec(word);
    if (!m) throw new UsageError(`${magic}: "${word}" is not VAR:RATIO (e.g. scan:0.84)`);
    pairs.push([await collectionFromScope(magic, m[1], scope), Number(m[2])]);
  }
  return pairs;
}

/** A variable's value when `name` names one, else `name` itself (a run id, a path). */
export function valueOrName(name: unknown, scope: Record<string, unknown>): unknown {
  return typeof name === "string" && name in scope ? scope[name] : name;
}

/**
 * Runs the library call behind `magic` ("%evol"), so a UsageError from the library names the
 * magic the user typed; messages that already start with a magic name pass unchanged.
 */
export async function asMagic<T>(magic: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UsageError && !error.message.startsWith("%")) throw new UsageError(`${magic}: ${error.message}`);
    throw error;
  }
}

/** Stores under --as (a name later cells can use: kernel/exec/names.ts) and returns the value. */
export function storeAs<T>(magic: string, name: unknown, value: T, scope: Record<string, unknown>): T {
  if (name === undefined) return value;
  const reason = unstorableReason(name);
  if (reason !== null) throw new UsageError(`${magic}: --as ${reason}`);
  scope[name as string] = value;
  return value;
}
