/**
 * A command of the `symtune` command line, declared the way magics are (kernel/magics/types.ts
 * ArgSpec): the same parser reads its options and the same generator writes
 * `symtune NAME --help`, so a command's flags and its help cannot disagree.
 */
import { argumentLines, parseMagicArgs, usageLines } from "../magics/parse.ts";
import type { ArgSpec, MagicArgs } from "../magics/types.ts";

export interface CommandSpec {
  name: string;
  /** One line for `symtune --help`. */
  summary: string;
  /** More text for `symtune NAME --help`, after the generated usage and arguments. */
  help?: string;
  args: ArgSpec[];
  /** Runs with the parsed arguments; returns the exit code (-1: keep the process running). */
  run(args: MagicArgs): Promise<number>;
}

/** A command whose module parses its own arguments (`main(argv)` returning the exit code). */
export interface DelegatedCommand {
  name: string;
  summary: string;
  /** The usage line its module documents. */
  usage: string;
  /** Path of the module, relative to this folder. */
  module: string;
}

const PREFIX = "symtune ";

/** A shell word as parse.ts reads it: plain words stay, others are single-quoted (after `=` for --opt=value). */
function quote(word: string): string {
  if (/^[\w\-./:,@+%=]+$/.test(word)) return word;
  const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const eq = word.indexOf("=");
  return word.startsWith("-") && eq > 0 ? `${word.slice(0, eq + 1)}${q(word.slice(eq + 1))}` : q(word);
}

const asSpec = (c: CommandSpec) => ({ name: c.name, mode: "line" as const, args: c.args });

export function parseCommandArgs(command: CommandSpec, argv: readonly string[]): MagicArgs {
  return parseMagicArgs(asSpec(command), argv.map(quote).join(" "), PREFIX);
}

/** `symtune NAME --help`: usage, summary, arguments and help, generated from the declaration. */
export function commandHelp(command: CommandSpec): string {
  const usage = usageLines(asSpec(command), [PREFIX])[0]!;
  const parts = [`Usage: ${usage}`, "", command.summary];
  if (command.args.length) parts.push("", "Arguments:", ...argumentLines(command));
  if (command.help) parts.push("", command.help);
  return parts.join("\n");
}

/** `symtune --help`: each command's usage line and summary. */
export function usage(commands: readonly (CommandSpec | DelegatedCommand)[]): string {
  const lines = commands.map((c) => ["usage" in c ? c.usage : usageLines(asSpec(c), [PREFIX])[0]!, c.summary] as const);
  return ["usage: symtune <command> [options]   (symtune <command> --help for one command)", "", ...lines.flatMap(([u, s]) => [`  ${u}`, `      ${s}`])].join("\n");
}
