/**
 * Arithmetic word problems → programs (GSM8K-Code-like). The checker runs the predicted program
 * in symtune's own arithmetic interpreter and compares its answer with the reference's.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, generateRows, guarded, pass } from "./common.ts";
import { runProgram } from "./program.ts";

const NAMES = ["Amara", "Bilal", "Chen", "Dita", "Emeka", "Farah", "Goran", "Hina", "Ines", "Joao"];
const ITEMS = ["apple", "marble", "sticker", "pencil", "cookie", "shell", "card", "bead"];

interface Problem { text: string; program: string[] }

function problem(rng: Rng): Problem {
  const who = rng.pick(NAMES);
  const item = rng.pick(ITEMS);
  switch (rng.int(0, 5)) {
    case 0: {
      const [a, b, c, d] = [rng.int(2, 40), rng.int(2, 9), rng.int(2, 12), rng.int(1, 10)];
      return { text: `${who} has ${a} ${item}s. ${who} buys ${b} packs with ${c} ${item}s in each pack, then gives away ${d}. How many ${item}s does ${who} have now?`,
        program: [`start = ${a}`, `bought = ${b} * ${c}`, `given = ${d}`, "answer = start + bought - given"] };
    }
    case 1: {
      const [p, q] = [rng.int(2, 30), rng.int(2, 9)];
      const bill = Math.ceil((p * q + 1) / 50) * 50 + 50 * rng.int(0, 1);
      return { text: `A shop sells ${item}s for ${p} dollars each. ${who} buys ${q} of them and pays with ${bill} dollars. How much change does ${who} get?`,
        program: [`price = ${p}`, `count = ${q}`, `paid = ${bill}`, "answer = paid - price * count"] };
    }
    case 2: {
      const [a, d, b, e] = [rng.int(5, 40), rng.int(2, 7), rng.int(5, 40), rng.int(2, 7)];
      return { text: `${who} reads ${a} pages a day for ${d} days, then ${b} pages a day for ${e} more days. How many pages does ${who} read in total?`,
        program: [`first = ${a} * ${d}`, `second = ${b} * ${e}`, "answer = first + second"] };
    }
    case 3: {
      const [k, each] = [rng.int(2, 9), rng.int(2, 15)];
      const extra = rng.int(1, 20);
      return { text: `${who} had ${k * each + extra} ${item}s and lost ${extra}. The rest are shared equally among ${k} friends. How many ${item}s does each friend get?`,
        program: [`total = ${k * each + extra}`, `left = total - ${extra}`, `answer = left / ${k}`] };
    }
    case 4: {
      const [p, base] = [rng.pick([10, 20, 25, 40, 50]), rng.int(1, 30) * 20];
      return { text: `A tank holds ${base} liters of water. ${p} percent of it leaks out. How many liters are left?`,
        program: [`full = ${base}`, `lost = full * ${p} / 100`, "answer = full - lost"] };
    }
    default: {
      const [w, h, k, s] = [rng.int(8, 25), rng.int(5, 40), rng.int(2, 6), rng.int(10, 100)];
      return { text: `${who} earns ${w} dollars an hour and works ${h} hours a week. After ${k} weeks, ${who} spends ${s} dollars. How much money does ${who} have left?`,
        program: [`weekly = ${w} * ${h}`, `earned = weekly * ${k}`, `answer = earned - ${s}`] };
    }
  }
}

const TEMPLATES = [
  "Write a program that solves the problem. Each line assigns a variable with = using numbers, + - * / and parentheses; put the result in `answer`.",
  "Solve the word problem with a short program: one assignment per line, arithmetic only, final value in the variable `answer`.",
  "Translate the question into a straight-line Python program over numbers whose last line sets `answer`.",
] as const;

const HEADER = { name: "math", domain: "Math", form: "program" };

export const math: TaskFamily = {
  ...HEADER,
  checker: "execution",
  description: "Arithmetic word problems to straight-line programs; run by an arithmetic interpreter and compared by answer.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const p = problem(rng);
      const output = p.program.join("\n");
      return { instruction: rng.pick(TEMPLATES), input: p.text, output, meta: { answer: runProgram(output) } };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const want = typeof row.meta.answer === "number" ? row.meta.answer : runProgram(row.output);
      let got: number;
      try {
        got = runProgram(prediction);
      } catch (error) {
        return fail(`the program does not run: ${(error as Error).message}`);
      }
      return Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want))
        ? pass(`answer ${got}`)
        : fail(`answer ${got}, expected ${want}`);
    });
  },
};
