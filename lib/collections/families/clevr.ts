/**
 * CLEVR-like visual reasoning: a scene described as text, a question, and the functional
 * program (`query_color(unique(filter_shape(scene(), cube)))`) that answers it. The checker
 * executes the predicted program on the scene and compares answers.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, generateRows, guarded, pass } from "./common.ts";

const ATTRS = {
  size: ["small", "large"],
  color: ["gray", "red", "blue", "green", "brown", "purple", "cyan", "yellow"],
  material: ["rubber", "metal"],
  shape: ["cube", "sphere", "cylinder"],
} as const;
type Attr = keyof typeof ATTRS;
const ORDER: Attr[] = ["size", "color", "material", "shape"];

export interface SceneObject { size: string; color: string; material: string; shape: string; x: number; y: number }

/** A set of object indexes, one object, a count, or an attribute value / yes / no. */
type Value = number[] | { object: number } | number | string;
type Call = { fn: string; args: (Call | string)[] };

function parseProgram(text: string): Call {
  const tokens = text.match(/[A-Za-z_]\w*|[(),]|\S/g) ?? [];
  let i = 0;
  const call = (): Call | string => {
    const name = tokens[i++];
    if (!name || !/^[A-Za-z_]\w*$/.test(name)) throw new Error(`expected a function or value, found ${name ?? "the end"}`);
    if (tokens[i] !== "(") return name;
    i++;
    const args: (Call | string)[] = [];
    if (tokens[i] === ")") { i++; return { fn: name, args }; }
    for (;;) {
      args.push(call());
      const t = tokens[i++];
      if (t === ")") return { fn: name, args };
      if (t !== ",") throw new Error(`expected "," or ")" in ${name}(...)`);
    }
  };
  const c = call();
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}" after the program`);
  if (typeof c === "string") throw new Error("the program is a bare word, not a call");
  return c;
}

function execute(c: Call | string, scene: SceneObject[]): Value {
  if (typeof c === "string") return c;
  const args = c.args.map((a) => execute(a, scene));
  const set = (k: number) => {
    const v = args[k];
    if (!Array.isArray(v)) throw new Error(`${c.fn} expects a set of objects as argument ${k + 1}`);
    return v;
  };
  const obj = (k: number) => {
    const v = args[k];
    if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${c.fn} expects one object from unique(...)`);
    return v.object;
  };
  const m = /^(filter|query)_(size|color|material|shape)$/.exec(c.fn);
  if (m) {
    const attr = m[2] as Attr;
    if (m[1] === "query") return scene[obj(0)]![attr];
    const value = args[1];
    if (typeof value !== "string" || !(ATTRS[attr] as readonly string[]).includes(value)) throw new Error(`${c.fn} got an unknown ${attr} "${String(value)}"`);
    return set(0).filter((o) => scene[o]![attr] === value);
  }
  switch (c.fn) {
    case "scene": return scene.map((_, k) => k);
    case "unique": {
      const s = set(0);
      if (s.length !== 1) throw new Error(`unique() got ${s.length} objects`);
      return { object: s[0]! };
    }
    case "count": return set(0).length;
    case "exist": return set(0).length > 0 ? "yes" : "no";
    case "relate": {
      const o = scene[obj(0)]!;
      const rel = { left: (p: SceneObject) => p.x < o.x, right: (p: SceneObject) => p.x > o.x,
        front: (p: SceneObject) => p.y > o.y, behind: (p: SceneObject) => p.y < o.y }[String(args[1])];
      if (!rel) throw new Error(`relate() got an unknown relation "${String(args[1])}"`);
      return scene.flatMap((p, k) => (p !== o && rel(p) ? [k] : []));
    }
    default: throw new Error(`unknown function ${c.fn}`);
  }
}

/** Executes a program text on a scene; the answer as a string ("yes", "3", "red"). */
export function runClevr(program: string, scene: SceneObject[]): string {
  const v = execute(parseProgram(program), scene);
  if (typeof v === "object") throw new Error("the program returns objects, not an answer");
  return String(v);
}

const filters = (attrs: Partial<Record<Attr, string>>, inner = "scene()") =>
  ORDER.reduce((acc, a) => (attrs[a] ? `filter_${a}(${acc}, ${attrs[a]})` : acc), inner);
const phrase = (attrs: Partial<Record<Attr, string>>) =>
  `${ORDER.filter((a) => a !== "shape" && attrs[a]).map((a) => attrs[a]).join(" ")} ${attrs.shape ?? "thing"}`.trim();

/** The fewest attributes (never `skip`) that single out object k in the scene. */
function identify(scene: SceneObject[], k: number, skip?: Attr): Partial<Record<Attr, string>> | undefined {
  const usable = ORDER.filter((a) => a !== skip);
  for (let size = 1; size <= usable.length; size++) {
    for (let mask = 0; mask < 1 << usable.length; mask++) {
      const chosen = usable.filter((_, b) => mask & (1 << b));
      if (chosen.length !== size) continue;
      const same = scene.filter((o) => chosen.every((a) => o[a] === scene[k]![a]));
      if (same.length === 1) return Object.fromEntries(chosen.map((a) => [a, scene[k]![a]]));
    }
  }
  return undefined;
}

function makeScene(rng: Rng): SceneObject[] {
  const spots = rng.sample(Array.from({ length: 64 }, (_, k) => k), rng.int(3, 7));
  return spots.map((s) => ({ size: rng.pick(ATTRS.size), color: rng.pick(ATTRS.color), material: rng.pick(ATTRS.material),
    shape: rng.pick(ATTRS.shape), x: s % 8, y: Math.floor(s / 8) }));
}

function question(rng: Rng, scene: SceneObject[]): { text: string; program: string } {
  const k = rng.int(0, scene.length - 1);
  const kind = rng.int(0, 3);
  if (kind <= 1) {
    const asked = rng.pick(ORDER);
    const attrs = identify(scene, k, asked);
    if (attrs) return { text: `What ${asked === "shape" ? "shape" : asked} is the ${phrase(attrs)}?`, program: `query_${asked}(unique(${filters(attrs)}))` };
  }
  if (kind === 2) {
    const attrs = identify(scene, k);
    const rel = rng.pick(["left", "right", "front", "behind"] as const);
    const where = { left: "left of", right: "right of", front: "in front of", behind: "behind" }[rel];
    if (attrs) return { text: `How many things are ${where} the ${phrase(attrs)}?`, program: `count(relate(unique(${filters(attrs)}), ${rel}))` };
  }
  const a = rng.sample(ORDER, rng.int(1, 2));
  const attrs = Object.fromEntries(a.map((x) => [x, rng.chance(0.7) ? scene[k]![x] : rng.pick(ATTRS[x])]));
  return rng.chance(0.5)
    ? { text: `How many ${phrase(attrs)}s are there?`, program: `count(${filters(attrs)})` }
    : { text: `Is there a ${phrase(attrs)}?`, program: `exist(${filters(attrs)})` };
}

const describe = (scene: SceneObject[]) =>
  scene.map((o, k) => `${k}: ${o.size} ${o.color} ${o.material} ${o.shape} at (${o.x}, ${o.y})`).join("; ");

const TEMPLATES = [
  "Parse the question into a program over the scene using scene(), filter_<size|color|material|shape>(set, value), unique(set), relate(object, left|right|front|behind), count(set), exist(set) and query_<attribute>(object). Larger x is further right, larger y is further in front.",
  "Write the functional program that answers the question about the scene. Functions: scene, filter_size, filter_color, filter_material, filter_shape, unique, relate, count, exist, query_size, query_color, query_material, query_shape. x grows to the right, y grows toward the front.",
] as const;

const HEADER = { name: "clevr", domain: "Visual reasoning", form: "program" };

export const clevr: TaskFamily = {
  ...HEADER,
  checker: "execution",
  description: "Questions about a text-described CLEVR-like scene to functional programs; executed on the scene and compared by answer.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const scene = makeScene(rng);
      const q = question(rng, scene);
      return { instruction: rng.pick(TEMPLATES), input: `Scene: ${describe(scene)}\nQuestion: ${q.text}`, output: q.program,
        meta: { scene, answer: runClevr(q.program, scene) } };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const scene = row.meta.scene as SceneObject[] | undefined;
      if (!scene) return fail("the row has no meta.scene to execute on");
      const want = runClevr(row.output, scene);
      let got: string;
      try {
        got = runClevr(prediction, scene);
      } catch (error) {
        return fail(`the program fails: ${(error as Error).message}`);
      }
      return got === want ? pass(`answer ${got}`) : fail(`answer ${got}, expected ${want}`);
    });
  },
};
