/**
 * Parses a magic's argument line from its ArgSpec list, and writes the usage line from the
 * same list, so the declaration is the documentation (IPython's magic_arguments idea).
 *
 * Words are split shell-like: whitespace separates, 'single quotes' are literal, "double
 * quotes" allow \" and \\, a backslash outside quotes escapes the next character. Options:
 * `--opt value`, `--opt=value`, `-n 5`, `-n5`, flags, and `--` ends the options. A positional
 * declared `raw` takes the rest of the line verbatim (for code: `%timeit -n 10 f("a  b")`).
 */
import { UsageError } from "../../lib/errors.ts";
import { unstorableReason } from "../exec/storable.ts";
import { nearestNames, orList } from "../../lib/nearest.ts";
import type { ArgSpec, MagicArgs, MagicSpec } from "./types.ts";

interface Word {
  value: string;
  /** Offsets of the word in the argument line: `raw` positionals start at one. */
  start: number;
  end: number;
}

function skipSpace(line: string, i: number): number {
  while (i < line.length && /\s/.test(line[i]!)) i++;
  return i;
}

/**
 * Reads the word at or after `from` (null at the end of the line). Words are read one at a
 * time so that a raw positional's code, read verbatim, is never split (`it's` is fine there).
 */
export function readWord(line: string, from: number, magic = "magic"): Word | null {
  let i = skipSpace(line, from);
  if (i >= line.length) return null;
  const start = i;
  let value = "";
  while (i < line.length && !/\s/.test(line[i]!)) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = findClosingQuote(line, i);
      if (close < 0) {
        throw new UsageError(`${magic}: unterminated ${c === "'" ? "single" : "double"} quote in: ${line.trim()}`);
      }
      const inner = line.slice(i + 1, close);
      value += c === '"' ? inner.replace(/\\(["\\])/g, "$1") : inner;
      i = close + 1;
    } else if (c === "\\" && i + 1 < line.length) {
      value += line[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return { value, start, end: i };
}

/** Splits a whole argument line into words; `magic` names the magic in the error message. */
export function splitWords(line: string, magic = "magic"): Word[] {
  const words: Word[] = [];
  for (let word = readWord(line, 0, magic); word; word = readWord(line, word.end, magic)) words.push(word);
  return words;
}

function findClosingQuote(line: string, open: number): number {
  const quote = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === "\\") i++;
    else if (line[i] === quote) return i;
  }
  return -1;
}

/** The key an argument's value is stored under: the declared name, kebab-case camelized. */
export function argKey(arg: ArgSpec): string {
  return arg.name.replace(/^-+/, "").replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

function optionName(arg: ArgSpec): string {
  return `--${arg.name.replace(/^-+/, "")}`;
}

function optionLabel(arg: ArgSpec): string {
  return arg.short ? `-${arg.short}/${optionName(arg)}` : optionName(arg);
}

function metavar(arg: ArgSpec): string {
  if (arg.choices) return `{${arg.choices.join(",")}}`;
  return argKey(arg).replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * `%name [-n N] [--flag] collection [files ...]` — one usage line per mode the magic has, or
 * one per `prefixes` given (the command line writes `symtune name ...` from the same spec).
 */
export function usageLines(spec: Pick<MagicSpec, "name" | "mode" | "args">, prefixes?: readonly string[]): string[] {
  const parts: string[] = [];
  for (const arg of spec.args.filter((a) => a.option)) {
    const name = arg.short ? `-${arg.short}` : optionName(arg);
    const word = arg.flag ? name : `${name} ${metavar(arg)}`;
    parts.push(arg.required ? word : `[${word}]`);
  }
  for (const arg of spec.args.filter((a) => !a.option)) {
    const word = arg.variadic ? `${arg.name} ...` : arg.raw ? `<${arg.name}>` : arg.name;
    parts.push(arg.required ? word : `[${word}]`);
  }
  const tail = parts.length ? ` ${parts.join(" ")}` : "";
  const modes = prefixes ?? (spec.mode === "line" ? ["%"] : spec.mode === "cell" ? ["%%"] : ["%", "%%"]);
  return modes.map((p) => `${p}${spec.name}${tail}`);
}

/** The argument table of `%name?`: one line per argument, with default and choices. */
export function argumentLines(spec: Pick<MagicSpec, "args">): string[] {
  const rows = spec.args.map((arg): [string, string] => {
    let left: string;
    if (arg.option) {
      const long = arg.flag ? optionName(arg) : `${optionName(arg)} ${metavar(arg)}`;
      left = arg.short ? `-${arg.short}, ${long}` : long;
    } else {
      left = arg.variadic ? `${arg.name} ...` : arg.name;
    }
    const notes: string[] = [];
    if (arg.required) notes.push("required");
    const range = rangeWords(arg);
    if (range) notes.push(range);
    const shown = arg.defaultText ?? (arg.default !== undefined && !arg.flag ? String(arg.default) : undefined);
    if (shown !== undefined) notes.push(`default: ${shown}`);
    return [left, notes.length ? `${arg.help} (${notes.join("; ")})` : arg.help];
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

const typeWords: Record<string, string> = {
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  string: "a string",
};

/** "between 0 and 1", "at least 1", "at most 9", or undefined for an unbounded argument. */
function rangeWords(arg: ArgSpec): string | undefined {
  if (arg.min !== undefined && arg.max !== undefined) return `between ${arg.min} and ${arg.max}`;
  if (arg.min !== undefined) return `at least ${arg.min}`;
  if (arg.max !== undefined) return `at most ${arg.max}`;
  return undefined;
}

function inRange(magic: string, label: string, arg: ArgSpec, raw: string, value: number): number {
  if ((arg.min !== undefined && value < arg.min) || (arg.max !== undefined && value > arg.max)) {
    throw new UsageError(`${magic}: ${label} must be ${rangeWords(arg)}, got ${raw}`);
  }
  return value;
}

function coerce(magic: string, label: string, arg: ArgSpec, raw: string): unknown {
  if (arg.choices && !arg.choices.includes(raw)) {
    throw new UsageError(`${magic}: ${label} must be one of ${arg.choices.join(", ")}; got '${raw}'`);
  }
  switch (arg.type ?? "string") {
    case "integer": {
      const value = Number(raw.replace(/_/g, ""));
      if (!/^[+-]?[\d_]+(e\+?\d+)?$/i.test(raw) || !Number.isSafeInteger(value)) {
        throw new UsageError(`${magic}: ${label} expects an integer, got '${raw}'`);
      }
      return inRange(magic, label, arg, raw, value);
    }
    case "number": {
      const value = Number(raw.replace(/_/g, ""));
      if (raw.trim() === "" || !Number.isFinite(value)) {
        throw new UsageError(`${magic}: ${label} expects a number, got '${raw}'`);
      }
      return inRange(magic, label, arg, raw, value);
    }
    case "boolean": {
      const lower = raw.toLowerCase();
      if (["true", "yes", "1", "on"].includes(lower)) return true;
      if (["false", "no", "0", "off"].includes(lower)) return false;
      throw new UsageError(`${magic}: ${label} expects true or false, got '${raw}'`);
    }
    default:
      // `--as NAME` names a variable: refused before the magic does its work, not after.
      if (argKey(arg) === "as") {
        const reason = unstorableReason(raw);
        if (reason !== null) throw new UsageError(`${magic}: ${label} ${reason}`);
      }
      return raw;
  }
}

function isOptionWord(word: string): boolean {
  // "-5" and "-0.1" are values (negative numbers), not options.
  return word.startsWith("-") && word !== "-" && !/^-\d/.test(word);
}

/**
 * Parses `argLine` for `spec`. Returns option values under their keys (defaults filled in,
 * flags false unless given), positionals under their names, every positional word in `_`,
 * and the keys of the arguments typed on the line in `_typed`. `prefix` is how the name is
 * written in messages and usage: "%" for magics, "symtune " for the command line.
 */
export function parseMagicArgs(spec: Pick<MagicSpec, "name" | "mode" | "args">, argLine: string, prefix = "%"): MagicArgs {
  const magic = `${prefix}${spec.name}`;
  const usage = usageLines(spec, prefix === "%" ? undefined : [prefix])[0];
  const options = spec.args.filter((a) => a.option);
  const positionals = spec.args.filter((a) => !a.option);
  const result: MagicArgs = { _: [], _typed: [] };
  for (const arg of spec.args) {
    if (arg.option && arg.flag) result[argKey(arg)] = arg.default ?? false;
    else if (arg.variadic) result[argKey(arg)] = arg.default ?? [];
    else if (arg.default !== undefined) result[argKey(arg)] = arg.default;
  }

  const given = new Set<ArgSpec>();
  const positionalWords: Word[] = [];
  let optionsEnded = false;
  let rawFrom: number | null = null;
  const rawArg = positionals.find((a) => a.raw);
  const rawIndex = rawArg ? positionals.indexOf(rawArg) : -1;

  for (let at = skipSpace(argLine, 0); at < argLine.length; at = skipSpace(argLine, at)) {
    const isOption = !optionsEnded && isOptionWord(/^\S+/.exec(argLine.slice(at))![0]);
    if (!isOption && positionalWords.length === rawIndex) {
      // The raw positional starts at the first word that fills it and takes the rest verbatim.
      rawFrom = at;
      break;
    }
    const word = readWord(argLine, at, magic)!;
    at = word.end;
    if (!isOption) {
      positionalWords.push(word);
      continue;
    }
    if (word.value === "--") {
      optionsEnded = true;
      continue;
    }

    let name: string;
    let inline: string | undefined;
    let arg: ArgSpec | undefined;
    if (word.value.startsWith("--")) {
      const eq = word.value.indexOf("=");
      name = eq < 0 ? word.value : word.value.slice(0, eq);
      inline = eq < 0 ? undefined : word.value.slice(eq + 1);
      arg = options.find((a) => optionName(a) === name);
    } else {
      name = word.value.slice(0, 2);
      const rest = word.value.slice(2);
      arg = options.find((a) => a.short === name.slice(1));
      if (arg && rest && arg.flag) {
        // Combined short flags: -qv.
        const flags = [...rest].map((ch) => options.find((a) => a.short === ch && a.flag));
        if (flags.some((f) => !f)) arg = undefined;
        else for (const f of flags) {
          result[argKey(f!)] = true;
          given.add(f!);
        }
      } else if (rest) {
        inline = rest.startsWith("=") ? rest.slice(1) : rest;
      }
      if (!arg) name = word.value;
    }
    if (!arg) {
      const valid = options.map(optionLabel).join(", ");
      const near = nearestNames(name, options.map(optionName), 2);
      const hint = near.length ? ` did you mean ${orList(near)}?` : "";
      throw new UsageError(
        valid
          ? `${magic}: unknown option ${name};${hint} valid options: ${valid}`
          : `${magic}: unknown option ${name}; it takes no options (usage: ${usage})`,
      );
    }
    const label = optionName(arg);
    given.add(arg);
    if (arg.flag) {
      if (inline !== undefined) result[argKey(arg)] = coerce(magic, label, { ...arg, type: "boolean" }, inline);
      else result[argKey(arg)] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = readWord(argLine, at, magic);
      if (!next) {
        throw new UsageError(`${magic}: ${label} needs a value (${typeWords[arg.type ?? "string"]})`);
      }
      raw = next.value;
      at = next.end;
    }
    result[argKey(arg)] = coerce(magic, label, arg, raw);
  }

  let p = 0;
  for (const arg of positionals) {
    if (arg.raw) {
      if (rawFrom !== null) {
        const text = argLine.slice(rawFrom).trim();
        result[argKey(arg)] = text;
        result._.push(text);
        given.add(arg);
      }
      break;
    }
    if (arg.variadic) {
      const rest = positionalWords.slice(p);
      p = positionalWords.length;
      if (rest.length) {
        result[argKey(arg)] = rest.map((w) => coerce(magic, arg.name, arg, w.value));
        given.add(arg);
      }
      continue;
    }
    const word = positionalWords[p++];
    if (word) {
      result[argKey(arg)] = coerce(magic, arg.name, arg, word.value);
      given.add(arg);
    }
  }
  result._.unshift(...positionalWords.map((w) => w.value));
  if (p < positionalWords.length) {
    throw new UsageError(`${magic}: unexpected argument '${positionalWords[p]!.value}' (usage: ${usage})`);
  }
  result._typed.push(...spec.args.filter((a) => given.has(a)).map(argKey));
  for (const arg of spec.args) {
    if (arg.required && !given.has(arg)) {
      const what = arg.option ? `option ${optionName(arg)}` : `argument ${arg.name}`;
      throw new UsageError(`${magic}: missing required ${what} (usage: ${usage})`);
    }
  }
  return result;
}
