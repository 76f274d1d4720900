/**
 * Questions → s-expression queries over a generated knowledge graph (GrailQA/WebQSP-like):
 * `(JOIN capital_of (ENTITY france))`, `(JOIN (R born_in) (ENTITY ada))`, AND, COUNT. The KG
 * is in the row's metadata; the checker executes both queries and scores the answer sets.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, graded, guarded } from "./common.ts";
import { bagF1 } from "../f1.ts";

type Triple = [string, string, string];
const PEOPLE = ["ada", "bruno", "chidi", "dolores", "erik", "fatima", "giulia", "hamid", "ivan", "jun", "kofi", "lucia"];
const CITIES = ["paris", "lyon", "osaka", "kyoto", "lagos", "abuja", "lima", "cusco", "perth", "sydney"];
const COUNTRIES: Record<string, string[]> = {
  france: ["paris", "lyon"], japan: ["kyoto", "osaka"], nigeria: ["abuja", "lagos"], peru: ["lima", "cusco"], australia: ["sydney", "perth"],
};
const CAPITALS: Record<string, string> = { france: "paris", japan: "osaka", nigeria: "abuja", peru: "lima", australia: "perth" };
const COMPANIES = ["acme", "globex", "initech", "umbrella", "hooli", "stark"];

export const KG_RELATIONS: Readonly<Record<string, string>> = {
  born_in: "person → city of birth",
  works_for: "person → company",
  founded_by: "company → founding person",
  headquartered_in: "company → city",
  located_in: "city → country",
  capital_of: "city → country it is the capital of",
};

/** A small world; capitals are fictional on purpose so the model must use the query, not memory. */
function makeGraph(rng: Rng): Triple[] {
  const kg: Triple[] = [];
  for (const [country, cities] of Object.entries(COUNTRIES)) for (const c of cities) kg.push([c, "located_in", country]);
  for (const [country, city] of Object.entries(CAPITALS)) kg.push([city, "capital_of", country]);
  const people = rng.sample(PEOPLE, rng.int(6, 10));
  const companies = rng.sample(COMPANIES, rng.int(2, 4));
  for (const p of people) kg.push([p, "born_in", rng.pick(CITIES)], [p, "works_for", rng.pick(companies)]);
  for (const c of companies) kg.push([c, "headquartered_in", rng.pick(CITIES)], [c, "founded_by", rng.pick(people)]);
  return kg;
}

type Expr = string | Expr[];

function parse(text: string): Expr {
  const tokens = text.match(/[()]|[^\s()]+/g) ?? [];
  let i = 0;
  const read = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) throw new Error("the query ends too early");
    if (t === ")") throw new Error("unexpected )");
    if (t !== "(") return t;
    const list: Expr[] = [];
    while (tokens[i] !== ")") {
      if (i >= tokens.length) throw new Error("a parenthesis is not closed");
      list.push(read());
    }
    i++;
    return list;
  };
  const e = read();
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}" after the query`);
  return e;
}

function evaluate(e: Expr, kg: Triple[]): Set<string> | number {
  if (!Array.isArray(e)) throw new Error(`bare word "${e}" where a query was expected`);
  const [head, ...args] = e;
  const set = (x: Expr) => {
    const v = evaluate(x, kg);
    if (typeof v === "number") throw new Error(`${String(head)} expects a set, got a number`);
    return v;
  };
  switch (head) {
    case "ENTITY": {
      const name = args[0];
      if (args.length !== 1 || typeof name !== "string") throw new Error("ENTITY takes one name");
      if (!kg.some(([s, , o]) => s === name || o === name)) throw new Error(`unknown entity "${name}"`);
      return new Set([name]);
    }
    case "JOIN": {
      if (args.length !== 2) throw new Error("JOIN takes a relation and a query");
      const rel = args[0]!;
      const reverse = Array.isArray(rel) && rel[0] === "R";
      const name = reverse ? rel[1] : rel;
      if (typeof name !== "string" || !(name in KG_RELATIONS)) throw new Error(`unknown relation ${JSON.stringify(rel)}`);
      const target = set(args[1]!);
      const out = new Set<string>();
      for (const [s, r, o] of kg) {
        if (r !== name) continue;
        if (!reverse && target.has(o)) out.add(s);
        if (reverse && target.has(s)) out.add(o);
      }
      return out;
    }
    case "AND": {
      if (args.length !== 2) throw new Error("AND takes two queries");
      const b = set(args[1]!);
      return new Set([...set(args[0]!)].filter((x) => b.has(x)));
    }
    case "COUNT":
      if (args.length !== 1) throw new Error("COUNT takes one query");
      return set(args[0]!).size;
    default:
      throw new Error(`unknown operator ${JSON.stringify(head)}`);
  }
}

/** The answers of a query as strings (a count is a one-element answer). */
export function runKgQuery(query: string, kg: Triple[]): string[] {
  const v = evaluate(parse(query), kg);
  return typeof v === "number" ? [String(v)] : [...v].sort();
}

interface Question { text: string; query: string }

function question(rng: Rng, kg: Triple[]): Question {
  const subjects = (rel: string) => kg.filter(([, r]) => r === rel);
  const p = rng.pick(subjects("born_in"));
  const job = kg.find(([s, r]) => s === p[0] && r === "works_for")!;
  const employees = (co: string) => subjects("works_for").filter(([, , o]) => o === co).length;
  switch (rng.int(0, 7)) {
    case 0: { const country = rng.pick(Object.keys(CAPITALS)); return { text: `Which city is the capital of ${country}?`, query: `(JOIN capital_of (ENTITY ${country}))` }; }
    case 1: return { text: `Where was ${p[0]} born?`, query: `(JOIN (R born_in) (ENTITY ${p[0]}))` };
    case 2: return { text: `Who works for ${job[2]}?`, query: `(JOIN works_for (ENTITY ${job[2]}))` };
    case 3: {
      const country = kg.find(([s, r]) => s === p[2] && r === "located_in")![2];
      return { text: `Which people were born in a city located in ${country}?`, query: `(JOIN born_in (JOIN located_in (ENTITY ${country})))` };
    }
    case 4:
      // At least two employees, so a query that loses the JOIN (a count of 1) is caught.
      if (employees(job[2]) >= 2) return { text: `How many people work for ${job[2]}?`, query: `(COUNT (JOIN works_for (ENTITY ${job[2]})))` };
      return { text: `In which country is the city where ${p[0]} was born?`, query: `(JOIN (R located_in) (JOIN (R born_in) (ENTITY ${p[0]})))` };
    case 5: { const f = rng.pick(subjects("founded_by")); return { text: `Which companies did ${f[2]} found?`, query: `(JOIN founded_by (ENTITY ${f[2]}))` }; }
    case 6: {
      // A headquarters city of a company someone works for, so the answer is never empty.
      const h = subjects("headquartered_in").find(([co]) => co === job[2])!;
      return { text: `Who works for a company headquartered in ${h[2]}?`, query: `(JOIN works_for (JOIN headquartered_in (ENTITY ${h[2]})))` };
    }
    default: return { text: `Which people born in ${p[2]} work for ${job[2]}?`, query: `(AND (JOIN born_in (ENTITY ${p[2]})) (JOIN works_for (ENTITY ${job[2]})))` };
  }
}

const TEMPLATES = [
  "Translate the question into an s-expression query over the knowledge graph. Relations: {relations}. Use (ENTITY name), (JOIN relation query), (JOIN (R relation) query) for the reverse direction, (AND query query) and (COUNT query).",
  "Write the logical form of the question as an s-expression. (JOIN r q) gives the subjects whose relation r points into q; (R r) reverses r. Available relations: {relations}.",
] as const;

const HEADER = { name: "kgquery", domain: "KG/DB query", form: "s-expression" };

export const kgquery: TaskFamily = {
  ...HEADER,
  checker: "execution",
  description: "Questions over a generated knowledge graph to s-expression queries (JOIN, R, AND, COUNT); executed on the graph and scored by answer-set F1.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const kg = makeGraph(rng);
      const q = question(rng, kg);
      const relations = Object.entries(KG_RELATIONS).map(([r, d]) => `${r} (${d})`).join(", ");
      return { instruction: fill(rng.pick(TEMPLATES), { relations }), input: q.text, output: q.query,
        meta: { kg, answers: runKgQuery(q.query, kg) } };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const kg = row.meta.kg as Triple[] | undefined;
      if (!kg) return fail("the row has no meta.kg to execute on");
      const want = runKgQuery(row.output, kg);
      let got: string[];
      try {
        got = runKgQuery(prediction, kg);
      } catch (error) {
        return fail(`the query fails: ${(error as Error).message}`);
      }
      return graded(bagF1(got, want), "answers");
    });
  },
};
