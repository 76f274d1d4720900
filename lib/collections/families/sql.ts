/**
 * Text-to-SQL over generated schemas (Spider-like). Each row carries its own tables and data;
 * the checker runs the prediction in SQLite (sql.js) and compares result sets, not strings.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, pass } from "./common.ts";
import { runQueries, sameResult } from "./sqlite.ts";

interface NumColumn { col: string; lo: number; hi: number; step: number; noun: string }
interface TextColumn { col: string; values: readonly string[]; noun: string }
interface Theme {
  table: string;
  plural: string;
  names: readonly string[];
  texts: readonly TextColumn[];
  nums: readonly NumColumn[];
  parent: { table: string; fk: string; label: string; attr: TextColumn };
}

const THEMES: readonly Theme[] = [
  {
    table: "employees", plural: "employees",
    names: ["Ada", "Ben", "Cleo", "Dev", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Milo", "Nora"],
    texts: [{ col: "role", values: ["engineer", "manager", "analyst", "designer"], noun: "role" }],
    nums: [{ col: "salary", lo: 30000, hi: 120000, step: 1000, noun: "salary" }, { col: "age", lo: 22, hi: 64, step: 1, noun: "age" }],
    parent: { table: "departments", fk: "department_id", label: "department", attr: { col: "city", values: ["Paris", "Lagos", "Lima", "Oslo", "Pune"], noun: "city" } },
  },
  {
    table: "products", plural: "products",
    names: ["lamp", "desk", "chair", "kettle", "radio", "clock", "mirror", "sofa", "rug", "shelf", "stool", "fan"],
    texts: [{ col: "color", values: ["red", "black", "white", "green"], noun: "color" }],
    nums: [{ col: "price", lo: 5, hi: 500, step: 5, noun: "price" }, { col: "stock", lo: 1, hi: 90, step: 1, noun: "stock" }],
    parent: { table: "suppliers", fk: "supplier_id", label: "supplier", attr: { col: "country", values: ["Chile", "Japan", "Kenya", "Peru", "Spain"], noun: "country" } },
  },
  {
    table: "students", plural: "students",
    names: ["Aiko", "Bola", "Carl", "Dana", "Emil", "Fay", "Gil", "Hugo", "Iris", "Jon", "Kemi", "Liu", "Mara", "Nils"],
    texts: [{ col: "major", values: ["biology", "history", "physics", "music"], noun: "major" }],
    nums: [{ col: "grade", lo: 40, hi: 100, step: 1, noun: "grade" }, { col: "year", lo: 1, hi: 4, step: 1, noun: "year" }],
    parent: { table: "schools", fk: "school_id", label: "school", attr: { col: "region", values: ["north", "south", "east", "west"], noun: "region" } },
  },
];

const TEMPLATES = [
  "Given schema, transform the query into SQL. The schema is {schema}",
  "Write an SQLite query that answers the question. Tables: {schema}",
  "{schema} Translate the question into one SQL SELECT statement over these tables.",
] as const;

const HEADER = { name: "sql", domain: "Table query", form: "SQL" };

type Item = { id: number; name: string; parent: number; [col: string]: string | number };

function quote(v: string | number): string {
  return typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`;
}

function buildTables(rng: Rng, theme: Theme) {
  const parents = rng.sample(theme.parent.attr.values, 3).map((attr, i) => ({ id: i + 1, attr }));
  const records: Item[] = rng.sample(theme.names, rng.int(7, 11)).map((name, i) => {
    const r: Item = { id: i + 1, name, parent: rng.pick(parents).id };
    for (const t of theme.texts) r[t.col] = rng.pick(t.values);
    for (const n of theme.nums) r[n.col] = n.lo + n.step * rng.int(0, Math.floor((n.hi - n.lo) / n.step));
    return r;
  });
  const p = theme.parent;
  const cols = ["id INTEGER PRIMARY KEY", "name TEXT", ...theme.texts.map((t) => `${t.col} TEXT`),
    ...theme.nums.map((n) => `${n.col} INTEGER`), `${p.fk} INTEGER REFERENCES ${p.table}(id)`];
  const schema = `CREATE TABLE ${p.table} (id INTEGER PRIMARY KEY, ${p.attr.col} TEXT); CREATE TABLE ${theme.table} (${cols.join(", ")});`;
  const inserts = [
    ...parents.map((q) => `INSERT INTO ${p.table} VALUES (${q.id}, ${quote(q.attr)});`),
    ...records.map((r) => `INSERT INTO ${theme.table} VALUES (${[r.id, r.name, ...theme.texts.map((t) => r[t.col]!),
      ...theme.nums.map((n) => r[n.col]!), r.parent].map(quote).join(", ")});`),
  ];
  return { parents, records, schema, setup: `${schema}\n${inserts.join("\n")}` };
}

interface Query { question: string; sql: string }

/** Picks a query whose filter keeps some but not all rows, so a changed constant shows. */
function makeQuery(rng: Rng, theme: Theme, tables: ReturnType<typeof buildTables>): Query {
  const { records, parents } = tables;
  const t = theme.table;
  const text = rng.pick(theme.texts);
  const num = rng.pick(theme.nums);
  const values = [...new Set(records.map((r) => r[num.col] as number))].sort((a, b) => a - b);
  // A threshold below the largest value, so some rows lie above it (and, mostly, some not).
  const k = values.length > 1 ? values[rng.int(0, values.length - 2)]! : values[0]! - num.step;
  const present = [...new Set(records.map((r) => r[text.col] as string))];
  const v = rng.pick(present);
  const withV = records.filter((r) => r[text.col] === v);
  switch (rng.int(0, 6)) {
    case 0:
      return { question: `List the names of ${theme.plural} whose ${num.noun} is greater than ${k}.`,
        sql: `SELECT name FROM ${t} WHERE ${num.col} > ${k}` };
    case 1:
      return { question: `How many ${theme.plural} have the ${text.noun} ${v}?`,
        sql: `SELECT COUNT(*) FROM ${t} WHERE ${text.col} = ${quote(v)}` };
    case 2: {
      const agg = rng.pick([["MAX", "highest"], ["MIN", "lowest"], ["AVG", "average"]] as const);
      return { question: `What is the ${agg[1]} ${num.noun} among ${theme.plural} with the ${text.noun} ${v}?`,
        sql: `SELECT ${agg[0]}(${num.col}) FROM ${t} WHERE ${text.col} = ${quote(v)}` };
    }
    case 3: {
      const own = [...new Set(withV.map((r) => r[num.col] as number))].sort((a, b) => a - b);
      // Strictly above the smallest value, so at least one row is kept.
      const top = own.length > 1 ? own[rng.int(1, own.length - 1)]! : own[0]! + num.step;
      return { question: `Which ${theme.plural} with the ${text.noun} ${v} have a ${num.noun} below ${top}?`,
        sql: `SELECT name FROM ${t} WHERE ${text.col} = ${quote(v)} AND ${num.col} < ${top}` };
    }
    case 4:
      return { question: `For each ${text.noun}, how many ${theme.plural} are there?`,
        sql: `SELECT ${text.col}, COUNT(*) FROM ${t} GROUP BY ${text.col}` };
    case 5: {
      const limit = rng.int(1, 3);
      return { question: `Name the ${limit} ${theme.plural} with the highest ${num.noun}, highest first.`,
        sql: `SELECT name FROM ${t} ORDER BY ${num.col} DESC, name LIMIT ${limit}` };
    }
    default: {
      const used = parents.filter((p) => records.some((r) => r.parent === p.id));
      const where = rng.pick(used).attr;
      const p = theme.parent;
      return { question: `List the names of ${theme.plural} whose ${p.label} is in the ${p.attr.noun} ${where}.`,
        sql: `SELECT T1.name FROM ${t} AS T1 JOIN ${p.table} AS T2 ON T1.${p.fk} = T2.id WHERE T2.${p.attr.col} = ${quote(where)}` };
    }
  }
}

/** Only single read-only queries run; recursive CTEs could loop forever in sql.js. */
function refuse(sql: string): string | undefined {
  const body = sql.trim().replace(/;\s*$/, "");
  if (!/^(select|with)\b/i.test(body)) return "the prediction is not a SELECT statement";
  if (/\brecursive\b/i.test(body)) return "recursive queries are not executed";
  if (body.includes(";")) return "the prediction holds more than one statement";
  return undefined;
}

export const sql: TaskFamily = {
  ...HEADER,
  checker: "execution",
  description: "Questions over a generated two-table schema to SQLite queries; checked by executing in sql.js and comparing result sets.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const theme = rng.pick(THEMES);
      const tables = buildTables(rng, theme);
      const q = makeQuery(rng, theme, tables);
      return {
        instruction: fill(rng.pick(TEMPLATES), { schema: tables.schema }),
        input: q.question,
        output: q.sql,
        meta: { schema: tables.schema, setup: tables.setup },
      };
    });
  },
  async check(row: Row, prediction: string) {
    const setup = row.meta.setup;
    if (typeof setup !== "string") return fail("the row has no meta.setup to build its database from");
    const refused = refuse(prediction);
    if (refused) return fail(refused);
    let want, got;
    try {
      [want, got] = await runQueries(setup, [row.output, prediction]);
    } catch (error) {
      return fail(`the row's tables cannot be built: ${(error as Error).message}`);
    }
    if (want instanceof Error) return fail(`the reference query fails: ${want.message}`);
    if (got instanceof Error) return fail(`SQLite error: ${got.message}`);
    const ordered = /\border\s+by\b/i.test(row.output);
    return sameResult(got, want, ordered)
      ? pass("same result set")
      : fail(`the result (${got.length} row(s)) differs from the reference result (${want.length} row(s))`);
  },
};
