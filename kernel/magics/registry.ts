/**
 * The one registry of magics. A magic is declared once (MagicSpec): its ArgSpec list parses
 * `%name args`, writes the `%name?` help and its `%lsmagic` line. The executor turns
 * `%name args` lines into runLineMagic and `%%name args` cells into runCellMagic; a user
 * mistake surfaces as UsageError, which the executor renders as one line.
 */
import { UsageError } from "../../lib/errors.ts";
import { nearestNames, orList } from "../../lib/nearest.ts";
import { argKey, argumentLines, parseMagicArgs, usageLines } from "./parse.ts";
import type { MagicContext, MagicSpec } from "./types.ts";

export { parseMagicArgs, usageLines } from "./parse.ts";
export { loadExtension, reloadExtension } from "./extensions.ts";

type Mode = "line" | "cell";

const magics = new Map<string, MagicSpec>();

/**
 * Adds (or replaces: re-running a cell or reloading an extension redefines a magic) a magic.
 * A malformed declaration throws UsageError naming the magic and the argument at fault.
 */
export function registerMagic(spec: MagicSpec): void {
  checkSpec(spec);
  magics.set(spec.name, spec);
}

/** Removes a magic; for extensions that fail half-way (nothing half-registered stays). */
export function unregisterMagic(name: string): void {
  magics.delete(name);
}

export function getMagic(name: string): MagicSpec | undefined {
  return magics.get(stripPercent(name));
}

/** Every magic, sorted by name. */
export function listMagics(): MagicSpec[] {
  return [...magics.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Names (without % signs) usable as `%name` and as `%%name`, sorted. */
export function magicNames(): { line: string[]; cell: string[] } {
  const all = listMagics();
  return {
    line: all.filter((m) => m.mode !== "cell").map((m) => m.name),
    cell: all.filter((m) => m.mode !== "line").map((m) => m.name),
  };
}

export async function runLineMagic(name: string, argLine: string, ctx: MagicContext): Promise<unknown> {
  const spec = lookup(name, "line");
  const args = parseMagicArgs(spec, argLine);
  return await spec.run(args, ctx);
}

export async function runCellMagic(
  name: string,
  argLine: string,
  body: string,
  ctx: MagicContext,
): Promise<unknown> {
  const spec = lookup(name, "cell");
  const args = parseMagicArgs(spec, argLine);
  return await spec.run(args, withBody(ctx, body));
}

/** The `%name?` text: usage lines generated from the ArgSpec list, summary, arguments, help. */
export function magicHelp(name: string): string {
  const bare = stripPercent(name);
  const spec = magics.get(bare);
  if (!spec) throw unknownMagic(bare, name.startsWith("%%") ? "cell" : "line");
  const usage = usageLines(spec);
  const lines = [`Usage: ${usage[0]}`, ...usage.slice(1).map((u) => `       ${u}`), "", spec.summary];
  if (spec.args.length) lines.push("", "Arguments:", ...argumentLines(spec));
  if (spec.help) lines.push("", spec.help.trim());
  return lines.join("\n");
}

function lookup(name: string, mode: Mode): MagicSpec {
  const bare = stripPercent(name);
  const spec = magics.get(bare);
  if (!spec) throw unknownMagic(bare, mode);
  if (spec.mode === "line" && mode === "cell") {
    throw new UsageError(`%%${bare}: %${bare} is a line magic; write %${bare} ... on a line, not %%${bare}`);
  }
  if (spec.mode === "cell" && mode === "line") {
    throw new UsageError(`%${bare}: %%${bare} is a cell magic; start the cell with %%${bare} and put the body below it`);
  }
  return spec;
}

function unknownMagic(bare: string, mode: Mode): UsageError {
  const prefix = mode === "cell" ? "%%" : "%";
  const names = magicNames()[mode];
  const near = nearestNames(bare, names).map((n) => prefix + n);
  const hint = near.length ? `did you mean ${orList(near)}?` : "%lsmagic lists the magics there are";
  return new UsageError(`unknown magic ${prefix}${bare}; ${hint}`);
}

function stripPercent(name: string): string {
  return name.replace(/^%{1,2}/, "").replace(/\?+$/, "");
}

/**
 * The context with `body` set, forwarding everything else to the executor's object (methods
 * bound to it, so a class-based context with private fields keeps working).
 */
function withBody(ctx: MagicContext, body: string): MagicContext {
  return new Proxy(ctx, {
    get(target, prop) {
      if (prop === "body") return body;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function checkSpec(spec: MagicSpec): void {
  const bad = (why: string) => new UsageError(`registerMagic(${JSON.stringify(spec?.name)}): ${why}`);
  if (!spec || typeof spec.name !== "string" || !/^[A-Za-z_][\w]*$/.test(spec.name)) {
    throw bad("the name must be a word (letters, digits, _), without % signs");
  }
  if (!["line", "cell", "both"].includes(spec.mode)) throw bad("mode must be 'line', 'cell' or 'both'");
  if (typeof spec.summary !== "string" || !spec.summary.trim()) throw bad("a one-line summary is required");
  if (typeof spec.run !== "function") throw bad("run must be a function");
  if (!Array.isArray(spec.args)) throw bad("args must be an array of ArgSpec (may be empty)");
  const keys = new Set<string>();
  const shorts = new Set<string>();
  const positionals = spec.args.filter((a) => !a.option);
  spec.args.forEach((arg) => {
    if (!arg || typeof arg.name !== "string" || !/^-{0,2}[A-Za-z_][\w-]*$/.test(arg.name)) {
      throw bad(`argument name ${JSON.stringify(arg?.name)} must be a word`);
    }
    const key = argKey(arg);
    if (key === "_" || keys.has(key)) throw bad(`argument '${arg.name}' is declared twice (or is named _)`);
    keys.add(key);
    if (arg.short !== undefined) {
      if (!arg.option || !/^[A-Za-z]$/.test(arg.short)) throw bad(`short '${arg.short}' must be one letter on an option`);
      if (shorts.has(arg.short)) throw bad(`short option -${arg.short} is declared twice`);
      shorts.add(arg.short);
    }
    if (arg.flag && !arg.option) throw bad(`'${arg.name}' is a flag, so it must be an option`);
    if ((arg.variadic || arg.raw) && arg.option) throw bad(`option '${arg.name}' cannot be variadic or raw`);
    if ((arg.min !== undefined || arg.max !== undefined) && arg.type !== "number" && arg.type !== "integer") {
      throw bad(`'${arg.name}' has min/max, so its type must be number or integer`);
    }
    if (arg.choices && (!Array.isArray(arg.choices) || arg.choices.length === 0)) {
      throw bad(`choices of '${arg.name}' must be a non-empty list`);
    }
  });
  positionals.forEach((arg, i) => {
    const last = i === positionals.length - 1;
    if ((arg.variadic || arg.raw) && !last) throw bad(`'${arg.name}' takes the rest of the line, so it must be the last positional`);
    if (arg.required && positionals.slice(0, i).some((p) => !p.required)) {
      throw bad(`required positional '${arg.name}' comes after an optional one`);
    }
  });
}
