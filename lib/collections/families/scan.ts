/**
 * SCAN (Lake & Baroni 2018): navigation commands → action sequences, from the original
 * grammar. The instruction defines every action symbol, so Symbol-evol can rename them.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, pass, restoreSymbols, squash } from "./common.ts";

const VERBS = ["walk", "look", "run", "jump"] as const;
const DIRECTIONS = ["left", "right"] as const;

export const SCAN_ACTIONS: Readonly<Record<string, string>> = {
  I_WALK: "walk",
  I_LOOK: "look",
  I_RUN: "run",
  I_JUMP: "jump",
  I_TURN_LEFT: "turning left",
  I_TURN_RIGHT: "turning right",
};

const ACTION_OF: Record<string, string> = { walk: "I_WALK", look: "I_LOOK", run: "I_RUN", jump: "I_JUMP" };
const TURN_OF: Record<string, string> = { left: "I_TURN_LEFT", right: "I_TURN_RIGHT" };

const HEADER = { name: "scan", domain: "Action command", form: "SCAN actions" };

const TEMPLATES = [
  "Translate the command into a sequence of actions. {defs}",
  "{defs} Convert the navigation command into actions, separated by spaces.",
  "Give the action sequence that carries out the command. The actions are defined as follows: {defs}",
  "Map the instruction to executable actions. {defs} Answer with the actions only.",
] as const;

function definitions(rng: Rng): string {
  const order = rng.shuffle(Object.keys(SCAN_ACTIONS));
  return order.map((a) => `${a} means ${SCAN_ACTIONS[a]}.`).join(" ");
}

/** V → U | U dir | turn dir | U opposite dir | turn opposite dir | U around dir | turn around dir */
function verbPhrase(rng: Rng): { words: string; actions: string[] } {
  const kind = rng.int(0, 6);
  const verb = rng.pick(VERBS);
  const dir = rng.pick(DIRECTIONS);
  const u = ACTION_OF[verb]!;
  const t = TURN_OF[dir]!;
  switch (kind) {
    case 0:
      return { words: verb, actions: [u] };
    case 1:
      return { words: `${verb} ${dir}`, actions: [t, u] };
    case 2:
      return { words: `turn ${dir}`, actions: [t] };
    case 3:
      return { words: `${verb} opposite ${dir}`, actions: [t, t, u] };
    case 4:
      return { words: `turn opposite ${dir}`, actions: [t, t] };
    case 5:
      return { words: `${verb} around ${dir}`, actions: [t, u, t, u, t, u, t, u] };
    default:
      return { words: `turn around ${dir}`, actions: [t, t, t, t] };
  }
}

/** S → V | V twice | V thrice */
function sentence(rng: Rng): { words: string; actions: string[] } {
  const v = verbPhrase(rng);
  const times = rng.pick([1, 1, 2, 3]);
  if (times === 1) return v;
  const actions = Array.from({ length: times }, () => v.actions).flat();
  return { words: `${v.words} ${times === 2 ? "twice" : "thrice"}`, actions };
}

/** C → S | S and S | S after S */
export function scanCommand(rng: Rng): { command: string; actions: string[] } {
  const a = sentence(rng);
  const join = rng.pick(["", "and", "after"]);
  if (join === "") return { command: a.words, actions: a.actions };
  const b = sentence(rng);
  const actions = join === "and" ? [...a.actions, ...b.actions] : [...b.actions, ...a.actions];
  return { command: `${a.words} ${join} ${b.words}`, actions };
}

export const scan: TaskFamily = {
  ...HEADER,
  checker: "exact",
  description: "SCAN navigation commands (jump/walk/run/look, left/right, opposite/around, twice/thrice, and/after) to action sequences; exact match.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const { command, actions } = scanCommand(rng);
      return {
        instruction: fill(rng.pick(TEMPLATES), { defs: definitions(rng) }),
        input: command,
        output: actions.join(" "),
        meta: { symbols: Object.keys(SCAN_ACTIONS) },
      };
    });
  },
  check(row: Row, prediction: string) {
    // The reference may be renamed by Symbol-evol; comparing after restoring both sides keeps
    // one code path for plain and evolved rows.
    const got = squash(restoreSymbols(row, prediction)).split(" ");
    const want = squash(restoreSymbols(row, row.output)).split(" ");
    if (got.join(" ") === want.join(" ")) return pass();
    const at = want.findIndex((w, i) => got[i] !== w);
    const where = at === -1 ? want.length : at;
    return fail(`action ${where + 1} is ${got[where] ?? "missing"}, expected ${want[where] ?? "nothing"}`);
  },
};
