/**
 * Encodes the tiny ONNX graphs native-matmul.ts runs: optional Transpose nodes feeding one
 * MatMul, on rank-3 float inputs with symbolic sizes. Just the protobuf fields these graphs
 * use (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto).
 */
const utf8 = new TextEncoder();

function varint(value: number): number[] {
  const out: number[] = [];
  let n = BigInt(value);
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, payload: number[]) => [...key(field, 2), ...varint(payload.length), ...payload];
const text = (field: number, s: string) => bytes(field, [...utf8.encode(s)]);

const FLOAT = 1;
const ATTRIBUTE_INTS = 7;

/** ValueInfoProto for a float tensor whose dimensions are named (symbolic). */
function floatInput(name: string, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, text(2, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op: string, inputs: string[], output: string, perm?: number[]): number[] {
  const attribute = perm ? bytes(5, [...text(1, "perm"), ...perm.flatMap((p) => int(8, p)), ...int(20, ATTRIBUTE_INTS)]) : [];
  return [...inputs.flatMap((i) => text(1, i)), ...text(2, output), ...text(4, op), ...attribute];
}

/** Y = op(A) @ op(B) for A (a, m, k) and B (b, k, n), op = transpose of the last two axes or not. */
export function matmulModel(transposeA: boolean, transposeB: boolean): Uint8Array {
  const nodes: number[][] = [];
  let left = "A";
  let right = "B";
  if (transposeA) {
    nodes.push(node("Transpose", ["A"], "At", [0, 2, 1]));
    left = "At";
  }
  if (transposeB) {
    nodes.push(node("Transpose", ["B"], "Bt", [0, 2, 1]));
    right = "Bt";
  }
  nodes.push(node("MatMul", [left, right], "Y"));
  const graph = [
    ...nodes.flatMap((n) => bytes(1, n)),
    ...text(2, "symtune_matmul"),
    ...bytes(11, floatInput("A", ["ba", "a1", "a2"])),
    ...bytes(11, floatInput("B", ["bb", "b1", "b2"])),
    ...bytes(12, floatInput("Y", ["by", "m", "n"])),
  ];
  const opset = [...text(1, ""), ...int(2, 13)];
  return new Uint8Array([...int(1, 8), ...text(2, "symtune"), ...bytes(7, graph), ...bytes(8, opset)]);
}
