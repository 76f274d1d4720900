/**
 * A tiny shell over a virtual file tree, for checking NL2Bash answers by their output: pipelines
 * of ls, cat, find, grep, wc, head, tail, sort, uniq and cut. Nothing touches the real disk.
 */

export type FileTree = Record<string, string>; // path → content

function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)"|(\|)|([^\s|'"]+))/y;
  let at = 0;
  while (at < line.length) {
    if (/^\s*$/.test(line.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(line);
    if (!m) throw new Error(`unbalanced quote at ${at + 1}`);
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
    at = re.lastIndex;
  }
  return tokens;
}

const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
const out = (ls: string[]) => (ls.length === 0 ? "" : `${ls.join("\n")}\n`);
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);

function dirs(tree: FileTree): Set<string> {
  const set = new Set<string>();
  for (const path of Object.keys(tree)) {
    const parts = path.split("/");
    for (let k = 1; k < parts.length; k++) set.add(parts.slice(0, k).join("/"));
  }
  return set;
}

function readFile(tree: FileTree, path: string, cmd: string): string {
  const content = tree[path.replace(/^\.\//, "")];
  if (content === undefined) throw new Error(`${cmd}: ${path}: No such file`);
  return content;
}

/** Splits flags (with values for the ones listed) from operands. */
function options(args: string[], withValue: string[] = []): { flags: Map<string, string>; rest: string[] } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (/^-\d+$/.test(a)) flags.set("n", a.slice(1));
    else if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (withValue.includes(f)) { flags.set(f, a.slice(j + 1) || args[++k] || ""); break; }
        flags.set(f, "");
      }
    } else rest.push(a);
  }
  return { flags, rest };
}

function command(tree: FileTree, argv: string[], stdin: string | undefined): string {
  const [name, ...args] = argv;
  const input = (files: string[]) => (files.length > 0 ? files.map((f) => readFile(tree, f, name!)).join("") : stdin ?? "");
  switch (name) {
    case "ls": {
      const dir = (args.find((a) => !a.startsWith("-")) ?? ".").replace(/\/$/, "");
      const all = [...Object.keys(tree), ...dirs(tree)];
      const prefix = dir === "." ? "" : `${dir}/`;
      if (dir !== "." && !dirs(tree).has(dir)) throw new Error(`ls: ${dir}: No such directory`);
      return out([...new Set(all.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split("/")[0]!))].sort());
    }
    case "cat": return input(args);
    case "find": {
      const root = (args[0] ?? ".").replace(/\/$/, "");
      const name_ = args.indexOf("-name") >= 0 ? glob(args[args.indexOf("-name") + 1] ?? "") : undefined;
      const type = args.indexOf("-type") >= 0 ? args[args.indexOf("-type") + 1] : undefined;
      const entries = [...Object.keys(tree).map((p) => [p, "f"] as const), ...[...dirs(tree)].map((p) => [p, "d"] as const)];
      const under = entries.filter(([p]) => root === "." || p === root || p.startsWith(`${root}/`));
      return out(under.filter(([p, t]) => (!type || t === type) && (!name_ || name_.test(p.split("/").pop()!)))
        .map(([p]) => (root === "." ? `./${p}` : p)).sort());
    }
    case "grep": {
      const { flags, rest } = options(args);
      const [pattern, ...paths] = rest;
      if (pattern === undefined) throw new Error("grep: no pattern");
      const re = new RegExp(pattern, flags.has("i") ? "i" : "");
      const files = flags.has("r") ? Object.keys(tree).filter((p) => paths.some((d) => p.startsWith(`${d.replace(/\/$/, "")}/`) || p === d)).sort() : paths;
      const hits = (text: string) => lines(text).filter((l) => re.test(l) !== flags.has("v"));
      if (files.length === 0) return flags.has("c") ? `${hits(stdin ?? "").length}\n` : out(hits(stdin ?? ""));
      const many = files.length > 1 || flags.has("r");
      if (flags.has("l")) return out(files.filter((f) => hits(readFile(tree, f, "grep")).length > 0));
      if (flags.has("c")) return out(files.map((f) => `${many ? `${f}:` : ""}${hits(readFile(tree, f, "grep")).length}`));
      return out(files.flatMap((f) => hits(readFile(tree, f, "grep")).map((l) => (many ? `${f}:${l}` : l))));
    }
    case "wc": {
      const { flags, rest } = options(args);
      const count = (t: string) => (flags.has("w") ? t.split(/\s+/).filter(Boolean).length : flags.has("c") ? t.length : lines(t).length);
      if (rest.length === 0) return `${count(stdin ?? "")}\n`;
      return out(rest.map((f) => `${count(readFile(tree, f, "wc"))} ${f}`));
    }
    case "head": case "tail": {
      const { flags, rest } = options(args, ["n"]);
      const value = flags.get("n") ?? "10";
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: invalid line count "${value}"`);
      const ls = lines(input(rest));
      if (name === "head") return out(ls.slice(0, n));
      // tail -n +K starts at line K; tail -n K keeps the last K lines.
      return out(value.startsWith("+") ? ls.slice(Math.max(0, n - 1)) : ls.slice(Math.max(0, ls.length - n)));
    }
    case "sort": {
      const { flags, rest } = options(args);
      const ls = lines(input(rest));
      ls.sort(flags.has("n") ? (a, b) => parseFloat(a) - parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (flags.has("r")) ls.reverse();
      return out(flags.has("u") ? [...new Set(ls)] : ls);
    }
    case "uniq": {
      const { flags, rest } = options(args);
      const runs: [string, number][] = [];
      for (const l of lines(input(rest))) {
        const last = runs[runs.length - 1];
        if (last && last[0] === l) last[1]++; else runs.push([l, 1]);
      }
      return out(runs.map(([l, c]) => (flags.has("c") ? `${String(c).padStart(7)} ${l}` : l)));
    }
    case "cut": {
      const { flags, rest } = options(args, ["d", "f"]);
      const d = flags.get("d") ?? "\t";
      const fields = (flags.get("f") ?? "").split(",").map(Number);
      if (fields.some((f) => !Number.isInteger(f) || f < 1)) throw new Error("cut: -f needs field numbers");
      return out(lines(input(rest)).map((l) => fields.map((f) => l.split(d)[f - 1] ?? "").join(d)));
    }
    default: throw new Error(`${name ?? "(empty)"}: command not supported`);
  }
}

/** Runs a pipeline on the tree; returns stdout. Errors are thrown with the command's message. */
export function runShell(tree: FileTree, line: string): string {
  const tokens = tokenize(line.trim());
  const stages: string[][] = [[]];
  for (const t of tokens) if (t === "|") stages.push([]); else stages[stages.length - 1]!.push(t);
  if (stages.length > 8) throw new Error("more than 8 commands in the pipeline");
  let stdin: string | undefined;
  for (const argv of stages) stdin = command(tree, argv, stdin);
  return stdin ?? "";
}
