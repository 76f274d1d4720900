/**
 * A tiny Python-like straight-line language for math programs: `name = expression` lines,
 * numbers, names, + - * / // % ** and parentheses. It is interpreted here — never passed to
 * eval — so a model's program cannot reach anything but arithmetic.
 */

type Node = { num: number } | { name: string } | { op: string; a: Node; b?: Node };

const MAX_LINES = 100;

function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\d+(?:\.\d+)?|[A-Za-z_]\w*|\*\*|\/\/|[-+*/%()])/y;
  let at = 0;
  while (at < line.length) {
    if (/^\s*$/.test(line.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(line);
    if (!m) throw new Error(`unexpected "${line.slice(at).trim()[0]}"`);
    tokens.push(m[1]!);
    at = re.lastIndex;
  }
  return tokens;
}

function parseExpression(tokens: string[]): Node {
  let i = 0;
  const sum = (): Node => {
    let a = product();
    while (tokens[i] === "+" || tokens[i] === "-") { const op = tokens[i++]!; a = { op, a, b: product() }; }
    return a;
  };
  const product = (): Node => {
    let a = unary();
    while (["*", "/", "//", "%"].includes(tokens[i]!)) { const op = tokens[i++]!; a = { op, a, b: unary() }; }
    return a;
  };
  const unary = (): Node => {
    if (tokens[i] === "-" || tokens[i] === "+") { const op = tokens[i++]!; return { op: `u${op}`, a: unary() }; }
    return power();
  };
  const power = (): Node => {
    const a = atom();
    if (tokens[i] === "**") { i++; return { op: "**", a, b: unary() }; }
    return a;
  };
  const atom = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new Error("the expression ends too early");
    if (t === "(") {
      const e = sum();
      if (tokens[i++] !== ")") throw new Error("a parenthesis is not closed");
      return e;
    }
    if (/^\d/.test(t)) return { num: Number(t) };
    if (/^[A-Za-z_]/.test(t)) return { name: t };
    throw new Error(`unexpected "${t}"`);
  };
  const e = sum();
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}"`);
  return e;
}

function evaluate(n: Node, vars: Map<string, number>): number {
  if ("num" in n) return n.num;
  if ("name" in n) {
    const v = vars.get(n.name);
    if (v === undefined) throw new Error(`name "${n.name}" is not defined`);
    return v;
  }
  const a = evaluate(n.a, vars);
  if (n.op === "u-") return -a;
  if (n.op === "u+") return a;
  const b = evaluate(n.b!, vars);
  switch (n.op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": if (b === 0) throw new Error("division by zero"); return a / b;
    case "//": if (b === 0) throw new Error("division by zero"); return Math.floor(a / b);
    case "%": if (b === 0) throw new Error("division by zero"); return a - b * Math.floor(a / b);
    default: if (Math.abs(b) > 64) throw new Error("exponent too large"); return a ** b;
  }
}

/**
 * Runs a program; its answer is the variable `answer`, or the value of a final bare
 * expression (`print(x)` and `return x` are read as that expression).
 */
export function runProgram(source: string): number {
  const lines = source.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  if (lines.length > MAX_LINES) throw new Error(`more than ${MAX_LINES} lines`);
  const vars = new Map<string, number>();
  let last: number | undefined;
  for (const [k, raw] of lines.entries()) {
    const line = raw.replace(/^print\((.*)\)$/, "$1").replace(/^return\s+/, "");
    const assign = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(line);
    try {
      const value = evaluate(parseExpression(tokenize(assign ? assign[2]! : line)), vars);
      if (!Number.isFinite(value)) throw new Error("the value is not a finite number");
      if (assign) vars.set(assign[1]!, value);
      else last = value;
    } catch (error) {
      throw new Error(`line ${k + 1}: ${(error as Error).message}`);
    }
  }
  const answer = vars.get("answer") ?? last;
  if (answer === undefined) throw new Error("the program sets no `answer`");
  return answer;
}
