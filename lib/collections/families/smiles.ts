/**
 * AI4Science (ChEBI-20-like, reduced): IUPAC names of branched alkanes and alcohols → SMILES.
 * The checker parses the predicted SMILES and compares molecules by a canonical form of the
 * (acyclic) molecular graph, so `CC(C)C` and `C(C)(C)C` are the same answer.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, generateRows, guarded, pass } from "./common.ts";

const STEMS = ["meth", "eth", "prop", "but", "pent", "hex", "hept", "oct", "non", "dec"];
const MULTIPLIERS = ["", "", "di", "tri", "tetra"];

interface Molecule { atoms: string[]; bonds: [number, number, number][] }

/** Parses the organic subset: atoms, [bracket] atoms, branches, ring digits, - = # bonds. */
export function parseSmiles(text: string): Molecule {
  const atoms: string[] = [];
  const bonds: [number, number, number][] = [];
  const stack: number[] = [];
  const rings = new Map<string, [number, number]>();
  let prev = -1;
  let order = 1;
  const re = /Cl|Br|\[[^\]]+\]|[BCNOPSFI]|[cnos]|[()=#\-]|%\d\d|\d/y;
  let at = 0;
  const s = text.trim();
  if (s === "") throw new Error("empty SMILES");
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) throw new Error(`unexpected "${s[at]}" at position ${at + 1}`);
    const t = m[0];
    at = re.lastIndex;
    if (t === "(") { if (prev < 0) throw new Error("a branch opens before any atom"); stack.push(prev); continue; }
    if (t === ")") { if (stack.length === 0) throw new Error("unbalanced )"); prev = stack.pop()!; continue; }
    if (t === "=" || t === "#" || t === "-") { order = t === "=" ? 2 : t === "#" ? 3 : 1; continue; }
    if (/^(%\d\d|\d)$/.test(t)) {
      if (prev < 0) throw new Error("a ring number comes before any atom");
      const open = rings.get(t);
      if (open) { bonds.push([open[0], prev, Math.max(open[1], order)]); rings.delete(t); } else rings.set(t, [prev, order]);
      order = 1;
      continue;
    }
    const element = t.startsWith("[") ? (/^\[\d*([A-Z][a-z]?|[cnos])/.exec(t)?.[1] ?? "?") : t;
    if (element === "H") continue; // explicit hydrogens do not change the skeleton
    atoms.push(element.length === 1 ? element.toUpperCase() : element);
    if (prev >= 0) bonds.push([prev, atoms.length - 1, order]);
    prev = atoms.length - 1;
    order = 1;
  }
  if (stack.length > 0) throw new Error("unbalanced (");
  if (rings.size > 0) throw new Error(`ring bond ${[...rings.keys()][0]} is not closed`);
  return { atoms, bonds };
}

/** A canonical string for a molecule; cyclic or disconnected graphs are marked as such. */
export function canonicalSmiles(m: Molecule): string {
  const n = m.atoms.length;
  const adj: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [a, b, o] of m.bonds) { adj[a]!.push([b, o]); adj[b]!.push([a, o]); }
  if (m.bonds.length !== n - 1) return `graph:${m.atoms.slice().sort().join("")}:${m.bonds.length}`;
  // Peel leaves to find the tree's centre (one atom or two), then root there (AHU encoding).
  let layer = [...Array(n).keys()].filter((i) => adj[i]!.length <= 1);
  const degree = adj.map((a) => a.length);
  let left = n;
  while (left > 2) {
    left -= layer.length;
    const next: number[] = [];
    for (const leaf of layer) for (const [nb] of adj[leaf]!) if (--degree[nb]! === 1) next.push(nb);
    layer = next;
  }
  const encode = (v: number, parent: number, bond: number): string =>
    `${"-=#"[bond - 1] ?? "?"}${m.atoms[v]}(${adj[v]!.filter(([u]) => u !== parent).map(([u, o]) => encode(u, v, o)).sort().join("")})`;
  return layer.map((c) => encode(c, -1, 1)).sort()[0]!;
}

interface Branch { at: number; size: 1 | 2 }

function longestChain(length: number, branches: Branch[]): number {
  const atoms = length + branches.reduce((s, b) => s + b.size, 0);
  const adj: number[][] = Array.from({ length: atoms }, () => []);
  const link = (a: number, b: number) => { adj[a]!.push(b); adj[b]!.push(a); };
  for (let i = 1; i < length; i++) link(i - 1, i);
  let next = length;
  for (const b of branches) { link(b.at - 1, next); if (b.size === 2) link(next, next + 1); next += b.size; }
  const far = (from: number) => {
    const dist = new Array<number>(atoms).fill(-1);
    dist[from] = 0;
    const queue = [from];
    for (const v of queue) for (const u of adj[v]!) if (dist[u]! < 0) { dist[u] = dist[v]! + 1; queue.push(u); }
    const best = dist.indexOf(Math.max(...dist));
    return { best, d: dist[best]! };
  };
  return far(far(0).best).d + 1;
}

/** A branched alkane or alkanol whose name follows the longest-chain and lowest-locant rules. */
export function alkane(rng: Rng): { name: string; smiles: string } {
  for (;;) {
    const length = rng.chance(0.15) ? rng.int(1, 3) : rng.int(4, 10);
    const count = length < 4 ? 0 : rng.int(0, Math.min(3, length - 3));
    let branches: Branch[] = [];
    for (let k = 0; k < count; k++) {
      const size = length >= 5 && rng.chance(0.3) ? 2 : 1;
      const at = rng.int(size + 1, length - size);
      if (branches.filter((b) => b.at === at).length < 2) branches.push({ at, size });
    }
    if (longestChain(length, branches) !== length) continue;
    // An alcohol puts OH on a chain carbon that still has a free valence.
    let hydroxy = rng.chance(0.3) ? rng.int(1, length) : 0;
    if (hydroxy > 1 && hydroxy < length && branches.filter((b) => b.at === hydroxy).length > 1) hydroxy = 0;
    const locants = (bs: Branch[]) => bs.map((b) => b.at).sort((a, b) => a - b);
    const flipped = branches.map((b) => ({ ...b, at: length + 1 - b.at }));
    // Numbering: the OH carbon gets the lowest locant; then the substituents do.
    const flippedHydroxy = hydroxy ? length + 1 - hydroxy : 0;
    if (flippedHydroxy < hydroxy || (flippedHydroxy === hydroxy && compareLists(locants(flipped), locants(branches)) < 0)) {
      branches = flipped;
      hydroxy = flippedHydroxy;
    }
    const groups = (["ethyl", "methyl"] as const).map((g) => ({ g, at: locants(branches.filter((b) => (b.size === 2) === (g === "ethyl"))) }))
      .filter((x) => x.at.length > 0);
    const prefix = groups.map((x) => `${x.at.join(",")}-${MULTIPLIERS[x.at.length]}${x.g}`).join("-");
    const suffix = !hydroxy ? "ane" : length <= 2 ? "anol" : `an-${hydroxy}-ol`;
    const name = `${prefix}${STEMS[length - 1]}${suffix}`;
    const chain = Array.from({ length }, (_, i) =>
      `C${branches.filter((b) => b.at === i + 1).map((b) => (b.size === 2 ? "(CC)" : "(C)")).join("")}${i + 1 === hydroxy && i > 0 ? "(O)" : ""}`).join("");
    // OH on carbon 1 is written first, as chemists do: OCCC for propan-1-ol (CO for methanol).
    const smiles = hydroxy !== 1 ? chain : length === 1 ? "CO" : `O${chain}`;
    return { name, smiles };
  }
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const TEMPLATES = [
  "Write the SMILES string of the molecule with this IUPAC name.",
  "Translate the chemical name into SMILES (hydrogens implicit).",
  "Give a SMILES representation of the named compound.",
] as const;

const HEADER = { name: "smiles", domain: "AI4Science", form: "SMILES" };

export const smiles: TaskFamily = {
  ...HEADER,
  checker: "equivalence",
  description: "IUPAC names of branched alkanes and alcohols to SMILES; compared by a canonical form of the molecular graph.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng: Rng) => {
      const m = alkane(rng);
      return { instruction: rng.pick(TEMPLATES), input: m.name, output: m.smiles };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const want = canonicalSmiles(parseSmiles(row.output));
      let got: string;
      try {
        got = canonicalSmiles(parseSmiles(prediction));
      } catch (error) {
        return fail(`not a SMILES string symtune can read: ${(error as Error).message}`);
      }
      return got === want ? pass("the same molecule") : fail("a different molecule");
    });
  },
};
