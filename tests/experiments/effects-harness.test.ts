import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeResults, parseSeeds, writeResults } from "../../lib/effects/cli.ts";
import { runEffect, summarizeEffect, type Effect, type SeedResult } from "../../lib/effects/harness.ts";

const effect = { name: "toy", expected: "increase" as const, metric: "points" };
const seeds = (pairs: [number, number][], prerequisites: SeedResult["prerequisites"] = []): SeedResult[] =>
  pairs.map(([treatment, control], seed) => ({ seed, treatment, control, chance: 50, prerequisites, seconds: 0 }));

describe("the effects harness", () => {
  it("gives the paired difference's 95% t-interval: mean ± t(n−1) · sd / √n", () => {
    // Differences 2, 4, 6: mean 4, sd 2, t(2) = 4.303 → half-width 4.303 · 2 / √3 = 4.969.
    const r = summarizeEffect(effect, seeds([[52, 50], [54, 50], [56, 50]]));
    expect(r.diff_mean).toBeCloseTo(4, 10);
    expect(r.ci_low).toBeCloseTo(4 - (4.303 * 2) / Math.sqrt(3), 6);
    expect(r.ci_high).toBeCloseTo(4 + (4.303 * 2) / Math.sqrt(3), 6);
    expect(r.treatment).toBeCloseTo(54, 10);
    expect(r.control).toBeCloseTo(50, 10);
    expect(r.chance).toBe(50);
    expect(r.verdict).toMatch(/^not reproduced: the direction is right but the 95% interval includes 0/);
  });

  it("a consistent difference reproduces; the wrong direction does not; a decrease is read as expected", () => {
    expect(summarizeEffect(effect, seeds([[60, 50], [61, 50], [62, 50]])).verdict).toMatch(/^reproduced/);
    expect(summarizeEffect(effect, seeds([[40, 50], [41, 50], [42, 50]])).verdict).toMatch(/goes the other way/);
    const down = summarizeEffect({ ...effect, expected: "decrease" }, seeds([[40, 50], [41, 50], [42, 50]]));
    expect(down.reproduced).toBe(true);
    expect(down.ci_high).toBeLessThan(0);
  });

  it("says too few seeds below three, and 'prerequisite not met' whenever a prerequisite failed", () => {
    expect(summarizeEffect(effect, seeds([[90, 10]])).verdict).toMatch(/^1 seed\(s\): too few to tell/);
    const failed = [{ name: "copy probe", passed: false, detail: "loss 3.1 nats, needs < 0.5" }];
    const r = summarizeEffect(effect, seeds([[60, 50], [61, 50], [62, 50]], failed));
    expect(r.verdict).toBe("prerequisite not met: copy probe (loss 3.1 nats, needs < 0.5)");
    expect(r.reproduced).toBe(false);
  });

  it("runs an effect seed by seed and keeps each seed's numbers", async () => {
    const toy: Effect = { ...effect, run: async (seed) => ({ treatment: 50 + seed, control: 50, chance: 50, details: { seed } }) };
    const r = await runEffect(toy, [3, 5], "quick");
    expect(r.per_seed.map((s) => [s.seed, s.treatment, s.control])).toEqual([[3, 53, 50], [5, 55, 50]]);
  });

  it("merges results into the file by effect name", () => {
    const file = join(mkdtempSync(join(tmpdir(), "symtune-effects-")), "effects.json");
    const entry = (name: string, diff: number) => ({ ...summarizeEffect({ ...effect, name }, seeds([[50 + diff, 50]])), size: "quick" as const, wall_seconds: 1, commit: "abc" });
    writeResults(file, entry("two-stage-forgetting", 1), "abc");
    writeResults(file, entry("two-stage-injection-gain", 2), "abc");
    writeResults(file, entry("two-stage-forgetting", 3), "def");
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.commit).toBe("def");
    expect(written.effects.map((e: { effect: string; diff_mean: number }) => [e.effect, e.diff_mean])).toEqual([["two-stage-injection-gain", 2], ["two-stage-forgetting", 3]]);
  });

  it("refuses bad arguments in one sentence", () => {
    expect(() => parseSeeds("0,x")).toThrow('--seeds must be a comma-separated list of non-negative integers, like 0,1,2 (got "0,x")');
    expect(parseSeeds("2, 0,2")).toEqual([2, 0]);
    const cli = spawnSync(process.execPath, ["bin/symtune.js", "effects", "--effect", "nope"], { encoding: "utf8" });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^symtune effects: unknown effect "nope"; the effects are two-stage-injection-gain, /);
  });
});

describe("merging runs made one seed per process", () => {
  it("summarises the union of seeds, and refuses a seed whose numbers differ between files", () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-merge-"));
    const file = (name: string, pairs: [number, number][], first: number) => {
      const per = seeds(pairs).map((s, i) => ({ ...s, seed: first + i }));
      const path = join(dir, name);
      writeResults(path, { ...summarizeEffect(effect, per), size: "full", wall_seconds: 10, commit: "abc" }, "abc");
      return path;
    };
    const merged = mergeResults([file("a.json", [[52, 50]], 0), file("b.json", [[54, 50], [56, 50]], 1)]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.per_seed.map((s) => s.seed)).toEqual([0, 1, 2]);
    expect(merged[0]!.diff_mean).toBeCloseTo(4, 10);
    expect(merged[0]!.wall_seconds).toBe(20);
    expect(() => mergeResults([file("c.json", [[52, 50]], 0), file("d.json", [[53, 50]], 0)])).toThrow("--merge: toy seed 0 differs between files (52/50 vs 53/50)");
  });
});
