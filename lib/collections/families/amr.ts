/**
 * AMR parsing (reduced): simple English sentences → PENMAN graphs with PropBank frames,
 * negation, modifiers and control reentrancy. Scored by Smatch-style triple F1.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, generateRows, graded, guarded } from "./common.ts";
import { parsePenman, smatch } from "./penman.ts";

const AGENTS = ["boy", "girl", "teacher", "doctor", "dog", "cat", "farmer", "child"];
const THINGS = ["book", "apple", "letter", "ball", "car", "song"];
const AGENT_ADJECTIVES = ["tall", "happy", "old", "young"];
const THING_ADJECTIVES = ["big", "small", "red", "new"];
/** frame, present 3rd person, base form, past */
const TRANSITIVE = [["see-01", "sees", "see", "saw"], ["like-01", "likes", "like", "liked"], ["find-01", "finds", "find", "found"], ["want-01", "wants", "want", "wanted"], ["read-01", "reads", "read", "read"]];
const INTRANSITIVE = [["run-02", "runs", "run", "ran"], ["sleep-01", "sleeps", "sleep", "slept"], ["sing-01", "sings", "sing", "sang"], ["leave-11", "leaves", "leave", "left"], ["arrive-01", "arrives", "arrive", "arrived"]];
const CONTROL = [["want-01", "wants", "wanted"], ["try-01", "tries", "tried"], ["plan-01", "plans", "planned"]];

class Vars {
  private used = new Set<string>();
  of(concept: string): string {
    const base = concept[0]!;
    let v = base;
    for (let k = 2; this.used.has(v); k++) v = `${base}${k}`;
    this.used.add(v);
    return v;
  }
}

interface Np { words: string; graph: string; v: string }

function nounPhrase(rng: Rng, vars: Vars, pool: readonly string[], adjectives: readonly string[]): Np {
  const noun = rng.pick(pool);
  const v = vars.of(noun);
  if (rng.chance(0.3)) {
    const adj = rng.pick(adjectives);
    return { words: `the ${adj} ${noun}`, graph: `(${v} / ${noun} :mod (${vars.of(adj)} / ${adj}))`, v };
  }
  return { words: `the ${noun}`, graph: `(${v} / ${noun})`, v };
}

function sentence(rng: Rng): { text: string; graph: string } {
  const vars = new Vars();
  const neg = rng.chance(0.25);
  const past = rng.chance(0.5);
  const kind = rng.int(0, 2);
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  if (kind === 2) {
    const [frame, pres, pst] = rng.pick(CONTROL);
    const [sub, , base] = rng.pick(INTRANSITIVE);
    const top = vars.of(frame!);
    const agent = nounPhrase(rng, vars, AGENTS, AGENT_ADJECTIVES);
    const inner = vars.of(sub!);
    const verb = neg ? `${past ? "did" : "does"} not ${frame!.replace(/-\d+$/, "")}` : past ? pst : pres;
    return { text: `${cap(agent.words)} ${verb} to ${base}.`,
      graph: `(${top} / ${frame}${neg ? " :polarity -" : ""} :ARG0 ${agent.graph} :ARG1 (${inner} / ${sub} :ARG0 ${agent.v}))` };
  }
  const [frame, pres, base, pst] = rng.pick(kind === 0 ? TRANSITIVE : INTRANSITIVE);
  const top = vars.of(frame!);
  const agent = nounPhrase(rng, vars, AGENTS, AGENT_ADJECTIVES);
  const verb = neg ? `${past ? "did" : "does"} not ${base}` : past ? pst : pres;
  if (kind === 0) {
    const obj = nounPhrase(rng, vars, THINGS, THING_ADJECTIVES);
    return { text: `${cap(agent.words)} ${verb} ${obj.words}.`,
      graph: `(${top} / ${frame}${neg ? " :polarity -" : ""} :ARG0 ${agent.graph} :ARG1 ${obj.graph})` };
  }
  return { text: `${cap(agent.words)} ${verb}.`, graph: `(${top} / ${frame}${neg ? " :polarity -" : ""} :ARG0 ${agent.graph})` };
}

const TEMPLATES = [
  "Parse the sentence into an AMR graph in PENMAN notation, using PropBank frames such as see-01 and :ARG0/:ARG1 roles; negation is :polarity -.",
  "Write the Abstract Meaning Representation of the sentence (PENMAN: (variable / concept :role ...)). Tense is not represented.",
] as const;

const HEADER = { name: "amr", domain: "AMR parsing", form: "AMR" };

export const amr: TaskFamily = {
  ...HEADER,
  checker: "f1",
  description: "Simple sentences to AMR graphs in PENMAN notation (frames, :polarity, :mod, control reentrancy); Smatch-style triple F1.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const s = sentence(rng);
      return { instruction: rng.pick(TEMPLATES), input: s.text, output: s.graph };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      try {
        parsePenman(prediction);
      } catch (error) {
        return fail(`not a PENMAN graph: ${(error as Error).message}`);
      }
      return graded(smatch(prediction, row.output), "AMR triples");
    });
  },
};
