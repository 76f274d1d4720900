/**
 * First-order logic in the syntax the FOL family states: `forall x (Dog(x) -> Animal(x))`,
 * `exists x`, `&`, `|`, `->`, `<->`, `~`. Formulas are compared by truth tables over every
 * interpretation on small domains (sizes 1–3).
 */

export type Formula =
  | { op: "atom"; pred: string; args: string[] }
  | { op: "not"; a: Formula }
  | { op: "and" | "or" | "implies" | "iff"; a: Formula; b: Formula }
  | { op: "forall" | "exists"; v: string; a: Formula };

const SYMBOLS: Record<string, string> = { "∀": "forall", "∃": "exists", "∧": "&", "∨": "|", "¬": "~", "→": "->", "↔": "<->" };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(<->|->|[()&|~,.]|[∀∃∧∨¬→↔]|[A-Za-z_][A-Za-z0-9_]*)/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected character "${text.slice(at).trim()[0]}" at ${at}`);
    tokens.push(SYMBOLS[m[1]!] ?? m[1]!);
    at = re.lastIndex;
  }
  return tokens;
}

/** Precedence, loosest first: <->, -> (right-assoc), |, &, then ~ and quantifiers. */
export function parseFormula(text: string): Formula {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new Error(`expected "${t}" but found ${tokens[i] ? `"${tokens[i]}"` : "the end"}`);
    i++;
  };
  const iff = (): Formula => {
    let a = implies();
    while (peek() === "<->") { i++; a = { op: "iff", a, b: implies() }; }
    return a;
  };
  const implies = (): Formula => {
    const a = or();
    if (peek() === "->") { i++; return { op: "implies", a, b: implies() }; }
    return a;
  };
  const or = (): Formula => {
    let a = and();
    while (peek() === "|") { i++; a = { op: "or", a, b: and() }; }
    return a;
  };
  const and = (): Formula => {
    let a = unary();
    while (peek() === "&") { i++; a = { op: "and", a, b: unary() }; }
    return a;
  };
  const unary = (): Formula => {
    const t = peek();
    if (t === "~") { i++; return { op: "not", a: unary() }; }
    if (t === "forall" || t === "exists") {
      i++;
      const v = tokens[i++];
      if (!v || !/^[a-z]\w*$/.test(v)) throw new Error(`expected a variable after ${t}`);
      if (peek() === ".") i++;
      return { op: t, v, a: unary() };
    }
    if (t === "(") { i++; const f = iff(); expect(")"); return f; }
    if (t && /^[A-Za-z_]\w*$/.test(t)) {
      i++;
      expect("(");
      const args: string[] = [];
      for (;;) {
        const arg = tokens[i++];
        if (!arg || !/^[a-z]\w*$/.test(arg)) throw new Error(`expected a lowercase term in ${t}(...)`);
        args.push(arg);
        if (peek() === ",") { i++; continue; }
        expect(")");
        return { op: "atom", pred: t, args };
      }
    }
    throw new Error(t ? `unexpected "${t}"` : "the formula ends too early");
  };
  const f = iff();
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}" after a complete formula`);
  return f;
}

export function formatFormula(f: Formula): string {
  switch (f.op) {
    case "atom": return `${f.pred}(${f.args.join(", ")})`;
    case "not": return `~${wrap(f.a)}`;
    case "forall": case "exists": return `${f.op} ${f.v} ${wrap(f.a)}`;
    default: {
      const sign = { and: "&", or: "|", implies: "->", iff: "<->" }[f.op];
      return `${wrap(f.a)} ${sign} ${wrap(f.b)}`;
    }
  }
}
function wrap(f: Formula): string {
  return f.op === "atom" || f.op === "not" ? formatFormula(f) : `(${formatFormula(f)})`;
}

/** Predicates with arity, and constants (free lowercase terms) of a formula. */
function vocabulary(f: Formula, preds: Map<string, number>, consts: Set<string>, bound: string[] = []): void {
  switch (f.op) {
    case "atom": {
      const known = preds.get(f.pred);
      if (known !== undefined && known !== f.args.length) throw new Error(`${f.pred} is used with ${known} and ${f.args.length} arguments`);
      preds.set(f.pred, f.args.length);
      for (const a of f.args) if (!bound.includes(a)) consts.add(a);
      return;
    }
    case "not": return vocabulary(f.a, preds, consts, bound);
    case "forall": case "exists": return vocabulary(f.a, preds, consts, [...bound, f.v]);
    default: vocabulary(f.a, preds, consts, bound); vocabulary(f.b, preds, consts, bound);
  }
}

interface Model { size: number; truth: Map<string, Set<string>>; env: Map<string, number> }

function holds(f: Formula, m: Model): boolean {
  switch (f.op) {
    case "atom": return m.truth.get(f.pred)!.has(f.args.map((a) => m.env.get(a)!).join(","));
    case "not": return !holds(f.a, m);
    case "and": return holds(f.a, m) && holds(f.b, m);
    case "or": return holds(f.a, m) || holds(f.b, m);
    case "implies": return !holds(f.a, m) || holds(f.b, m);
    case "iff": return holds(f.a, m) === holds(f.b, m);
    default: {
      const saved = m.env.get(f.v);
      let result = f.op === "forall";
      for (let e = 0; e < m.size; e++) {
        m.env.set(f.v, e);
        if (holds(f.a, m) !== (f.op === "forall")) { result = !result; break; }
      }
      if (saved === undefined) m.env.delete(f.v); else m.env.set(f.v, saved);
      return result;
    }
  }
}

function tuples(size: number, arity: number): string[] {
  let out: number[][] = [[]];
  for (let k = 0; k < arity; k++) out = out.flatMap((t) => Array.from({ length: size }, (_, e) => [...t, e]));
  return out.map((t) => t.join(","));
}

/** Largest number of interpretations tried per domain size; more would make checks slow. */
const MAX_MODELS = 1 << 16;

/**
 * A model where the two formulas differ, or null when they agree on every interpretation of
 * their predicates and constants over domains of size 1 to 3.
 */
export function counterexample(a: Formula, b: Formula): string | null {
  const preds = new Map<string, number>();
  const consts = new Set<string>();
  vocabulary(a, preds, consts);
  vocabulary(b, preds, consts);
  const predList = [...preds];
  const constList = [...consts];
  for (let size = 1; size <= 3; size++) {
    const cells = predList.map(([p, arity]) => ({ p, tuples: tuples(size, arity) }));
    const bits = cells.reduce((s, c) => s + c.tuples.length, 0);
    const models = 2 ** bits * size ** constList.length;
    if (models > MAX_MODELS) {
      if (size === 1) throw new Error("too many predicates and constants to check by truth table");
      break;
    }
    for (let code = 0; code < 2 ** bits; code++) {
      const truth = new Map<string, Set<string>>();
      let bit = 0;
      for (const c of cells) {
        const set = new Set<string>();
        for (const t of c.tuples) if ((code / 2 ** bit++) & 1) set.add(t);
        truth.set(c.p, set);
      }
      for (let k = 0; k < size ** constList.length; k++) {
        const env = new Map<string, number>();
        constList.forEach((c, j) => env.set(c, Math.floor(k / size ** j) % size));
        const m = { size, truth, env };
        if (holds(a, m) !== holds(b, m)) {
          const facts = cells.map((c) => `${c.p}={${[...truth.get(c.p)!].join(";")}}`);
          return `domain of ${size}, ${[...facts, ...constList.map((c) => `${c}=${env.get(c)}`)].join(", ")}`;
        }
      }
    }
  }
  return null;
}
