import { describe, expect, it } from "vitest";
import { classificationTasks } from "../../lib/collections/classification/index.ts";
import { builtinFamilies, families } from "../../lib/collections/families/index.ts";
import type { Row, TaskFamily } from "../../lib/collections/types.ts";
import { UsageError } from "../../lib/errors.ts";

const N = 50;
const SEED = 20240611;

/** A corruption that must be rejected, or undefined where it does not apply to the row. */
type Corrupt = (row: Row) => string | undefined;

const otherAction: Record<string, string> = {
  I_WALK: "I_RUN", I_RUN: "I_JUMP", I_JUMP: "I_LOOK", I_LOOK: "I_WALK", I_TURN_LEFT: "I_TURN_RIGHT", I_TURN_RIGHT: "I_TURN_LEFT",
};
const flippedClass: Record<string, string> = { "[0-9]": "[a-z]", "[a-z]": "[0-9]", "[A-Z]": "[0-9]", "[aeiou]": "[0-9]" };

const corruptions: Record<string, Record<string, Corrupt>> = {
  scan: {
    "a changed action": (r) => {
      const a = r.output.split(" ");
      a[a.length - 1] = otherAction[a[a.length - 1]!]!;
      return a.join(" ");
    },
    "a dropped action": (r) => r.output.split(" ").slice(1).join(" "),
  },
  sql: {
    "a shuffled clause": (r) => r.output.replace(/^SELECT (.*?) FROM (\w+(?: AS T1 JOIN \w+ AS T2 ON \S+ = \S+)?)/, "FROM $2 SELECT $1"),
    "a changed constant": (r) => {
      if (/'[^']*'/.test(r.output)) return r.output.replace(/'[^']*'/, "'no such value'");
      if (/> \d+/.test(r.output)) return r.output.replace(/> \d+/, "> 999999999");
      if (/< \d+/.test(r.output)) return r.output.replace(/< \d+/, "< -999999999");
      if (/LIMIT \d+/.test(r.output)) return r.output.replace(/LIMIT (\d+)/, (_, k) => `LIMIT ${Number(k) + 4}`);
      return undefined;
    },
  },
  regex: {
    "a flipped character class": (r) => {
      const cls = Object.keys(flippedClass).find((c) => r.output.includes(c));
      return cls ? r.output.replace(cls, flippedClass[cls]!) : undefined;
    },
    "a changed literal": (r) => {
      const m = /[a-zA-Z0-9](?![^[]*\])(?![^{]*\})/.exec(r.output.replace(/\[[^\]]*\]/g, (s) => "#".repeat(s.length)));
      if (!m) return undefined;
      const ch = r.output[m.index]!;
      return r.output.slice(0, m.index) + (ch === "w" ? "k" : "w") + r.output.slice(m.index + 1);
    },
  },
  fol: {
    "a negated formula": (r) => `~(${r.output})`,
    "and/or swapped": (r) => (/[&|]/.test(r.output) ? r.output.replace(/[&|]/, (c) => (c === "&" ? "|" : "&")) : undefined),
  },
  blocksworld: {
    "two steps swapped": (r) => {
      const s = r.output.split("\n");
      [s[0], s[1]] = [s[1]!, s[0]!];
      return s.join("\n");
    },
    "the last step dropped": (r) => r.output.split("\n").slice(0, -1).join("\n"),
  },
  math: {
    "a changed constant": (r) => r.output.replace(/\d+/, (d) => String(Number(d) + 1)),
    "a changed operator": (r) => r.output.replace(/answer = (\w+) ([-+/])/, (_, a, op) => `answer = ${a} ${op === "-" ? "+" : "*"}`),
  },
  clevr: {
    "a different question function": (r) => {
      const m = /^(\w+)\(/.exec(r.output)!;
      const swap: Record<string, string> = { query_color: "query_shape", query_shape: "query_size", query_size: "query_color", query_material: "query_color", count: "exist", exist: "count" };
      return swap[m[1]!]! + r.output.slice(m[1]!.length);
    },
  },
  kgquery: {
    "a dropped JOIN": (r) => r.output.replace(/\(JOIN (\(R \w+\)|\w+) (\(ENTITY \w+\))\)/, "$2"),
  },
  top: {
    "a changed intent": (r) => {
      const intent = /^\[IN:(\w+)/.exec(r.output)![1]!;
      const other = (r.meta.symbols as string[]).find((s) => s !== intent && /^[A-Z]+_[A-Z_]+$/.test(s) && !r.output.includes(`SL:${s}`))!;
      return r.output.replace(`IN:${intent}`, `IN:${other}`);
    },
    "an unclosed bracket": (r) => r.output.replace(/ \]$/, ""),
  },
  triples: {
    "a dropped triple": (r) => (r.output.includes("\n") ? r.output.split("\n").slice(1).join("\n") : ""),
    "a changed relation": (r) => r.output.replace(/\| (\w+) \|/, (_, rel) => `| ${rel === "employer" ? "occupation" : "employer"} |`),
  },
  amr: {
    "a changed concept": (r) => r.output.replace(/ \/ [\w-]+/, " / think-01"),
  },
  bash: {
    "a changed command": (r) => `${r.output} | head -n 0`,
    "an unknown command": (r) => r.output.replace(/^\w+/, "awk"),
  },
  smiles: {
    "a dropped atom": (r) => r.output.replace(/C(?=[^C]*$)/, ""),
    "an extra atom": (r) => `${r.output}C`,
  },
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const byName = new Map(families.map((f) => [f.name, f]));

describe("built-in families", () => {
  it("cover the paper's 12 domains with at least 12 families", () => {
    expect(families.length).toBeGreaterThanOrEqual(12);
    expect(new Set(families.map((f) => f.domain))).toEqual(new Set([
      "Planning", "Table query", "KG/DB query", "AMR parsing", "KG construction", "API call",
      "Action command", "Code", "FOL", "Visual reasoning", "Math", "AI4Science",
    ]));
    expect(Object.keys(corruptions).sort()).toEqual(families.map((f) => f.name).sort());
  });

  it("refuse a bad row count or seed with one clear sentence", () => {
    expect(() => families[0]!.generate(-1, 0)).toThrow(UsageError);
    expect(() => families[0]!.generate(2.5, 0)).toThrow(`${families[0]!.name}: row count must be a non-negative integer, got 2.5`);
    expect(() => families[0]!.generate(1, Number.NaN)).toThrow(`${families[0]!.name}: seed must be an integer, got NaN`);
    expect(families[0]!.generate(0, 1)).toEqual([]);
  });

  it("have names unique across families, algorithmic tasks, general data and classification tasks", () => {
    const names = [...builtinFamilies.map((f) => f.name), ...classificationTasks.map((t) => t.name)];
    expect(new Set(names).size).toBe(names.length);
    expect(builtinFamilies.map((f) => f.name)).toEqual(expect.arrayContaining(["list_functions", "simple_turing_concepts", "general", "general_heldout"]));
  });

  for (const family of families) {
    describe(family.name, () => {
      const rows = family.generate(N, SEED);

      it("reproduces its rows byte for byte from (n, seed), and a new seed changes them", () => {
        expect(JSON.stringify(family.generate(N, SEED))).toBe(JSON.stringify(rows));
        expect(JSON.stringify(family.generate(N, SEED + 1))).not.toBe(JSON.stringify(rows));
        expect(family.generate(10, SEED)).toEqual(rows.slice(0, 10));
      });

      it("fills every row field, and defines each declared symbol in the instruction", () => {
        expect(family.templates.length).toBeGreaterThanOrEqual(2);
        for (const row of rows) {
          expect(row).toMatchObject({ task: family.name, domain: family.domain, form: family.form, split: "train" });
          expect(row.meta.source).toBe(family.name);
          expect(typeof row.meta.seed).toBe("number");
          expect(row.instruction.length).toBeGreaterThan(20);
          expect(row.input.length).toBeGreaterThan(0);
          expect(row.output.length).toBeGreaterThan(0);
          for (const symbol of row.meta.symbols ?? []) {
            // "I_JUMP means", "Dog(x) means", "Likes(x, y) means", "(pick-up ?x) means"
            expect(row.instruction).toMatch(new RegExp(`${escape(symbol)}(\\(x(, y)?\\)|( \\?\\w)+\\))? means `));
          }
        }
      });

      it("accepts its own reference answers", async () => {
        for (const row of rows) {
          const result = await family.check(row, row.output);
          expect(result, `${row.input} → ${row.output}`).toMatchObject({ correct: true, score: 1 });
        }
      });

      for (const [what, corrupt] of Object.entries(corruptions[family.name] ?? {})) {
        it(`rejects ${what}`, async () => {
          let applied = 0;
          for (const row of rows) {
            const bad = corrupt(row);
            if (bad === undefined || bad === row.output) continue;
            applied++;
            const result = await family.check(row, bad);
            expect(result.correct, `${row.output} → ${bad}: ${result.detail}`).toBe(false);
            expect(result.score).toBeLessThan(1);
            expect(result.detail).toBeTruthy();
          }
          expect(applied).toBeGreaterThanOrEqual(N / 3);
        });
      }

      it("checks rows that went through JSON (export and reload keep everything the checker needs)", async () => {
        for (const row of rows.slice(0, 10)) {
          const reloaded = JSON.parse(JSON.stringify(row)) as Row;
          expect(reloaded).toEqual(row);
          expect((await family.check(reloaded, row.output)).correct).toBe(true);
        }
      });

      it("answers garbage with correct:false and a reason, never a throw", async () => {
        for (const junk of ["", "((((", "]]", "SELECT * FROM nowhere", "x".repeat(300), "I_JUMP (stack a b) [IN:X ]"]) {
          const result = await family.check(rows[0]!, junk);
          expect(result.correct).toBe(false);
          expect(result.detail).toBeTruthy();
        }
      });
    });
  }

  it("checks renamed (Symbol-evol) rows against the renamed reference", async () => {
    for (const family of families) {
      const row = family.generate(1, SEED)[0]!;
      const symbols = row.meta.symbols ?? [];
      if (symbols.length === 0) continue;
      const evol = Object.fromEntries(symbols.map((s, k) => [s, `Zq${k}x9W`]));
      const rename = (text: string) =>
        symbols.reduce((t, s) => t.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escape(s)}(?![\\p{L}\\p{N}_])`, "gu"), evol[s]!), text);
      const evolved: Row = { ...row, instruction: rename(row.instruction), output: rename(row.output), meta: { ...row.meta, evol } };
      expect((await family.check(evolved, evolved.output)).correct, family.name).toBe(true);
    }
  });
});

describe("checker details", () => {
  const fam = (name: string) => byName.get(name) as TaskFamily;

  it("scan follows the grammar: around, opposite, thrice and after", async () => {
    const row = fam("scan").generate(1, 1)[0]!;
    const mine: Row = { ...row, input: "walk around left after turn opposite right thrice" };
    const turnR = "I_TURN_RIGHT I_TURN_RIGHT";
    const want = `${turnR} ${turnR} ${turnR} ${"I_TURN_LEFT I_WALK ".repeat(4).trim()}`;
    expect((await fam("scan").check({ ...mine, output: want }, want)).correct).toBe(true);
  });

  it("sql compares result sets, so an equivalent query with another shape passes", async () => {
    const row = fam("sql").generate(40, 3).find((r) => /WHERE \w+ > \d+$/.test(r.output))!;
    const rewritten = row.output.replace(/WHERE (\w+) > (\d+)/, "WHERE NOT ($1 <= $2)");
    expect(rewritten).not.toBe(row.output);
    expect(await fam("sql").check(row, rewritten)).toMatchObject({ correct: true });
    expect(await fam("sql").check(row, "DROP TABLE x")).toMatchObject({ correct: false, detail: "the prediction is not a SELECT statement" });
    expect((await fam("sql").check(row, "SELECT nme FROM nowhere")).detail).toMatch(/^SQLite error: /);
  });

  it("sql, regex and kgquery references are never vacuous (an empty answer would accept any empty query)", async () => {
    const { runQueries } = await import("../../lib/collections/families/sqlite.ts");
    for (const row of fam("sql").generate(300, 8)) {
      const [result] = await runQueries(row.meta.setup as string, [row.output]);
      expect(Array.isArray(result) && result.length > 0 && result[0]![0] !== null && result[0]![0] !== 0, row.output).toBe(true);
    }
    for (const row of fam("regex").generate(300, 8)) {
      expect((row.meta.positives as string[]).length).toBe(5);
      expect((row.meta.negatives as string[]).length).toBe(6);
    }
    for (const row of fam("kgquery").generate(300, 8)) {
      expect((row.meta.answers as string[]).length).toBeGreaterThan(0);
      expect(row.meta.answers).not.toEqual(["0"]);
    }
  });

  it("fol accepts a logically equivalent formula written differently", async () => {
    const row: Row = { ...fam("fol").generate(1, 1)[0]!, output: "forall x (Dog(x) -> Animal(x))" };
    expect((await fam("fol").check(row, "~exists x (Dog(x) & ~Animal(x))")).correct).toBe(true);
    expect((await fam("fol").check(row, "forall x (Animal(x) -> Dog(x))")).correct).toBe(false);
  });

  it("blocksworld accepts any valid plan and names the failing step", async () => {
    const row: Row = { ...fam("blocksworld").generate(1, 1)[0]!, meta: { init: [["a", "b"], ["c"]], goal: [["c", "a"]] } };
    const roundabout = "(unstack b a)\n(stack b c)\n(unstack b c)\n(put-down b)\n(pick-up c)\n(stack c a)";
    expect((await fam("blocksworld").check(row, roundabout)).correct).toBe(true);
    expect(await fam("blocksworld").check(row, "(pick-up c)\n(stack c a)")).toMatchObject({
      correct: false, detail: "step 2 (stack c a) cannot be applied: a is not clear",
    });
  });

  it("smiles canonicalises: the same molecule written two ways passes", async () => {
    const row: Row = { ...fam("smiles").generate(1, 1)[0]!, input: "2-methylbutane", output: "CC(C)CC" };
    for (const same of ["CCC(C)C", "C(C)(C)CC", "CC(CC)C"]) expect((await fam("smiles").check(row, same)).correct, same).toBe(true);
    for (const other of ["CCCCC", "CC(C)(C)C", "C1CCCC1"]) expect((await fam("smiles").check(row, other)).correct, other).toBe(false);
    const alcohol: Row = { ...row, input: "propan-2-ol", output: "CC(O)C" };
    expect((await fam("smiles").check(alcohol, "OC(C)C")).correct).toBe(true);
    expect((await fam("smiles").check(alcohol, "CCCO")).correct).toBe(false);
    expect((await fam("smiles").check(alcohol, "CC(N)C")).correct).toBe(false);
  });

  it("triples and amr give partial credit", async () => {
    const row: Row = { ...fam("triples").generate(1, 1)[0]!, output: "A | employer | B\nA | birthPlace | C" };
    expect((await fam("triples").check(row, "A | employer | B")).score).toBeCloseTo(2 / 3, 3);
    const amrRow: Row = { ...fam("amr").generate(1, 1)[0]!, output: "(w / want-01 :ARG0 (b / boy) :ARG1 (g / go-02 :ARG0 b))" };
    // Variable names do not matter; one changed concept loses 1 of the 7 triples on each side.
    expect((await fam("amr").check(amrRow, "(x / want-01 :ARG0 (y / boy) :ARG1 (z / go-02 :ARG0 y))")).correct).toBe(true);
    expect((await fam("amr").check(amrRow, "(x / want-01 :ARG0 (y / girl) :ARG1 (z / go-02 :ARG0 y))")).score).toBeCloseTo(6 / 7, 4);
  });

  it("top rejects malformed parses with the reason", async () => {
    const row = fam("top").generate(1, 1)[0]!;
    expect((await fam("top").check(row, "[SL:LOCATION Paris ]")).detail).toMatch(/must start with an intent/);
    expect((await fam("top").check(row, row.output.replace(/\s+/g, "  ")))).toMatchObject({ correct: true });
  });

  it("math runs programs without eval: JavaScript is not a program", async () => {
    const row = fam("math").generate(1, 1)[0]!;
    expect((await fam("math").check(row, "answer = process.exit(1)")).correct).toBe(false);
    expect((await fam("math").check(row, `answer = ${row.meta.answer}`)).correct).toBe(true);
  });
});

describe("first-order equivalence", () => {
  it("tells apart swapped quantifiers and swapped arguments of a relation", async () => {
    const { fol } = await import("../../lib/collections/families/fol.ts");
    const row: Row = { ...fol.generate(1, 1)[0]!, output: "forall x exists y Likes(x, y)" };
    expect((await fol.check(row, "forall a exists b (Likes(a, b))")).correct).toBe(true);
    expect((await fol.check(row, "exists y forall x Likes(x, y)")).correct).toBe(false);
    expect((await fol.check(row, "forall x exists y Likes(y, x)")).correct).toBe(false);
  });
});
