/**
 * Completion inside a magic line (`%train --st|`, `%train --stage in|`, `%collection load sc|`):
 * option names from the magic's declaration, and values — the declared choices, or what the
 * argument's help says it takes: a variable, a run id, a family name. Words are split like the
 * magic parser does for plain words; quoting is not completed.
 */
import type { ArgSpec, MagicSpec } from "../magics/types.ts";

export interface MagicCompletionSources {
  spec(name: string): MagicSpec | undefined;
  /** The notebook's variables. */
  variables(): string[];
  /** Built-in collection family names. */
  families(): Promise<string[]>;
  /** Run ids in the runs folder, newest last. */
  runIds(): Promise<string[]>;
}

export interface MagicCompletion {
  matches: string[];
  /** Where the completed word starts in the line (relative to the line start). */
  start: number;
}

/** Completions for `line` (a `%name …` or `%%name …` line up to the cursor), or undefined when it is not one. */
export async function completeMagicLine(line: string, sources: MagicCompletionSources): Promise<MagicCompletion | undefined> {
  const head = /^(\s*)%%?([A-Za-z_][\w.-]*)\s+/.exec(line);
  if (!head) return undefined;
  const spec = sources.spec(head[2]!);
  if (!spec) return undefined;
  const rest = line.slice(head[0].length);
  const words = rest.split(/\s+/);
  const partial = words.pop() ?? "";
  const start = line.length - partial.length;
  const options = spec.args.filter((a) => a.option);
  const optionOf = (word: string) =>
    word.startsWith("--") ? options.find((a) => a.name === word.slice(2).split("=")[0]) : word.startsWith("-") ? options.find((a) => a.short === word.slice(1)) : undefined;

  if (partial.startsWith("-") && !partial.includes("=")) {
    const names = options.flatMap((a) => [`--${a.name}`, ...(a.short ? [`-${a.short}`] : [])]);
    return { matches: names.filter((n) => n.startsWith(partial)), start };
  }
  // The argument this word is a value of: the option just before it, or the next positional.
  const previous = optionOf(words[words.length - 1] ?? "");
  let target: ArgSpec | undefined;
  if (previous && !previous.flag && !(words[words.length - 1] ?? "").includes("=")) target = previous;
  else {
    let positionals = 0;
    for (let i = 0; i < words.length; i++) {
      const option = optionOf(words[i]!);
      if (option) {
        if (!option.flag && !words[i]!.includes("=")) i++; // its value
      } else if (words[i]) positionals++;
    }
    const list = spec.args.filter((a) => !a.option);
    target = list[positionals] ?? (list.at(-1)?.variadic ? list.at(-1) : undefined);
  }
  if (!target) return { matches: [], start };
  const values = await valuesFor(target, sources);
  return { matches: values.filter((v) => v.startsWith(partial)), start };
}

async function valuesFor(arg: ArgSpec, sources: MagicCompletionSources): Promise<string[]> {
  if (arg.choices) return [...arg.choices];
  if (arg.flag || arg.type === "number" || arg.type === "integer" || arg.raw || arg.name === "as") return [];
  const help = arg.help.toLowerCase();
  const values: string[] = [];
  if (help.includes("variable")) values.push(...sources.variables());
  if (help.includes("run id")) values.push(...(await sources.runIds()));
  if (help.includes("family")) values.push(...(await sources.families()));
  return [...new Set(values)];
}
