/**
 * Blocksworld planning in PDDL (the 4-operator IPC domain). The checker simulates the predicted
 * plan from the initial state, checking every precondition, and then checks the goal — any
 * valid plan passes, not only the reference.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, pass, restoreSymbols } from "./common.ts";

const BLOCKS = ["a", "b", "c", "d", "e", "f"];
export const BLOCKSWORLD_ACTIONS: Readonly<Record<string, string>> = {
  "pick-up": "(pick-up ?x) means lifting block ?x from the table; ?x must be clear and the hand empty",
  "put-down": "(put-down ?x) means placing the held block ?x on the table",
  stack: "(stack ?x ?y) means placing the held block ?x on top of the clear block ?y",
  unstack: "(unstack ?x ?y) means lifting the clear block ?x off block ?y; the hand must be empty",
};

type Towers = string[][]; // each tower bottom first

function towers(rng: Rng, blocks: string[]): Towers {
  const out: Towers = [];
  for (const b of rng.sample(blocks, blocks.length)) {
    if (out.length === 0 || rng.chance(0.35)) out.push([b]);
    else rng.pick(out).push(b);
  }
  return out;
}

const onFacts = (t: Towers) => t.flatMap((tower) => tower.slice(1).map((b, i) => [b, tower[i]!] as [string, string]));

function initFacts(t: Towers): string {
  const facts = ["(handempty)"];
  for (const tower of t) {
    facts.push(`(ontable ${tower[0]})`);
    tower.slice(1).forEach((b, i) => facts.push(`(on ${b} ${tower[i]})`));
    facts.push(`(clear ${tower[tower.length - 1]})`);
  }
  return facts.join(" ");
}

/**
 * A block is in place when it sits where the goal towers put it and everything under it is in
 * place too. Unstack every block that is not, then build the goal towers bottom up.
 */
function solve(init: Towers, goal: Towers): string[] {
  const target = new Map<string, string>();
  for (const tower of goal) tower.forEach((b, i) => target.set(b, i === 0 ? "table" : tower[i - 1]!));
  const inPlace = new Set<string>();
  for (const tower of init) {
    for (const [i, b] of tower.entries()) {
      const below = i === 0 ? "table" : tower[i - 1]!;
      if (target.get(b) !== below || (i > 0 && !inPlace.has(below))) break;
      inPlace.add(b);
    }
  }
  const plan: string[] = [];
  for (const tower of init) {
    for (let i = tower.length - 1; i >= 1 && !inPlace.has(tower[i]!); i--) plan.push(`(unstack ${tower[i]} ${tower[i - 1]})`, `(put-down ${tower[i]})`);
  }
  for (const tower of goal) {
    for (let i = 1; i < tower.length; i++) if (!inPlace.has(tower[i]!)) plan.push(`(pick-up ${tower[i]})`, `(stack ${tower[i]} ${tower[i - 1]})`);
  }
  return plan;
}

interface World { below: Map<string, string>; holding: string | null }

/** Applies one step; returns why it is not applicable, or undefined after applying it. */
function apply(w: World, name: string, args: string[]): string | undefined {
  const clear = (x: string) => w.below.has(x) && w.holding !== x && ![...w.below.values()].includes(x);
  const [x, y] = args;
  const arity = name === "stack" || name === "unstack" ? 2 : 1;
  if (!(name in BLOCKSWORLD_ACTIONS)) return `unknown action "${name}"`;
  if (args.length !== arity) return `${name} takes ${arity} argument(s)`;
  for (const a of args) if (!w.below.has(a) && w.holding !== a) return `unknown block "${a}"`;
  switch (name) {
    case "pick-up":
      if (w.holding) return `the hand already holds ${w.holding}`;
      if (w.below.get(x!) !== "table") return `${x} is not on the table`;
      if (!clear(x!)) return `${x} is not clear`;
      w.below.delete(x!); w.holding = x!; return undefined;
    case "unstack":
      if (w.holding) return `the hand already holds ${w.holding}`;
      if (w.below.get(x!) !== y) return `${x} is not on ${y}`;
      if (!clear(x!)) return `${x} is not clear`;
      w.below.delete(x!); w.holding = x!; return undefined;
    case "put-down":
      if (w.holding !== x) return `the hand does not hold ${x}`;
      w.below.set(x!, "table"); w.holding = null; return undefined;
    default:
      if (w.holding !== x) return `the hand does not hold ${x}`;
      if (x === y || !clear(y!)) return `${y} is not clear`;
      w.below.set(x!, y!); w.holding = null; return undefined;
  }
}

const TEMPLATES = [
  "Write a plan for the Blocksworld problem as PDDL actions, one per line. The actions are: {defs}.",
  "{defs}. Give a sequence of actions that reaches the goal from the initial state.",
  "Solve the planning problem. Available actions: {defs}. Answer with the plan, one action per line.",
] as const;

const HEADER = { name: "blocksworld", domain: "Planning", form: "PDDL" };

export const blocksworld: TaskFamily = {
  ...HEADER,
  checker: "simulation",
  description: "Blocksworld problems (3–6 blocks) to PDDL plans; the plan is simulated step by step and must reach the goal.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const blocks = BLOCKS.slice(0, rng.int(3, 6));
      const init = towers(rng, blocks);
      const held = new Set(onFacts(init).map((f) => f.join(" ")));
      // A goal the initial state already satisfies (or one with no facts) needs no plan: draw again.
      let goal = towers(rng, blocks);
      while (onFacts(goal).every((f) => held.has(f.join(" ")))) goal = towers(rng, blocks);
      const goalFacts = onFacts(goal);
      const defs = Object.values(BLOCKSWORLD_ACTIONS).join("; ");
      return {
        instruction: fill(rng.pick(TEMPLATES), { defs }),
        input: `(:objects ${blocks.join(" ")}) (:init ${initFacts(init)}) (:goal (and ${goalFacts.map(([x, y]) => `(on ${x} ${y})`).join(" ")}))`,
        output: solve(init, goal).join("\n"),
        meta: { symbols: Object.keys(BLOCKSWORLD_ACTIONS), init, goal: goalFacts },
      };
    });
  },
  check(row: Row, prediction: string) {
    const init = row.meta.init as Towers | undefined;
    const goal = row.meta.goal as [string, string][] | undefined;
    if (!init || !goal) return fail("the row has no meta.init/meta.goal to simulate");
    const below = new Map<string, string>();
    for (const tower of init) tower.forEach((b, i) => below.set(b, i === 0 ? "table" : tower[i - 1]!));
    const world: World = { below, holding: null };
    const lines = restoreSymbols(row, prediction).split(/\n|(?<=\))\s*(?=\()/).map((l) => l.replace(/;.*/, "").trim()).filter(Boolean);
    for (const [i, line] of lines.entries()) {
      const m = /^\(\s*([\w-]+)((?:\s+[\w-]+)*)\s*\)$/.exec(line);
      if (!m) return fail(`step ${i + 1} "${line}" is not a PDDL action`);
      const why = apply(world, m[1]!.toLowerCase(), m[2]!.trim().split(/\s+/).filter(Boolean));
      if (why) return fail(`step ${i + 1} ${line} cannot be applied: ${why}`);
    }
    const unmet = goal.filter(([x, y]) => world.below.get(x) !== y);
    if (unmet.length > 0) return fail(`the plan ends without ${unmet.map(([x, y]) => `(on ${x} ${y})`).join(" ")}`);
    return pass(`a valid ${lines.length}-step plan reaching the goal`);
  },
};
