/**
 * Magics and display through the real kernel process, as a notebook meets them: iopub messages
 * for %time/%timeit output, UsageError as one line, %name? in the pager, %load_ext of a local
 * module, display ids and in-place progress updates.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelProcess } from "../../kernel/runner/launch.ts";
import type { Message } from "../../kernel/wire/message.ts";
import { startKernel, textOf } from "../kernel/helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
let kernel: KernelProcess;

beforeAll(async () => {
  kernel = await startKernel();
});
afterAll(async () => {
  await kernel?.kill();
});

async function run(code: string) {
  const { reply, outputs } = await kernel.client.execute(code);
  return { reply, outputs, stdout: textOf(outputs, "stream", "stdout"), result: textOf(outputs, "execute_result") };
}

const ofType = (outputs: Message[], type: string) => outputs.filter((m) => m.header.msg_type === type);

describe("magics in the kernel", () => {
  it("%time and %timeit run TypeScript from the cell's scope", async () => {
    expect((await run("const square = (x: number): number => x * x;")).reply.content.status).toBe("ok");
    const timed = await run("%time square(12)");
    expect(timed.stdout).toMatch(/^CPU times: user .+, sys: .+, total: .+\nWall time: \d+(\.\d+)? (s|ms|µs|ns)\n$/);
    expect(timed.result).toBe("144");
    const repeated = await run("%timeit -n 50 -r 3 square(3)");
    expect(repeated.stdout).toMatch(/per loop \(mean ± std\. dev\. of 3 runs, 50 loops each\)\n$/);
    const cell = await run("%%timeit -n 20 -r 2 const xs = [1, 2, 3] as const\nxs.map(square)");
    expect(cell.stdout).toMatch(/of 2 runs, 20 loops each\)\n$/);
  });

  it("a mistake is one UsageError line, and %name? pages the generated usage", async () => {
    const bad = await run("%timeit --bogus 1");
    expect(bad.reply.content).toMatchObject({
      status: "error",
      ename: "UsageError",
      evalue: "%timeit: unknown option --bogus; valid options: -n/--number, -r/--repeat, -q/--quiet, -o/--output",
    });
    expect((await run("%lsmagc")).reply.content.evalue).toBe("unknown magic %lsmagc; did you mean %lsmagic?");
    const help = await run("%timeit?");
    const page = (help.reply.content.payload as { source: string; data: Record<string, string> }[])[0]!;
    expect(page.source).toBe("page");
    expect(page.data["text/plain"]!.split("\n")[0]).toBe("Usage: %timeit [-n NUMBER] [-r REPEAT] [-q] [-o] [<code>]");
  });

  it("%lsmagic returns a rich listing", async () => {
    const listing = await run("%lsmagic");
    const [result] = ofType(listing.outputs, "execute_result");
    expect(result!.content.data["text/plain"]).toMatch(/^Line magics:\n/);
    expect(result!.content.data["text/html"]).toContain("<code>%%timeit</code>");
  });

  it("%load_ext registers an extension's magics for the next cells", async () => {
    const fixture = path.join(root, "tests", "magics", "fixtures", "hello_ext.ts");
    const loaded = await run(`%load_ext ${fixture}`);
    expect(loaded.stdout).toBe(`Loaded ${fixture}: %hello, %%upper\n`);
    expect((await run("%hello -t 2 notebook")).result).toBe("'hello notebook, hello notebook'");
    const upper = await run("%%upper\nshout this");
    expect(ofType(upper.outputs, "display_data")[0]!.content.data).toEqual({ "text/plain": "SHOUT THIS" });
  });
});

describe("display in the kernel", () => {
  it("sends display_data with a display id, and the handle's update goes to that id", async () => {
    const { outputs, reply } = await run(
      'const h = display.html("<b>first</b>");\nh.update({ "text/html": "<b>second</b>" }, { raw: true });\nh',
    );
    expect(reply.content.status).toBe("ok");
    const [shown] = ofType(outputs, "display_data");
    const [updated] = ofType(outputs, "update_display_data");
    expect(shown!.content.data["text/html"]).toBe("<b>first</b>");
    expect(shown!.content.transient.display_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(updated!.content.transient.display_id).toBe(shown!.content.transient.display_id);
    expect(updated!.content.data["text/html"]).toBe("<b>second</b>");
  });

  it("a progress bar is one output updated in place", async () => {
    const { outputs } = await run(
      'import { progress } from "symtune";\n' +
        'const bar = progress({ total: 5, label: "p" });\n' +
        "for (let i = 1; i <= 5; i++) { await new Promise((r) => setTimeout(r, 5)); bar.update(i); }\n" +
        "bar.close();",
    );
    const shown = ofType(outputs, "display_data");
    const updates = ofType(outputs, "update_display_data");
    expect(shown).toHaveLength(1);
    expect(shown[0]!.content.data["text/html"]).toContain("<progress");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.content.transient.display_id === shown[0]!.content.transient.display_id)).toBe(true);
    expect(updates.at(-1)!.content.data["text/plain"]).toContain("5/5");
  });
});
