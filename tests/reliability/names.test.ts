/**
 * Issue 11 item 1: a name a magic stores into (`--as NAME`) can never break later cells.
 * Acts as the user did: `%collection load scan --n 3 --as await`, then ordinary cells.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { createExecutor } from "../../kernel/exec/executor.ts";
import { registerMagic, unregisterMagic } from "../../kernel/magics/registry.ts";
import { InterruptFlag, type Executor } from "../../kernel/protocol.ts";
import { notebookDir, run, text } from "../exec/helpers.ts";

let executor: Executor;
let dir: string;

beforeAll(async () => {
  dir = notebookDir();
  executor = await createExecutor({ flag: new InterruptFlag(), globals: {}, cwd: dir, warmUp: false });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// The words the issue found breaking every later cell, and their neighbours.
const BAD = ["await", "let", "yield", "static", "enum", "implements", "package", "function", "interface", "eval", "arguments", "undefined", "__symtune_magic", "__symtune_x", "1abc", "a-b"];

describe("--as NAME", () => {
  it.each(BAD)("refuses --as %s with one line, and later cells and magics still work", async (name) => {
    const outcome = await run(executor, `%collection load scan --n 3 --as ${name}`);
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("UsageError");
    expect(outcome.evalue).toContain("--as");
    expect(outcome.evalue).toContain(name);
    expect(outcome.traceback).toHaveLength(1);
    expect(text(await run(executor, "const after = 40 + 2;\nafter"))).toBe("42");
    expect((await run(executor, "%collection load scan --n 2 --seed 1 --as ok_rows")).status).toBe("ok");
    expect(text(await run(executor, "ok_rows.rows.length"))).toBe("2");
  });

  it("a value stored under a reserved name by other code does not break later cells", async () => {
    // An extension magic writing into the scope directly, bypassing the --as check.
    registerMagic({ name: "sneaky", mode: "line", summary: "stores under reserved names", args: [], run: (_args, ctx) => {
      ctx.scope["await"] = 1;
      ctx.scope["static"] = 2;
      return undefined;
    } });
    try {
      expect((await run(executor, "%sneaky")).status).toBe("ok");
      expect(text(await run(executor, "let fine = 'yes';\nfine"))).toBe("'yes'");
      expect(text(await run(executor, "fine.length"))).toBe("3");
    } finally {
      unregisterMagic("sneaky");
    }
  });

  it("accepts ordinary names, including ones that look like keywords but are not reserved", async () => {
    for (const name of ["type", "of", "async", "data_1", "$x"]) {
      const outcome = await run(executor, `%collection load scan --n 2 --seed 1 --as ${name}`);
      expect(outcome.status).toBe("ok");
      expect(text(await run(executor, `${name}.rows.length`))).toBe("2");
    }
  });
});
