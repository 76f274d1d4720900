/**
 * NL2Bash over a generated virtual file tree: requests → shell pipelines. The checker runs the
 * prediction in symtune's own tiny shell (no real processes) and compares its output.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, generateRows, guarded, pass } from "./common.ts";
import { type FileTree, runShell } from "./shell.ts";

const LEVELS = ["INFO", "WARN", "ERROR"];
const EVENTS = ["started", "timeout", "retry", "disk full", "connected", "stopped", "cache miss"];
const CITIES = ["Accra", "Bergen", "Cusco", "Delhi", "Essen"];
const NAMES = ["ana", "ben", "chloe", "dario", "eun", "femi", "gala", "hugo"];
const TOPICS = ["setup", "usage", "faq", "roadmap", "design", "api"];

function makeTree(rng: Rng): FileTree {
  const tree: FileTree = {};
  for (const log of rng.sample(["app", "db", "web"], rng.int(1, 3))) {
    tree[`logs/${log}.log`] = Array.from({ length: rng.int(4, 9) }, (_, k) =>
      `2024-05-0${1 + (k % 9)} ${rng.pick(LEVELS)} ${rng.pick(EVENTS)}\n`).join("");
  }
  tree["data/users.csv"] = `id,name,city\n${rng.sample(NAMES, rng.int(3, 7)).map((n, k) => `${k + 1},${n},${rng.pick(CITIES)}`).join("\n")}\n`;
  for (const t of rng.sample(TOPICS, rng.int(2, 5))) tree[`docs/${t}.${rng.pick(["md", "txt"])}`] = `# ${t}\n${"notes\n".repeat(rng.int(1, 4))}`;
  for (const s of rng.sample(["main", "util", "io", "cli"], rng.int(1, 4))) tree[`src/${s}.${rng.pick(["py", "ts"])}`] = `// ${s}\n`;
  return tree;
}

interface Task { text: string; cmd: string }

function task(rng: Rng, tree: FileTree): Task {
  const files = Object.keys(tree).sort();
  const logs = files.filter((f) => f.startsWith("logs/"));
  const log = rng.pick(logs);
  const level = rng.pick(LEVELS);
  const ext = rng.pick(["md", "txt", "py", "ts"]);
  const dir = ext === "md" || ext === "txt" ? "docs" : "src";
  switch (rng.int(0, 8)) {
    case 0: return { text: `Count the .${ext} files under ${dir}.`, cmd: `find ${dir} -type f -name "*.${ext}" | wc -l` };
    case 1: return { text: `List the entries of ${dir} in reverse alphabetical order.`, cmd: `ls ${dir} | sort -r` };
    case 2: return { text: `How many lines of ${log} mention ${level}?`, cmd: `grep -c ${level} ${log}` };
    case 3: { const n = rng.int(1, 3); return { text: `Show the first ${n} data rows of data/users.csv, without the header.`, cmd: `tail -n +2 data/users.csv | head -n ${n}` }; }
    case 4: { const e = rng.pick(EVENTS.filter((x) => !x.includes(" "))); return { text: `Which files under logs contain the word ${e}?`, cmd: `grep -rl ${e} logs` }; }
    case 5: return { text: `Print the distinct cities in data/users.csv, sorted.`, cmd: `tail -n +2 data/users.csv | cut -d , -f 3 | sort | uniq` };
    case 6: return { text: `Show the last 2 lines of ${log}.`, cmd: `tail -n 2 ${log}` };
    case 7: return { text: `How many lines of ${log} do not mention INFO?`, cmd: `grep -v INFO ${log} | wc -l` };
    default: return { text: `Count how often each log level occurs in ${log}.`, cmd: `cut -d " " -f 2 ${log} | sort | uniq -c` };
  }
}

const TEMPLATES = [
  "Write a bash command for the request. Available commands: ls, cat, find, grep, wc, head, tail, sort, uniq, cut, joined with pipes.",
  "Translate the request into a one-line shell pipeline (ls, cat, find, grep, wc, head, tail, sort, uniq, cut).",
] as const;

const HEADER = { name: "bash", domain: "Code", form: "bash" };

export const bash: TaskFamily = {
  ...HEADER,
  checker: "execution",
  description: "Requests about a generated file tree to shell pipelines; run by a virtual shell and compared by output.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const tree = makeTree(rng);
      // An empty expected output would accept any command that prints nothing; draw again.
      let t = task(rng, tree);
      for (let k = 0; k < 20 && runShell(tree, t.cmd) === ""; k++) t = task(rng, tree);
      return { instruction: rng.pick(TEMPLATES), input: `Files: ${Object.keys(tree).sort().join(" ")}\nRequest: ${t.text}`,
        output: t.cmd, meta: { files: tree, stdout: runShell(tree, t.cmd) } };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const tree = row.meta.files as FileTree | undefined;
      if (!tree) return fail("the row has no meta.files to run on");
      const want = runShell(tree, row.output).trimEnd();
      let got: string;
      try {
        got = runShell(tree, prediction).trimEnd();
      } catch (error) {
        return fail(`the command fails: ${(error as Error).message}`);
      }
      return got === want ? pass("same output") : fail(`output ${JSON.stringify(got.slice(0, 80))} differs from ${JSON.stringify(want.slice(0, 80))}`);
    });
  },
};
