/**
 * Symbol + Delegation on known-correct programs: the executor accepts programs that are
 * correct but written differently from the reference (where exact match says no) and rejects
 * broken ones.
 */
import { describe, expect, it } from "vitest";
import { blocksworld } from "../../lib/collections/families/blocksworld.ts";
import { fol } from "../../lib/collections/families/fol.ts";
import { regex } from "../../lib/collections/families/regex.ts";
import { sql } from "../../lib/collections/families/sql.ts";
import type { TaskFamily } from "../../lib/collections/types.ts";
import { scorePredictions, scoresByTask } from "../../lib/eval/score.ts";
import { listFunctionsFamily, simpleTuringConceptsFamily } from "../../lib/collections/algorithmic/index.ts";
import { generalFamily } from "../../lib/collections/general/index.ts";
import { builtinFamilies } from "../../lib/collections/families/index.ts";

const families: TaskFamily[] = [sql, blocksworld, fol, regex];

async function scoreRewrite(family: TaskFamily, rewrite: (reference: string) => string, n = 8) {
  const rows = family.generate(n, 11);
  const scored = await scorePredictions(rows, rows.map((r) => rewrite(r.output)), families);
  return scoresByTask(scored)[0]!;
}

describe("Symbol + Delegation on known-correct programs", () => {
  it("scores every family's reference answers as correct", async () => {
    for (const family of families) {
      const s = await scoreRewrite(family, (ref) => ref);
      expect([family.name, s.accuracy, s.exact_match]).toEqual([family.name, 100, 100]);
    }
  });

  it("executes rewritten SQL: same result set, different string", async () => {
    const s = await scoreRewrite(sql, (ref) => `SELECT * FROM (${ref.replace(/;\s*$/, "")}) AS delegated`);
    expect(s.accuracy).toBe(100);
    expect(s.exact_match).toBe(0);
    expect(s.checker).toBe("execution");
  });

  it("simulates a plan written with upper-case actions and comments", async () => {
    const s = await scoreRewrite(blocksworld, (ref) =>
      ref.split("\n").map((step, i) => `${step.replace(/^\(([\w-]+)/, (_, a: string) => `(${a.toUpperCase()}`)} ; step ${i + 1}`).join("\n"),
    );
    expect(s.accuracy).toBe(100);
    expect(s.exact_match).toBe(0);
  });

  it("accepts a logically equivalent formula (double negation) and rejects a negated one", async () => {
    expect((await scoreRewrite(fol, (ref) => `~~(${ref})`)).accuracy).toBe(100);
    expect((await scoreRewrite(fol, (ref) => `~(${ref})`)).accuracy).toBe(0);
  });

  it("accepts an equivalent regex and rejects one that matches everything", async () => {
    expect((await scoreRewrite(regex, (ref) => `(?:${ref})`)).accuracy).toBe(100);
    expect((await scoreRewrite(regex, () => ".*")).accuracy).toBe(0);
  });

  it("rejects SQL with a broken clause and a plan with a step removed", async () => {
    expect((await scoreRewrite(sql, (ref) => ref.replace(/\bFROM\b/i, "FORM"))).accuracy).toBe(0);
    const dropped = await scoreRewrite(blocksworld, (ref) => ref.split("\n").slice(1).join("\n"));
    expect(dropped.accuracy).toBe(0);
  });

  it("scores List Functions, Turing concepts and general NL rows by their own checkers", async () => {
    for (const family of [listFunctionsFamily, simpleTuringConceptsFamily, generalFamily]) {
      const rows = family.generate(6, 4);
      const right = scoresByTask(await scorePredictions(rows, rows.map((r) => r.output), builtinFamilies));
      const wrong = scoresByTask(await scorePredictions(rows, rows.map(() => "zzz qqq"), builtinFamilies));
      expect([family.name, right.at(-1)!.accuracy, wrong.at(-1)!.accuracy]).toEqual([family.name, 100, 0]);
    }
  });

  it("falls back to exact match for rows of unknown families and summarises all tasks", async () => {
    const row = { task: "mystery", domain: "d", form: "f", instruction: "", input: "q", output: "A B", split: "test" as const, meta: {} };
    const scored = await scorePredictions([row, row], ["A  B", "B A"]);
    const [summary] = scoresByTask(scored);
    expect(summary).toMatchObject({ task: "mystery", checker: "exact", n: 2, accuracy: 50, exact_match: 50, token_f1: 100 });
    await expect(scorePredictions([row], [])).rejects.toThrow("1 rows but 0 predictions");
  });
});
