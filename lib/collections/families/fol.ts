/**
 * Sentences → first-order logic (MALLS/FOLIO-like) in a stated syntax. The instruction defines
 * each predicate it may use; the checker parses the prediction and compares truth tables over
 * all interpretations on small domains.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, guarded, pass, restoreSymbols } from "./common.ts";
import { counterexample, parseFormula } from "./logic.ts";

interface Pred { name: string; one: string; many: string; noun: boolean }
const noun = (word: string, plural = `${word}s`): Pred =>
  ({ name: word[0]!.toUpperCase() + word.slice(1), one: `a ${word}`, many: plural, noun: true });
const adjective = (word: string): Pred =>
  ({ name: word[0]!.toUpperCase() + word.slice(1), one: word, many: word, noun: false });

const NOUNS = [noun("dog"), noun("cat"), noun("bird"), noun("mammal"), noun("pet"), noun("student"),
  noun("teacher"), noun("musician"), noun("poet"), noun("farmer"), noun("robot"), noun("fish", "fish")];
const ADJECTIVES = ["black", "small", "happy", "loud", "wild", "tall", "clever", "lazy"].map(adjective);
const CONSTANTS = ["rex", "tom", "kiki", "alba", "milo", "nell"];

interface Relation { name: string; verb: string }
const RELATIONS: Relation[] = [{ name: "Likes", verb: "likes" }, { name: "Helps", verb: "helps" }, { name: "Knows", verb: "knows" }];

interface Sentence { text: string; formula: string; preds: Pred[]; relation?: Relation }

const isa = (p: Pred, plural: boolean) => (plural ? `are ${p.many}` : `is ${p.one}`);

function sentence(rng: Rng): Sentence {
  const [a, c2] = rng.sample(NOUNS, 2) as [Pred, Pred];
  const b = rng.chance(0.5) ? c2 : rng.pick(ADJECTIVES);
  const c = rng.pick(ADJECTIVES.filter((p) => p !== b));
  const k = rng.pick(CONSTANTS);
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const rel = rng.pick(RELATIONS);
  const k2 = rng.pick(CONSTANTS.filter((x) => x !== k));
  switch (rng.int(0, 14)) {
    case 0: return { text: `All ${a.many} ${isa(b, true)}.`, formula: `forall x (${a.name}(x) -> ${b.name}(x))`, preds: [a, b] };
    case 1: return { text: `Some ${a.many} ${isa(b, true)}.`, formula: `exists x (${a.name}(x) & ${b.name}(x))`, preds: [a, b] };
    case 2: return { text: `No ${a.one.slice(2)} ${isa(b, false)}.`,
      formula: `forall x (${a.name}(x) -> ~${b.name}(x))`, preds: [a, b] };
    case 3: return { text: `${cap(k)} ${isa(a, false)}.`, formula: `${a.name}(${k})`, preds: [a] };
    case 4: return { text: `${cap(k)} is not ${a.one}.`, formula: `~${a.name}(${k})`, preds: [a] };
    case 5: return { text: `If ${k} ${isa(a, false)}, then ${k} ${isa(b, false)}.`, formula: `${a.name}(${k}) -> ${b.name}(${k})`, preds: [a, b] };
    case 6: return { text: `${cap(k)} ${isa(a, false)} or ${k} ${isa(b, false)}.`, formula: `${a.name}(${k}) | ${b.name}(${k})`, preds: [a, b] };
    case 7: return { text: `Every ${a.one.slice(2)} that ${isa(b, false)} ${isa(c, false)}.`,
      formula: `forall x ((${a.name}(x) & ${b.name}(x)) -> ${c.name}(x))`, preds: [a, b, c] };
    case 8: return { text: `${cap(k)} ${isa(a, false)} if and only if ${k} ${isa(b, false)}.`, formula: `${a.name}(${k}) <-> ${b.name}(${k})`, preds: [a, b] };
    case 9: return { text: `Some ${a.many} are not ${b.noun ? b.many : b.one}.`, formula: `exists x (${a.name}(x) & ~${b.name}(x))`, preds: [a, b] };
    case 10: return { text: `Every ${a.one.slice(2)} ${rel.verb} some ${c2.one.slice(2)}.`,
      formula: `forall x (${a.name}(x) -> exists y (${c2.name}(y) & ${rel.name}(x, y)))`, preds: [a, c2], relation: rel };
    case 11: return { text: `Some ${a.one.slice(2)} ${rel.verb} every ${c2.one.slice(2)}.`,
      formula: `exists x (${a.name}(x) & forall y (${c2.name}(y) -> ${rel.name}(x, y)))`, preds: [a, c2], relation: rel };
    case 12: return { text: `${cap(k)} ${rel.verb} ${k2}, who ${isa(a, false)}.`, formula: `${rel.name}(${k}, ${k2}) & ${a.name}(${k2})`, preds: [a], relation: rel };
    case 13: return { text: `If ${k} ${isa(a, false)} and ${isa(b, false).replace(/^is /, "is ")}, then ${k} ${isa(c, false)}.`.replace(` and is `, ` and ${k} is `),
      formula: `(${a.name}(${k}) & ${b.name}(${k})) -> ${c.name}(${k})`, preds: [a, b, c] };
    default: return { text: `Either ${k} ${isa(a, false)} or ${k} ${isa(b, false)}, but not both.`,
      formula: `~(${a.name}(${k}) <-> ${b.name}(${k}))`, preds: [a, b] };
  }
}

const SYNTAX = "Write formulas with forall x, exists x, & (and), | (or), -> (implies), <-> (if and only if), ~ (not); constants are lowercase names.";
const TEMPLATES = [
  "Translate the sentence into first-order logic. {defs} {syntax}",
  "{defs} Express the statement as a first-order logic formula. {syntax}",
  "Give the logical form of the sentence. {syntax} The predicates are: {defs}",
] as const;

const HEADER = { name: "fol", domain: "FOL", form: "FOL" };

export const fol: TaskFamily = {
  ...HEADER,
  checker: "equivalence",
  description: "English sentences to first-order logic (unary predicates, one binary relation, nested quantifiers); checked by truth-table equivalence on domains of 1–3 elements.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const s = sentence(rng);
      const defs = [...s.preds.map((p) => `${p.name}(x) means x is ${p.one}.`),
        ...(s.relation ? [`${s.relation.name}(x, y) means x ${s.relation.verb} y.`] : [])].join(" ");
      return {
        instruction: fill(rng.pick(TEMPLATES), { defs, syntax: SYNTAX }),
        input: s.text,
        output: s.formula,
        meta: { symbols: [...s.preds.map((p) => p.name), ...(s.relation ? [s.relation.name] : [])] },
      };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const want = parseFormula(restoreSymbols(row, row.output));
      let got;
      try {
        got = parseFormula(restoreSymbols(row, prediction));
      } catch (error) {
        return fail(`not a formula: ${(error as Error).message}`);
      }
      const witness = counterexample(got, want);
      return witness === null ? pass("logically equivalent on all small models") : fail(`differs from the reference in the model: ${witness}`);
    });
  },
};
