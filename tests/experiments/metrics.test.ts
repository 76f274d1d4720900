import { describe, expect, it } from "vitest";
import { exactMatch, percent, symbolTokenF1 } from "../../lib/eval/metrics.ts";
import { formatSummary, summarize } from "../../lib/stats.ts";

describe("exact match", () => {
  it("ignores surrounding and repeated whitespace but not case or content", () => {
    expect(exactMatch("  I_WALK   I_JUMP\n", "I_WALK I_JUMP")).toBe(true);
    expect(exactMatch("i_walk I_JUMP", "I_WALK I_JUMP")).toBe(false);
    expect(exactMatch("I_JUMP I_WALK", "I_WALK I_JUMP")).toBe(false);
  });
});

describe("token F1", () => {
  it("is 1 for the same tokens, 0 for disjoint ones", () => {
    expect(symbolTokenF1("the cat sat", "the cat sat")).toBe(1);
    expect(symbolTokenF1("dog", "the cat")).toBe(0);
  });
  it("scores a partial overlap by precision and recall", () => {
    // pred: a b c d (4), ref: a b e (3), common 2 → P = 1/2, R = 2/3, F1 = 4/7
    expect(symbolTokenF1("a b c d", "a b e")).toBeCloseTo(4 / 7, 10);
  });
  it("counts repeated tokens only as often as the reference has them", () => {
    // pred: a a a, ref: a b → common 1, P = 1/3, R = 1/2, F1 = 0.4
    expect(symbolTokenF1("a a a", "a b")).toBeCloseTo(0.4, 10);
  });
  it("splits brackets and commas so spacing does not matter", () => {
    expect(symbolTokenF1("(JOIN r,e)", "( join r , e )")).toBe(1);
  });
  it("handles empty answers", () => {
    expect(symbolTokenF1("", "")).toBe(1);
    expect(symbolTokenF1("", "x")).toBe(0);
  });
});

describe("percent", () => {
  it("averages to a percentage", () => {
    expect(percent([1, 0, 1, 0])).toBe(50);
    expect(percent([])).toBeNaN();
  });
});

describe("summaries over seeds", () => {
  it("gives the mean and a t-interval", () => {
    const s = summarize([60, 62, 64]);
    expect(s.mean).toBe(62);
    expect(s.std).toBe(2);
    // t(0.975, 2 df) = 4.303; 4.303 * 2 / sqrt(3)
    expect(s.ci95).toBeCloseTo((4.303 * 2) / Math.sqrt(3), 6);
    expect(formatSummary(s)).toBe("62.0 ± 5.0 (n=3)");
  });
  it("reports a single seed as n=1, not as certainty", () => {
    expect(formatSummary(summarize([55]))).toBe("55.0 (n=1)");
  });
});

describe("effect verdicts", () => {
  it("calls an effect reproduced only with ≥ 3 seeds and an interval that excludes 0", async () => {
    const { checkEffect } = await import("../../lib/eval/effects.ts");
    const clear = checkEffect("symbolic gain", [70, 72, 74], [20, 22, 21], "increase");
    expect(clear.reproduced).toBe(true);
    expect(clear.statement).toMatch(/^symbolic gain: \+51\.0 points ± [\d.]+ \(n=3\) — reproduced at this scale/);
    expect(checkEffect("gain", [50, 20, 60], [40, 45, 40], "increase").statement).toContain("the direction is right but the 95% interval includes 0");
    expect(checkEffect("cost", [50, 52, 51], [40, 41, 40], "decrease").statement).toContain("goes the other way");
    // Three seeds agreeing on 3 of 60 rows is within the test set's own sampling error.
    expect(checkEffect("recovery", [5, 5, 5], [0, 0, 0], "increase").reproduced).toBe(true);
    const small = checkEffect("recovery", [5, 5, 5], [0, 0, 0], "increase", { testSize: 60 });
    expect(small.reproduced).toBe(false);
    expect(small.difference.ci95).toBeCloseTo(196 * Math.sqrt((0.05 * 0.95) / 60), 6);
    const one = checkEffect("gain", [90], [10], "increase");
    expect(one.reproduced).toBe(false);
    expect(one.statement).toContain("1 seed(s): too few to tell");
  });
});
