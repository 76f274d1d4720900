/** `symtune run` with the real kernel: a progress bar's outputs reach the run's log callback. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runNotebook } from "../../kernel/runner/run.ts";

describe("symtune run's log", () => {
  it("gets each progress output's text, the last one marked final", async () => {
    const dir = mkdtempSync(join(tmpdir(), "symtune-run-progress-"));
    const source = join(dir, "bar.ipynb");
    const cell = `import { progress } from "symtune";\nconst bar = progress({ total: 3, label: "steps", minIntervalMs: 0 });\nfor (let i = 1; i <= 3; i++) bar.update(i, { loss: 1 / i });`;
    writeFileSync(source, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: "a", cell_type: "code", metadata: {}, source: cell, outputs: [], execution_count: null }] }));
    const seen: { text: string; final: boolean }[] = [];
    const result = await runNotebook({
      notebook: source,
      out: join(dir, "out.ipynb"),
      launch: { env: { SYMTUNE_HISTORY: join(dir, "history.jsonl") } },
      onProgress: (_id, text, final) => seen.push({ text, final }),
    });
    expect(result.failure).toBeUndefined();
    expect(seen.map((s) => s.final)).toEqual([false, false, false, true]);
    expect(seen[0]!.text).toMatch(/^steps:   0%\|/);
    expect(seen.at(-1)!.text).toMatch(/^steps: 100%\|█+\| 3\/3 \[.*\] loss 0\.3333$/);
  });
});
