/**
 * ESM imports of large installed CommonJS files from remembered export names
 * (kernel/exec/cjs-names.ts, cjs-hooks.ts): the names written after a load, the ES module
 * that stands in for the file, and the hook serving it in a real Node process.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { esmWrapper, readNames, rememberExportNames } from "../../kernel/exec/cjs-names.ts";
import { useCacheHome } from "./helpers.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "symtune-cjs-names-"));
const cacheHome = useCacheHome(path.join(dir, "cache"));

const file = path.join(dir, "node_modules", "big", "index.js");
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(path.join(dir, "node_modules", "big", "package.json"), JSON.stringify({ name: "big", version: "1.0.0", main: "index.js" }));
fs.writeFileSync(
  file,
  `/* ${"z".repeat(250_000)} */\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.add = (a, b) => a + b;\nexports.delete = "a reserved word";\nexports["not-an-identifier"] = 3;\n`,
);

describe("remembered export names of large CommonJS files", () => {
  it("writes the names once the file is loaded, and an ES module with them stands in for it", async () => {
    expect(readNames(file)).toBeUndefined();
    const loaded = createRequire(file)(file) as Record<string, unknown>;
    rememberExportNames();
    expect(readNames(file)?.sort()).toEqual(["__esModule", "add", "delete", "not-an-identifier"]);
    const wrapper = path.join(dir, "wrapper.mjs");
    fs.writeFileSync(wrapper, esmWrapper(file, readNames(file)!));
    const ns = (await import(pathToFileURL(wrapper).href)) as Record<string, unknown>;
    expect(ns.default).toBe(loaded);
    expect((ns.add as (a: number, b: number) => number)(2, 3)).toBe(5);
    expect(ns.delete).toBe("a reserved word");
    expect(ns["not-an-identifier"]).toBe(3);
  });

  it("serves `import` of the file from the names through the module hook, as Node's own import would", () => {
    const check = path.join(dir, "check.mjs");
    fs.writeFileSync(
      check,
      `import * as ns from "big";\nimport whole from "big";\nimport { createRequire } from "node:module";\n` +
        `const real = createRequire(import.meta.url)("big");\n` +
        `console.log(JSON.stringify({ url: import.meta.resolve("big"), keys: Object.keys(ns).sort(), default: ns.default === real && whole === real, sum: ns.add(1, 2), word: ns.delete }));\n`,
    );
    const hooks = pathToFileURL(path.resolve("kernel/exec/cjs-hooks.ts")).href;
    fs.writeFileSync(path.join(dir, "hooked.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(hooks)});\nawait import("./check.mjs");\n`);
    fs.writeFileSync(path.join(dir, "plain.mjs"), `await import("./check.mjs");\n`);
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
    const runIt = (main: string) => {
      const out = execFileSync(process.execPath, ["--import", tsx, path.join(dir, main)], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: cacheHome }, encoding: "utf8" });
      return JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
    };
    const hooked = runIt("hooked.mjs");
    const plain = runIt("plain.mjs");
    expect(hooked.url).toMatch(/\/node_modules\/big\/index\.js\?symtune-esm$/);
    expect(plain.url).toMatch(/\/node_modules\/big\/index\.js$/);
    expect({ ...hooked, url: undefined }).toEqual({ ...plain, url: undefined });
    expect(plain).toMatchObject({ keys: ["__esModule", "add", "default", "delete", "not-an-identifier"], default: true, sum: 3, word: "a reserved word" });
  });
});
