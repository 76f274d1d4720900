/**
 * The layering of lib/, checked on every test run: no import cycle between files, none
 * between rooms (the folders directly under lib/, the files at lib/'s root each a room of
 * their own), and the model room free of training and collections.
 *
 * Between rooms every import counts, types too: a cycle of types is still two rooms that
 * cannot be read one without the other. Between files only imports that load code count: an
 * interface file and its implementations naming each other's types (model/tokenizer*.ts) is
 * a pair read together, and TypeScript erases those imports.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const lib = join(root, "lib");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface Import {
  /** lib-relative path of the imported file. */
  target: string;
  /** `import type`, `export type`, or braces holding only `type` names: erased at runtime. */
  typeOnly: boolean;
}

/** Relative imports of a file (static, re-exports, dynamic, side-effect). */
export function importsOf(file: string, text = readFileSync(file, "utf8")): Import[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of code.matchAll(/\b(import|export)\s+(type\s+)?([^;"']*?)\s*from\s*["']([^"']+)["']/g)) {
    const braces = /^\{([^}]*)\}$/.exec(m[3]!.trim());
    const names = braces ? braces[1]!.split(",").map((n) => n.trim()).filter(Boolean) : [];
    found.push({ spec: m[4]!, typeOnly: Boolean(m[2]) || (names.length > 0 && names.every((n) => n.startsWith("type "))) });
  }
  for (const m of code.matchAll(/\bimport\s*(?:\(\s*)?["']([^"']+)["']/g)) found.push({ spec: m[1]!, typeOnly: false });
  return found.filter((f) => f.spec.startsWith(".")).map((f) => ({ target: relative(lib, resolve(dirname(file), f.spec)), typeOnly: f.typeOnly }));
}

/** The room of a lib-relative path: its first folder, or the file itself at lib's root. */
export function roomOf(path: string): string {
  const [first, ...rest] = path.split("/");
  return rest.length > 0 ? first! : first!.replace(/\.ts$/, "");
}

/** Every cycle's members (strongly connected components of more than one node, or a self-loop). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1 || graph.get(v)?.has(v)) found.push(members.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function graphs(): { files: Map<string, Set<string>>; rooms: Map<string, Set<string>> } {
  const files = new Map<string, Set<string>>();
  const rooms = new Map<string, Set<string>>();
  for (const file of sourceFiles(lib)) {
    const from = relative(lib, file);
    const imports = importsOf(file).filter((i) => !i.target.startsWith(".."));
    files.set(from, new Set(imports.filter((i) => !i.typeOnly).map((i) => i.target)));
    const room = rooms.get(roomOf(from)) ?? new Set<string>();
    for (const { target } of imports) if (roomOf(target) !== roomOf(from)) room.add(roomOf(target));
    rooms.set(roomOf(from), room);
  }
  return { files, rooms };
}

describe("lib/ layering", () => {
  it("finds a cycle when there is one (the checker itself works)", () => {
    const g = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(cycles(g)).toEqual([["a", "b", "c"]]);
    const text = 'import type { A } from "../z/w.ts";\nimport { type B, C } from "./c.ts";\nexport { type D } from "./d.ts";\nconst m = await import("./q.ts");';
    expect(importsOf(join(lib, "x/y.ts"), text)).toEqual([
      { target: "z/w.ts", typeOnly: true },
      { target: "x/c.ts", typeOnly: false },
      { target: "x/d.ts", typeOnly: true },
      { target: "x/q.ts", typeOnly: false },
    ]);
    expect(roomOf("train/stages.ts")).toBe("train");
    expect(roomOf("rng.ts")).toBe("rng");
  });

  it("has no import cycle between files", () => {
    expect(cycles(graphs().files)).toEqual([]);
  });

  it("has no import cycle between rooms (folders of lib/ and its root files)", () => {
    const { rooms } = graphs();
    const found = cycles(rooms);
    // Name one import of each edge in the cycle, so the message says where to cut.
    expect(found, `room cycles: ${JSON.stringify(found)}`).toEqual([]);
  });

  it("keeps the model room free of training, prompts and collections, and eval and plot apart", () => {
    const { rooms } = graphs();
    expect([...rooms.get("model")!].filter((r) => r === "train" || r === "collections" || r === "prompts")).toEqual([]);
    expect(rooms.get("plot")!.has("eval")).toBe(false);
    expect(rooms.get("eval")!.has("plot")).toBe(false);
  });
});
