/**
 * PENMAN graphs (AMR notation) and a Smatch-style score: triples of both graphs, the best
 * one-to-one mapping of variables (exhaustive for small graphs, greedy beyond), F1 of matches.
 */

export type Triple = [string, string, string]; // (source, role, target); instance triples use role ":instance"

/** Parses `(w / want-01 :ARG0 (b / boy) :ARG1 (g / go-02 :ARG0 b))` into triples and variables. */
export function parsePenman(text: string): { triples: Triple[]; variables: string[] } {
  const tokens = text.match(/"[^"]*"|[()/]|:[^\s()]+|[^\s()/:"]+/g) ?? [];
  let i = 0;
  const triples: Triple[] = [];
  const variables: string[] = [];
  const node = (): string => {
    if (tokens[i++] !== "(") throw new Error(`expected "(" at token ${i}`);
    const v = tokens[i++];
    if (!v || /^[():/]/.test(v)) throw new Error(`expected a variable at token ${i}`);
    if (variables.includes(v)) throw new Error(`variable ${v} is defined twice`);
    variables.push(v);
    if (tokens[i++] !== "/") throw new Error(`expected "/" after ${v}`);
    const concept = tokens[i++];
    if (!concept || /^[():/]/.test(concept)) throw new Error(`expected a concept for ${v}`);
    triples.push([v, ":instance", concept]);
    while (tokens[i] !== ")") {
      const role = tokens[i++];
      if (role === undefined) throw new Error(`(${v} ... is not closed`);
      if (!role.startsWith(":")) throw new Error(`expected a role like :ARG0, found "${role}"`);
      const t = tokens[i];
      if (t === undefined) throw new Error(`role ${role} has no value`);
      if (t === "(") triples.push([v, role, node()]);
      else { i++; triples.push([v, role, t]); }
    }
    i++;
    return v;
  };
  const root = node();
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}" after the graph`);
  triples.push(["TOP", ":top", root]);
  return { triples, variables };
}

/** Score of one mapping: triples of `a` that, renamed, occur in `b`. */
function matches(a: Triple[], bKeys: Set<string>, map: Map<string, string>): number {
  let hit = 0;
  const name = (x: string) => map.get(x) ?? (x.startsWith("\u0000") ? "\u0001" : x);
  for (const [s, r, t] of a) if (bKeys.has(`${name(s)} ${r} ${name(t)}`)) hit++;
  return hit;
}

/** Smatch-like F1 between a predicted and a gold PENMAN graph. */
export function smatch(predicted: string, gold: string): number {
  const p = parsePenman(predicted);
  const g = parsePenman(gold);
  // Prefix predicted variables so they never collide with gold names or constants.
  const rename = new Map(p.variables.map((v) => [v, `\u0000${v}`] as const));
  const pt = p.triples.map(([s, r, t]) => [rename.get(s) ?? s, r, rename.get(t) ?? t] as Triple);
  const gKeys = new Set(g.triples.map((t) => t.join(" ")));
  const pv = p.variables.map((v) => rename.get(v)!);
  let best = 0;
  const map = new Map<string, string>();
  if (pv.length <= 7 && g.variables.length <= 8) {
    const used = new Set<string>();
    const search = (k: number) => {
      if (k === pv.length) { best = Math.max(best, matches(pt, gKeys, map)); return; }
      for (const gv of [...g.variables, null]) {
        if (gv !== null && used.has(gv)) continue;
        if (gv !== null) { map.set(pv[k]!, gv); used.add(gv); }
        search(k + 1);
        if (gv !== null) { map.delete(pv[k]!); used.delete(gv); }
      }
    };
    search(0);
  } else {
    // Greedy: map each predicted variable to the free gold variable with the same concept.
    const concept = (ts: Triple[], v: string) => ts.find(([s, r]) => s === v && r === ":instance")?.[2];
    const free = new Set(g.variables);
    for (const v of pv) {
      const gv = [...free].find((x) => concept(g.triples, x) === concept(pt, v));
      if (gv) { map.set(v, gv); free.delete(gv); }
    }
    best = matches(pt, gKeys, map);
  }
  return best === 0 ? 0 : (2 * best) / (pt.length + g.triples.length);
}
