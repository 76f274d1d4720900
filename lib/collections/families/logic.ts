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

/** One interpretation: a truth table per predicate (indexed by tuple) and a value per term. */
interface Model { size: number; truth: Uint8Array[]; values: Int32Array }
type Compiled = (m: Model) => boolean;

/**
 * Compiles a formula to a closure over a model; predicates and terms become array slots, so
 * checking tens of thousands of models stays cheap.
 */
function compile(f: Formula, preds: Map<string, number>, slots: Map<string, number>): Compiled {
  switch (f.op) {
    case "atom": {
      const p = preds.get(f.pred)!;
      const args = f.args.map((a) => slots.get(a)!);
      return (m) => {
        let index = 0;
        for (let k = args.length - 1; k >= 0; k--) index = index * m.size + m.values[args[k]!]!;
        return m.truth[p]![index] === 1;
      };
    }
    case "not": { const a = compile(f.a, preds, slots); return (m) => !a(m); }
    case "and": { const a = compile(f.a, preds, slots), b = compile(f.b, preds, slots); return (m) => a(m) && b(m); }
    case "or": { const a = compile(f.a, preds, slots), b = compile(f.b, preds, slots); return (m) => a(m) || b(m); }
    case "implies": { const a = compile(f.a, preds, slots), b = compile(f.b, preds, slots); return (m) => !a(m) || b(m); }
    case "iff": { const a = compile(f.a, preds, slots), b = compile(f.b, preds, slots); return (m) => a(m) === b(m); }
    default: {
      // A quantified variable gets its own slot, so an inner `forall x` shadows an outer one.
      const v = slots.size === 0 ? 0 : Math.max(...slots.values()) + 1;
      const inner = new Map(slots).set(f.v, v);
      const body = compile(f.a, preds, inner);
      const all = f.op === "forall";
      return (m) => {
        for (let e = 0; e < m.size; e++) {
          m.values[v] = e;
          if (body(m) !== all) return !all;
        }
        return all;
      };
    }
  }
}

function depth(f: Formula): number {
  switch (f.op) {
    case "atom": return 0;
    case "not": return depth(f.a);
    case "forall": case "exists": return 1 + depth(f.a);
    default: return Math.max(depth(f.a), depth(f.b));
  }
}

/**
 * Largest number of interpretations tried per domain size. A binary relation on 3 elements
 * alone has 512 tables, so formulas with relations are checked on domains of 1–2 elements
 * (enough to separate swapped quantifiers or arguments); unary ones go up to 3.
 */
const MAX_MODELS = 1 << 13;

/**
 * A model where the two formulas differ, or null when they agree on every interpretation of
 * their predicates and constants over domains of size 1 to 3 (fewer when MAX_MODELS says so).
 */
export function counterexample(a: Formula, b: Formula): string | null {
  const predArity = new Map<string, number>();
  const consts = new Set<string>();
  vocabulary(a, predArity, consts);
  vocabulary(b, predArity, consts);
  const predList = [...predArity];
  const constList = [...consts];
  const preds = new Map(predList.map(([p], k) => [p, k]));
  const slots = new Map(constList.map((c, k) => [c, k]));
  const fa = compile(a, preds, slots);
  const fb = compile(b, preds, slots);
  const width = constList.length + Math.max(depth(a), depth(b)) + 1;
  for (let size = 1; size <= 3; size++) {
    const cells = predList.map(([, arity]) => size ** arity);
    const bits = cells.reduce((s, c) => s + c, 0);
    const assignments = size ** constList.length;
    if (2 ** bits * assignments > MAX_MODELS) {
      if (size === 1) throw new Error("too many predicates and constants to check by truth table");
      break;
    }
    const m: Model = { size, truth: cells.map((c) => new Uint8Array(c)), values: new Int32Array(width) };
    for (let code = 0; code < 2 ** bits; code++) {
      let bit = 0;
      for (const table of m.truth) for (let t = 0; t < table.length; t++) table[t] = (code >>> bit++) & 1;
      for (let k = 0; k < assignments; k++) {
        constList.forEach((_, j) => { m.values[j] = Math.floor(k / size ** j) % size; });
        if (fa(m) !== fb(m)) {
          const facts = predList.map(([p], i) => `${p}={${[...m.truth[i]!].flatMap((v, t) => (v ? [t] : [])).join(";")}}`);
          return `domain of ${size}, ${[...facts, ...constList.map((c, j) => `${c}=${m.values[j]}`)].join(", ")}`;
        }
      }
    }
  }
  return null;
}
