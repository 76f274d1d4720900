/**
 * Issue 11 item 3 (part): a run whose process was killed shows as `died` in `%runs list`,
 * not `running` forever. A real child process creates the run and is killed with SIGKILL.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRun, openRun, runOverview } from "../../lib/runs/registry.ts";

const REGISTRY = new URL("../../lib/runs/registry.ts", import.meta.url).href;

describe("run status", () => {
  it("is running while its process lives and died after kill -9", async () => {
    const root = mkdtempSync(join(tmpdir(), "symtune-runs-"));
    const script = `import { createRun } from ${JSON.stringify(REGISTRY)};
      const run = createRun({ name: "victim", stage: "injection", seed: 0, backend: "cpu", config: {} }, ${JSON.stringify(root)});
      console.log(run.id);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const id = await new Promise<string>((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())));
    expect(runOverview(openRun(id, root)).status).toBe("running");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(runOverview(openRun(id, root)).status).toBe("died");
    // A run of this (living) process, and a finished one, keep their statuses.
    const mine = createRun({ name: "mine", stage: "injection", seed: 0, backend: "cpu", config: {} }, root);
    expect(runOverview(mine).status).toBe("running");
    mine.finish({ status: "completed", wallSeconds: 1, steps: 2 });
    expect(runOverview(openRun(mine.id, root)).status).toBe("completed");
  });
});
