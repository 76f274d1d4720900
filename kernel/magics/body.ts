/**
 * Options in a cell body: `%%train` (and any magic that takes its options in the body) reads
 * `key: value` lines or a JSON object, checked against the same ArgSpec list as the line.
 * What the line typed (parse.ts `_typed`) is never overridden: the same key with another
 * value in the body is a UsageError naming both.
 */
import { UsageError } from "../../lib/errors.ts";
import { argKey } from "./parse.ts";
import type { ArgSpec, MagicArgs } from "./types.ts";

/** `key: value` lines (or a JSON object) → values by key, keys camelCased like the options. */
export function parseConfigBody(body: string, magic = "%%magic"): Record<string, unknown> {
  const text = body.trim();
  if (text === "") return {};
  if (text.startsWith("{")) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${magic}: the body is not valid JSON (${(error as Error).message})`);
    }
  }
  const out: Record<string, unknown> = {};
  text.split("\n").forEach((line, i) => {
    const clean = line.replace(/#.*$/, "").trim();
    if (!clean) return;
    const m = /^([A-Za-z][\w-]*)\s*[:=]\s*(.*)$/.exec(clean);
    if (!m) throw new UsageError(`${magic}: body line ${i + 1} "${line.trim()}" is not "key: value"`);
    const key = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const raw = m[2]!.trim();
    out[key] = raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  });
  return out;
}

/** The line's arguments with the body's options filled in (see the module comment). */
export function withBodyOptions(magic: string, args: MagicArgs, body: string, specs: readonly ArgSpec[]): MagicArgs {
  const keys = new Map(specs.filter((a) => a.option).map((a) => [argKey(a), a]));
  const merged: MagicArgs = { ...args, _typed: [...args._typed] };
  for (const [key, value] of Object.entries(parseConfigBody(body, magic))) {
    const spec = keys.get(key);
    if (!spec) throw new UsageError(`${magic}: unknown config key "${key}"; known keys: ${[...keys.keys()].join(", ")}`);
    if (spec.choices && !spec.choices.includes(String(value))) {
      throw new UsageError(`${magic}: ${key} must be one of ${spec.choices.join(", ")}; got '${String(value)}'`);
    }
    if ((spec.type === "integer" && !Number.isInteger(value)) || (spec.type === "number" && typeof value !== "number")) {
      throw new UsageError(`${magic}: ${key} expects ${spec.type === "integer" ? "an integer" : "a number"}, got '${String(value)}'`);
    }
    if (!args._typed.includes(key)) {
      merged[key] = value;
      merged._typed.push(key);
    } else if (args[key] !== value) {
      throw new UsageError(`${magic}: ${key} is ${String(args[key])} on the ${magic} line but ${String(value)} in the body; give it in one place`);
    }
  }
  return merged;
}
