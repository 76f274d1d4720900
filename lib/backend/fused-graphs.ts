/**
 * ONNX graphs for the fused training kernels (kernels/fused.ts runs them on ONNX Runtime, in
 * place on the wasm heap). Each replaces a run of tfjs kernels — one JavaScript dispatch and
 * one full pass over memory each — by one native call whose element-wise work is vectorised
 * and, like its products, spread over the session's threads.
 *
 * Attention, per layer: qkv (B, T, 3C) laid out as nn.Linear's output [q | k | v], heads
 * split inside the graph; mask additive, broadcast over batch and heads. The softmax P is an
 * output, kept for the backward graph (as tfjs kept it); q, k, v are re-split from qkv there.
 */
import { type Constant, type GraphNode, encodeModel } from "./onnx-graph.ts";

const node = (op: string, inputs: string[], outputs: string[], attributes?: GraphNode["attributes"]): GraphNode => ({ op, inputs, outputs, attributes });
const perm = (...p: number[]) => ({ perm: { ints: p } });
const int64 = (name: string, values: number[], dims = [values.length]): Constant => ({ name, dims, values, int64: true });
const scalar = (name: string, value: number): Constant => ({ name, dims: [], values: [value] });

/** qkv (B, T, 3C) → q, k, v (B, H, T, D) each. */
function splitHeads(heads: number, headDim: number): { nodes: GraphNode[]; constants: Constant[] } {
  return {
    nodes: [
      node("Reshape", ["QKV", "shape5"], ["qkv5"]), // (B, T, 3, H, D)
      node("Transpose", ["qkv5"], ["qkv6"], perm(2, 0, 3, 1, 4)), // (3, B, H, T, D)
      node("Gather", ["qkv6", "i0"], ["q"], { axis: { int: 0 } }),
      node("Gather", ["qkv6", "i1"], ["k"], { axis: { int: 0 } }),
      node("Gather", ["qkv6", "i2"], ["v"], { axis: { int: 0 } }),
    ],
    constants: [int64("shape5", [0, 0, 3, heads, headDim]), int64("i0", [0], []), int64("i1", [1], []), int64("i2", [2], [])],
  };
}

/** Y (B, T, C) and P (B, H, T, T) = softmax(q kᵀ/√D + M) from QKV (B, T, 3C) and M (B|1, 1, T, T). */
export function attentionForwardModel(heads: number, headDim: number): Uint8Array {
  const split = splitHeads(heads, headDim);
  return encodeModel({
    name: "symtune_attention",
    inputs: [{ name: "QKV", dims: ["b", "t", "c3"] }, { name: "M", dims: ["mb", "one", "t1", "t2"] }],
    outputs: [{ name: "Y", dims: ["b", "t", "c"] }, { name: "P", dims: ["b", "h", "t", "t"] }],
    nodes: [
      ...split.nodes,
      node("Transpose", ["k"], ["kt"], perm(0, 1, 3, 2)),
      node("MatMul", ["q", "kt"], ["s"]),
      node("Mul", ["s", "scale"], ["ss"]),
      node("Add", ["ss", "M"], ["sm"]),
      node("Softmax", ["sm"], ["P"], { axis: { int: -1 } }),
      node("MatMul", ["P", "v"], ["o"]), // (B, H, T, D)
      node("Transpose", ["o"], ["ot"], perm(0, 2, 1, 3)),
      node("Reshape", ["ot", "shape3"], ["Y"]),
    ],
    constants: [...split.constants, scalar("scale", 1 / Math.sqrt(headDim)), int64("shape3", [0, 0, heads * headDim])],
  });
}

/** DQKV (B, T, 3C) from QKV, P (B, H, T, T) and DY (B, T, C): the gradient of attentionForwardModel's Y. */
export function attentionBackwardModel(heads: number, headDim: number): Uint8Array {
  const split = splitHeads(heads, headDim);
  return encodeModel({
    name: "symtune_attention_grad",
    inputs: [{ name: "QKV", dims: ["b", "t", "c3"] }, { name: "P", dims: ["b", "h", "t", "t"] }, { name: "DY", dims: ["b", "t", "c"] }],
    outputs: [{ name: "DQKV", dims: ["b", "t", "c3"] }],
    nodes: [
      ...split.nodes,
      node("Reshape", ["DY", "shape4"], ["dy4"]),
      node("Transpose", ["dy4"], ["do"], perm(0, 2, 1, 3)), // (B, H, T, D)
      node("Transpose", ["P"], ["pt"], perm(0, 1, 3, 2)),
      node("MatMul", ["pt", "do"], ["dv"]),
      node("Transpose", ["v"], ["vt"], perm(0, 1, 3, 2)),
      node("MatMul", ["do", "vt"], ["dp"]), // (B, H, T, T)
      // softmax backward: dS = P ⊙ (dP − Σⱼ P dP); masked positions have P = 0, so dS = 0.
      node("Mul", ["P", "dp"], ["pdp"]),
      node("ReduceSum", ["pdp", "last"], ["rowsum"], { keepdims: { int: 1 } }),
      node("Sub", ["dp", "rowsum"], ["dpc"]),
      node("Mul", ["P", "dpc"], ["ds"]),
      node("Mul", ["ds", "scale"], ["dss"]),
      node("MatMul", ["dss", "k"], ["dq"]),
      node("Transpose", ["dss"], ["dst"], perm(0, 1, 3, 2)),
      node("MatMul", ["dst", "q"], ["dk"]),
      node("Unsqueeze", ["dq", "first"], ["dq5"]),
      node("Unsqueeze", ["dk", "first"], ["dk5"]),
      node("Unsqueeze", ["dv", "first"], ["dv5"]),
      node("Concat", ["dq5", "dk5", "dv5"], ["g"], { axis: { int: 0 } }), // (3, B, H, T, D)
      node("Transpose", ["g"], ["gt"], perm(1, 3, 0, 2, 4)), // (B, T, 3, H, D)
      node("Reshape", ["gt", "shape3"], ["DQKV"]),
    ],
    constants: [
      ...split.constants,
      scalar("scale", 1 / Math.sqrt(headDim)),
      int64("shape4", [0, 0, heads, headDim]),
      int64("shape3", [0, 0, -1]),
      int64("last", [-1]),
      int64("first", [0]),
    ],
  });
}

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/**
 * Y = gelu(H + B) (tanh form) for H (N, F) and B (F): ONNX's own Gelu (opset 20), one
 * vectorised pass; written out node by node it cost 4× the CPU time (each node is a pass
 * over memory).
 */
export function biasGeluForwardModel(): Uint8Array {
  return encodeModel({
    name: "symtune_bias_gelu",
    opset: 20,
    inputs: [{ name: "H", dims: ["n", "f"] }, { name: "B", dims: ["f"] }],
    outputs: [{ name: "Y", dims: ["n", "f"] }],
    nodes: [node("Add", ["H", "B"], ["u"]), node("Gelu", ["u"], ["Y"], { approximate: { string: "tanh" } })],
  });
}

/**
 * DH = DY ⊙ gelu′(H + B) and DB = Σ_rows DH. In the sigmoid form gelu(u) = u·σ(a(u)),
 * a(u) = 2√(2/π)(u + 0.044715u³) (the same function as the tanh form), the slope is
 * σ·(1 + u·(1 − σ)·a′(u)): fewer nodes (passes) than the tanh form's, and Sigmoid is vectorised.
 */
export function biasGeluBackwardModel(): Uint8Array {
  const k2 = 2 * GELU_K;
  return encodeModel({
    name: "symtune_bias_gelu_grad",
    inputs: [{ name: "H", dims: ["n", "f"] }, { name: "B", dims: ["f"] }, { name: "DY", dims: ["n", "f"] }],
    outputs: [{ name: "DH", dims: ["n", "f"] }, { name: "DB", dims: ["f"] }],
    nodes: [
      node("Add", ["H", "B"], ["u"]),
      node("Mul", ["u", "u"], ["u2"]),
      node("Mul", ["u2", "kc"], ["p"]),
      node("Add", ["p", "k2"], ["p1"]),
      node("Mul", ["u", "p1"], ["a"]), // a(u)
      node("Sigmoid", ["a"], ["s"]),
      node("Mul", ["u2", "kc3"], ["q"]),
      node("Add", ["q", "k2"], ["da"]), // a′(u)
      node("Sub", ["one", "s"], ["oms"]),
      node("Mul", ["oms", "u"], ["r"]),
      node("Mul", ["r", "da"], ["r2"]),
      node("Add", ["r2", "one"], ["r3"]),
      node("Mul", ["s", "r3"], ["slope"]),
      node("Mul", ["DY", "slope"], ["DH"]),
      node("ReduceSum", ["DH", "rows"], ["DB"], { keepdims: { int: 0 } }),
    ],
    constants: [scalar("kc", k2 * GELU_C), scalar("kc3", 3 * k2 * GELU_C), scalar("k2", k2), scalar("one", 1), int64("rows", [0])],
  });
}

/** Y, MEAN and RSTD (N, 1) of LayerNorm over the last axis of X (N, C): ONNX's own op (opset 17). */
export function layerNormForwardModel(eps: number): Uint8Array {
  return encodeModel({
    name: "symtune_layer_norm",
    opset: 17,
    inputs: [{ name: "X", dims: ["n", "c"] }, { name: "G", dims: ["c"] }, { name: "B", dims: ["c"] }],
    outputs: [{ name: "Y", dims: ["n", "c"] }, { name: "MEAN", dims: ["n", "one"] }, { name: "RSTD", dims: ["n", "one"] }],
    nodes: [node("LayerNormalization", ["X", "G", "B"], ["Y", "MEAN", "RSTD"], { axis: { int: -1 }, epsilon: { float: eps } })],
  });
}

/**
 * DX, DG, DB of LayerNorm from X, G, MEAN, RSTD and DY, with x̂ = (X − MEAN)·RSTD:
 * DX = RSTD·(DY·G − mean(DY·G) − x̂·mean(DY·G·x̂)), DG = Σ_rows DY·x̂, DB = Σ_rows DY.
 */
export function layerNormBackwardModel(): Uint8Array {
  return encodeModel({
    name: "symtune_layer_norm_grad",
    opset: 17,
    inputs: [
      { name: "X", dims: ["n", "c"] }, { name: "G", dims: ["c"] }, { name: "MEAN", dims: ["n", "one"] },
      { name: "RSTD", dims: ["n", "one"] }, { name: "DY", dims: ["n", "c"] },
    ],
    outputs: [{ name: "DX", dims: ["n", "c"] }, { name: "DG", dims: ["c"] }, { name: "DB", dims: ["c"] }],
    nodes: [
      node("Sub", ["X", "MEAN"], ["xc"]),
      node("Mul", ["xc", "RSTD"], ["xhat"]),
      node("Mul", ["DY", "G"], ["dxhat"]),
      node("ReduceMean", ["dxhat"], ["m1"], { axes: { ints: [-1] }, keepdims: { int: 1 } }),
      node("Mul", ["dxhat", "xhat"], ["dxx"]),
      node("ReduceMean", ["dxx"], ["m2"], { axes: { ints: [-1] }, keepdims: { int: 1 } }),
      node("Mul", ["xhat", "m2"], ["xm2"]),
      node("Sub", ["dxhat", "m1"], ["d1"]),
      node("Sub", ["d1", "xm2"], ["d2"]),
      node("Mul", ["d2", "RSTD"], ["DX"]),
      node("Mul", ["DY", "xhat"], ["dyx"]),
      node("ReduceSum", ["dyx", "rows"], ["DG"], { keepdims: { int: 0 } }),
      node("ReduceSum", ["DY", "rows"], ["DB"], { keepdims: { int: 0 } }),
    ],
    constants: [int64("rows", [0])],
  });
}

/** Y = X W + B for X (N, I), W (I, O), B (O): ONNX Gemm, the bias added as the product is written. */
export function linearForwardModel(): Uint8Array {
  return encodeModel({
    name: "symtune_linear",
    inputs: [{ name: "X", dims: ["n", "i"] }, { name: "W", dims: ["i", "o"] }, { name: "B", dims: ["o"] }],
    outputs: [{ name: "Y", dims: ["n", "o"] }],
    nodes: [node("Gemm", ["X", "W", "B"], ["Y"])],
  });
}

/** DX = DY Wᵀ, DW = Xᵀ DY, DB = Σ_rows DY: the whole backward of a linear layer in one call. */
export function linearBackwardModel(): Uint8Array {
  return encodeModel({
    name: "symtune_linear_grad",
    inputs: [{ name: "X", dims: ["n", "i"] }, { name: "W", dims: ["i", "o"] }, { name: "DY", dims: ["n", "o"] }],
    outputs: [{ name: "DX", dims: ["n", "i"] }, { name: "DW", dims: ["i", "o"] }, { name: "DB", dims: ["o"] }],
    nodes: [
      node("Gemm", ["DY", "W"], ["DX"], { transB: { int: 1 } }),
      node("Gemm", ["X", "DY"], ["DW"], { transA: { int: 1 } }),
      node("ReduceSum", ["DY", "rows"], ["DB"], { keepdims: { int: 0 } }),
    ],
    constants: [int64("rows", [0])],
  });
}
