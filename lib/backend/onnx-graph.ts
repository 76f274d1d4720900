/**
 * Encodes the small ONNX graphs we run on ONNX Runtime's CPU kernels (native-matmul.ts runs
 * them; fused-graphs.ts and matmulModel below define them). Just the protobuf fields these
 * graphs use (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto); inputs and outputs are float tensors with named (symbolic) sizes.
 */
const utf8 = new TextEncoder();

function varint(value: number | bigint): number[] {
  const out: number[] = [];
  // Negative int64 values are ten-byte two's complement varints.
  let n = BigInt.asUintN(64, BigInt(value));
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, payload: number[] | Uint8Array) => [...key(field, 2), ...varint(payload.length), ...payload];
const text = (field: number, s: string) => bytes(field, utf8.encode(s));

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE = { float: 1, int: 2, string: 3, ints: 7 } as const;

/** A node attribute: a number with `int` (an integer) or `float`, a string, or a list of integers. */
export type Attribute = { int: number } | { float: number } | { string: string } | { ints: number[] };

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, Attribute>;
}

/** A constant: float32 (a number list) or int64 (`int64: true`), with its dims ([] for a scalar). */
export interface Constant {
  name: string;
  dims: number[];
  values: number[];
  int64?: boolean;
}

export interface GraphSpec {
  name: string;
  /** Float tensor inputs and outputs, each with its symbolic dimension names. */
  inputs: { name: string; dims: string[] }[];
  outputs: { name: string; dims: string[] }[];
  nodes: GraphNode[];
  constants?: Constant[];
  /** ONNX opset (default 13). */
  opset?: number;
}

function attribute(name: string, a: Attribute): number[] {
  if ("int" in a) return [...text(1, name), ...int(3, a.int), ...int(20, ATTRIBUTE.int)];
  if ("string" in a) return [...text(1, name), ...text(4, a.string), ...int(20, ATTRIBUTE.string)];
  if ("float" in a) {
    const f = new Uint8Array(new Float32Array([a.float]).buffer);
    return [...text(1, name), ...key(2, 5), ...f, ...int(20, ATTRIBUTE.float)];
  }
  return [...text(1, name), ...a.ints.flatMap((i) => int(8, i)), ...int(20, ATTRIBUTE.ints)];
}

function nodeProto(n: GraphNode): number[] {
  return [
    ...n.inputs.flatMap((i) => text(1, i)),
    ...n.outputs.flatMap((o) => text(2, o)),
    ...text(4, n.op),
    ...Object.entries(n.attributes ?? {}).flatMap(([name, a]) => bytes(5, attribute(name, a))),
  ];
}

function tensorProto(c: Constant): number[] {
  const raw = c.int64 ? new Uint8Array(new BigInt64Array(c.values.map(BigInt)).buffer) : new Uint8Array(new Float32Array(c.values).buffer);
  return [...c.dims.flatMap((d) => int(1, d)), ...int(2, c.int64 ? INT64 : FLOAT), ...text(8, c.name), ...bytes(9, raw)];
}

/** ValueInfoProto for a float tensor whose dimensions are named (symbolic). */
function floatValue(name: string, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, text(2, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** The serialized ModelProto for a graph. */
export function encodeModel(spec: GraphSpec): Uint8Array {
  const graph = [
    ...spec.nodes.flatMap((n) => bytes(1, nodeProto(n))),
    ...text(2, spec.name),
    ...(spec.constants ?? []).flatMap((c) => bytes(5, tensorProto(c))),
    ...spec.inputs.flatMap((i) => bytes(11, floatValue(i.name, i.dims))),
    ...spec.outputs.flatMap((o) => bytes(12, floatValue(o.name, o.dims))),
  ];
  const opset = [...text(1, ""), ...int(2, spec.opset ?? 13)];
  return new Uint8Array([...int(1, 8), ...text(2, "symtune"), ...bytes(7, graph), ...bytes(8, opset)]);
}

/** Y = op(A) @ op(B) for A (a, m, k) and B (b, k, n), op = transpose of the last two axes or not. */
export function matmulModel(transposeA: boolean, transposeB: boolean): Uint8Array {
  const nodes: GraphNode[] = [];
  let left = "A";
  let right = "B";
  if (transposeA) {
    nodes.push({ op: "Transpose", inputs: ["A"], outputs: ["At"], attributes: { perm: { ints: [0, 2, 1] } } });
    left = "At";
  }
  if (transposeB) {
    nodes.push({ op: "Transpose", inputs: ["B"], outputs: ["Bt"], attributes: { perm: { ints: [0, 2, 1] } } });
    right = "Bt";
  }
  nodes.push({ op: "MatMul", inputs: [left, right], outputs: ["Y"] });
  return encodeModel({
    name: "symtune_matmul",
    inputs: [{ name: "A", dims: ["ba", "a1", "a2"] }, { name: "B", dims: ["bb", "b1", "b2"] }],
    outputs: [{ name: "Y", dims: ["by", "m", "n"] }],
    nodes,
  });
}
