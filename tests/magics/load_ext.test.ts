import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import "../../kernel/magics/index.ts";
import { loadExtension } from "../../kernel/magics/extensions.ts";
import { getMagic, magicHelp, runCellMagic, runLineMagic } from "../../kernel/magics/registry.ts";
import { type DisplaySink, type MimeBundle, setDisplaySink } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";
import { recordingContext } from "./context.ts";

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => new Error("expected a UsageError"), (e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

const temp = mkdtempSync(path.join(tmpdir(), "symtune-ext-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("%load_ext of a local module", () => {
  it("registers the module's magics, which then run, show help and raise UsageError", async () => {
    const ctx = recordingContext();
    await runLineMagic("load_ext", "./tests/magics/fixtures/hello_ext.ts", ctx);
    expect(ctx.printed).toEqual(["Loaded ./tests/magics/fixtures/hello_ext.ts: %hello, %%upper\n"]);
    expect(await runLineMagic("hello", "-t 2 world", ctx)).toBe("hello world, hello world");
    expect(magicHelp("hello").split("\n")[0]).toBe("Usage: %hello [-t TIMES] who");
    expect(await rejection(runLineMagic("hello", "-t 4 world", ctx))).toBe("%hello: at most 3 greetings");
  });

  it("hands the extension the display library", async () => {
    const shown: MimeBundle[] = [];
    const sink: DisplaySink = { display: (b) => shown.push(b), update() {}, clear() {}, stdout() {} };
    setDisplaySink(sink);
    try {
      await runCellMagic("upper", "", "quiet text", recordingContext());
    } finally {
      setDisplaySink(null);
    }
    expect(shown).toEqual([{ "text/plain": "QUIET TEXT" }]);
  });

  it("does nothing the second time, and says how to reload", async () => {
    const ctx = recordingContext();
    await runLineMagic("load_ext", "tests/magics/fixtures/hello_ext.ts", ctx);
    expect(ctx.printed).toEqual([
      "The extension tests/magics/fixtures/hello_ext.ts is already loaded; %reload_ext tests/magics/fixtures/hello_ext.ts loads it again.\n",
    ]);
  });

  it("rolls back what a failing loader registered and lets its error through", async () => {
    await expect(runLineMagic("load_ext", "./tests/magics/fixtures/broken_ext", recordingContext())).rejects.toThrow(
      "the extension's own bug",
    );
    expect(getMagic("half")).toBeUndefined();
  });

  it("says when the module is missing or exports no loader", async () => {
    expect(await rejection(runLineMagic("load_ext", "./nowhere/ext.ts", recordingContext()))).toBe(
      `%load_ext: no module at ./nowhere/ext.ts (looked for ${path.resolve("nowhere/ext.ts")} with .ts/.js/.mjs)`,
    );
    expect(await rejection(runLineMagic("load_ext", "./tests/magics/fixtures/no_loader.ts", recordingContext()))).toBe(
      "%load_ext: ./tests/magics/fixtures/no_loader.ts exports no extension function; export a default function (or load_symtune_extension) that receives { registerMagic, display }",
    );
    expect(await rejection(runLineMagic("load_ext", "", recordingContext()))).toBe(
      "%load_ext: missing required argument module (usage: %load_ext module)",
    );
  });

  it("%reload_ext picks up an edited module", async () => {
    const file = path.join(temp, "counter_ext.mjs");
    const write = (n: number) =>
      writeFileSync(
        file,
        `export default (api) => api.registerMagic({ name: "version${n}", mode: "line", summary: "v", args: [], run: () => ${n} });\n`,
      );
    write(1);
    const ctx = recordingContext();
    await runLineMagic("load_ext", file, ctx);
    expect(await runLineMagic("version1", "", ctx)).toBe(1);
    write(2);
    await runLineMagic("reload_ext", file, ctx);
    expect(await runLineMagic("version2", "", ctx)).toBe(2);
    expect(getMagic("version1")).toBeUndefined();
  });
});

describe("where %load_ext looks", () => {
  it("resolves a relative path from the notebook's directory (ctx.cwd)", async () => {
    const notebookDir = path.join(temp, "nb");
    mkdirSync(notebookDir, { recursive: true });
    writeFileSync(
      path.join(notebookDir, "local_ext.mjs"),
      'export default (api) => api.registerMagic({ name: "here", mode: "line", summary: "h", args: [], run: () => "here" });\n',
    );
    const ctx = Object.assign(recordingContext(), { cwd: notebookDir });
    await runLineMagic("load_ext", "./local_ext.mjs", ctx);
    expect(await runLineMagic("here", "", ctx)).toBe("here");
  });
});

describe("%load_ext of an npm package", () => {
  it("resolves an ESM-only package's import export from node_modules and runs its loader", async () => {
    const project = path.join(temp, "project");
    const pkg = path.join(project, "node_modules", "@lab", "symtune-greet");
    mkdirSync(path.join(pkg, "dist"), { recursive: true });
    writeFileSync(
      path.join(pkg, "package.json"),
      JSON.stringify({ name: "@lab/symtune-greet", type: "module", exports: { ".": { import: "./dist/index.js" } } }),
    );
    writeFileSync(
      path.join(pkg, "dist", "index.js"),
      `export function load_symtune_extension(api) {
         api.registerMagic({ name: "greet", mode: "line", summary: "Greets", args: [], run: () => "hi from a package" });
       }\n`,
    );
    const ctx = recordingContext();
    expect(await loadExtension("@lab/symtune-greet", ctx, path.join(project, "notebooks"))).toEqual(["greet"]);
    expect(await runLineMagic("greet", "", ctx)).toBe("hi from a package");
  });

  it("names the package and the fix when it is not installed", async () => {
    expect(await rejection(loadExtension("not-installed-ext", recordingContext(), temp))).toBe(
      `%load_ext: cannot find package 'not-installed-ext' in node_modules from ${temp} upwards; npm install not-installed-ext first`,
    );
  });
});
