/**
 * The code cache for large installed CommonJS files (kernel/exec/codecache.ts): a module
 * loaded through it works as Node would load it, V8's cache is written once and then used,
 * and a file that is not CommonJS is left to the usual loader.
 */
import fs from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCached } from "../../kernel/exec/codecache.ts";
import { useCacheHome } from "./helpers.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "symtune-codecache-"));
const cacheHome = useCacheHome(path.join(dir, "cache"));

function write(name: string, code: string): string {
  const file = path.join(dir, "node_modules", name, "index.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(path.join(path.dirname(file), "helper.js"), "exports.twice = (n) => 2 * n;\n");
  fs.writeFileSync(file, code);
  return file;
}

const load = (file: string) => {
  const module = new Module(file);
  return { ok: runCached(module, file), exports: module.exports as Record<string, unknown> };
};

describe("V8 code cache for installed CommonJS", () => {
  it("loads a module with its own require, writes the cache once, then uses it", () => {
    const padding = `/* ${"x".repeat(300_000)} */`;
    const file = write("big", `${padding}\nconst { twice } = require("./helper.js");\nexports.answer = twice(21);\nexports.where = __filename;\n`);
    const first = load(file);
    expect(first.ok).toBe(true);
    expect(first.exports).toEqual({ answer: 42, where: file });
    const caches = fs.readdirSync(path.join(cacheHome, "symtune", "v8"));
    expect(caches).toHaveLength(1);
    const written = fs.statSync(path.join(cacheHome, "symtune", "v8", caches[0]!)).mtimeMs;
    const second = load(file);
    expect(second.exports).toEqual({ answer: 42, where: file });
    expect(fs.statSync(path.join(cacheHome, "symtune", "v8", caches[0]!)).mtimeMs).toBe(written);
  });

  it("leaves a file with ESM syntax to the usual loader", () => {
    const file = write("esm-syntax", `export const a = 1;\n/* ${"y".repeat(300_000)} */\n`);
    expect(load(file).ok).toBe(false);
  });
});
