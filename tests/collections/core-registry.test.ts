import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCommandLine } from "../../kernel/cli/commands.ts";
import { classificationTasks } from "../../lib/collections/classification/index.ts";
import { families } from "../../lib/collections/families/index.ts";
import { generateCollection, getFamily, listFamilies } from "../../lib/collections/registry.ts";
import { definedSymbols, evolRow, invertEvol, restorePrediction, symbolEvol } from "../../lib/transforms/evol.ts";
import { iclPrompts } from "../../lib/transforms/icl.ts";
import { symbolTuningCollection } from "../../lib/transforms/symbol-tune.ts";

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await runCommandLine(["collection", ...argv]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("registry", () => {
  it("lists every family and classification task with domain, form and checker", () => {
    const infos = listFamilies();
    const names = infos.map((i) => i.name);
    for (const family of families) expect(names).toContain(family.name);
    for (const task of classificationTasks) expect(names).toContain(task.name);
    expect(new Set(names).size).toBe(names.length);
    for (const info of infos) {
      expect(info.domain).not.toBe("");
      expect(info.form).not.toBe("");
      expect(["execution", "simulation", "equivalence", "exact", "f1"]).toContain(info.checker);
    }
    const scan = infos.find((i) => i.name === "scan")!;
    expect(scan.kind).toBe("family");
  });

  it("suggests the nearest name for a typo", () => {
    expect(() => getFamily("scna")).toThrow(/^unknown collection "scna"; did you mean "scan"\?/);
  });

  it("generates a family reproducibly, byte for byte", () => {
    const a = generateCollection("scan", 50, 9);
    expect(a.size).toBe(50);
    expect(a.toJSONL("rows")).toBe(generateCollection("scan", 50, 9).toJSONL("rows"));
  });
});

describe("Symbol-evol on every built-in family that defines symbols", () => {
  const withSymbols = families.filter((f) => f.generate(5, 1).some((r) => definedSymbols(r).length > 0));

  it("finds at least the SCAN family", () => {
    expect(withSymbols.map((f) => f.name)).toContain("scan");
  });

  for (const family of families) {
    it(`${family.name}: renames consistently, inverts exactly, and the checker accepts the renamed reference`, async () => {
      const rows = family.generate(20, 3);
      const { collection, report } = symbolEvol(rows, { seed: 5, rate: 1 });
      expect(report.renamed + report.noSymbols).toBe(20);
      for (let i = 0; i < rows.length; i++) {
        const evolved = collection.rows[i]!;
        expect(invertEvol(evolved)).toEqual(rows[i]);
        if (evolved.meta.evol) {
          expect(restorePrediction(evolved, evolved.output)).toBe(rows[i]!.output);
          expect((await family.check(evolved, evolved.output)).correct).toBe(true);
        }
      }
      if (withSymbols.includes(family)) expect(report.renamed).toBeGreaterThan(0);
    });
  }

  it("evolRow renames all of a family row's symbols", () => {
    const row = getFamily("scan").generate(1, 4)[0]!;
    const evolved = evolRow(row, { seed: 1 });
    expect(Object.keys(evolved.meta.evol!).sort()).toEqual([...definedSymbols(row)].sort());
  });
});

describe("classification tasks with the transforms", () => {
  it("builds symbol-tuning prompts from the training tasks", () => {
    const train = classificationTasks.filter((t) => t.role === "train");
    expect(train.length).toBeGreaterThan(0);
    const tuned = symbolTuningCollection(train, { perTask: 3, seed: 1, maxK: 4 });
    expect(tuned.size).toBe(3 * train.length);
  });

  it("flips every binary held-out task", () => {
    const binary = classificationTasks.filter((t) => t.role === "eval" && t.labels.length === 2);
    expect(binary.length).toBeGreaterThan(0);
    for (const task of binary) {
      const [a] = iclPrompts(task, 1, { k: 4, seed: 2, format: "q-a" });
      const [b] = iclPrompts(task, 1, { k: 4, seed: 2, format: "q-a", flip: true });
      expect(b!.completion).not.toBe(a!.completion);
      expect(task.labels).toContain(b!.completion);
    }
  });
});

describe("symtune collection CLI", () => {
  it("list --json prints name, domain, form and checker of each", async () => {
    const { code, stdout } = await cli(["list", "--json"]);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { name: string; domain: string; form: string; checker: string }[];
    expect(listed.map((l) => l.name)).toEqual(listFamilies().map((l) => l.name));
    expect(listed.find((l) => l.name === "scan")).toMatchObject({ domain: getFamily("scan").domain, form: getFamily("scan").form, checker: getFamily("scan").checker });
  });

  it("generate writes a reproducible JSONL file", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "symtune-cli-")), "scan.jsonl");
    const { code, stderr } = await cli(["generate", "scan", "--n", "10", "--seed", "2", "--out", out, "--layout", "prompt-completion"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^wrote 10 rows/);
    expect(readFileSync(out, "utf8")).toBe(generateCollection("scan", 10, 2).toJSONL("prompt-completion"));
  });

  it("answers a mistake with one line and exit code 2", async () => {
    const { code, stderr } = await cli(["generate", "scna"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^symtune collection: unknown collection "scna"; did you mean "scan"\?/);
  });
});
