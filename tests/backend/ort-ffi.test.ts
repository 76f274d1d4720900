/**
 * ONNX Runtime's C API through koffi (lib/backend/ort-ffi.ts): loads from onnxruntime-node's own
 * library, writes results into the caller's arrays, gives the binding's numbers bit for bit,
 * and turns a runtime error into one Error (the process carries on).
 */
import { describe, expect, it } from "vitest";
import { linearForwardModel } from "../../lib/backend/fused-graphs.ts";
import { enableNativeMatmul, runGraph } from "../../lib/backend/native-matmul.ts";
import { enableOrtFfi, ortFfi, ortFfiUnavailable } from "../../lib/backend/ort-ffi.ts";

const random = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 0.5);

describe("ONNX Runtime through its C API", () => {
  it("loads from onnxruntime-node's library", () => {
    enableNativeMatmul(true);
    expect(ortFfiUnavailable()).toBeUndefined();
    expect(ortFfi()).not.toBeNull();
  });

  it("writes a graph's output into the caller's array, equal to the binding's result bit for bit", () => {
    const [N, I, O] = [37, 16, 24];
    const inputs = { X: { data: random(N * I, 1), dims: [N, I] }, W: { data: random(I * O, 2), dims: [I, O] }, B: { data: random(O, 3), dims: [O] } };
    // Both outputs are windows of one buffer, as tensors on the wasm heap are.
    const heap = new ArrayBuffer(2 * N * O * 4);
    const viaFfi = new Float32Array(heap, 0, N * O);
    const viaBinding = new Float32Array(heap, N * O * 4, N * O);
    runGraph("test-linear", linearForwardModel, inputs, { Y: { data: viaFfi, dims: [N, O] } });
    enableOrtFfi(false);
    try {
      runGraph("test-linear", linearForwardModel, inputs, { Y: { data: viaBinding, dims: [N, O] } });
    } finally {
      enableOrtFfi(true);
    }
    let expected = 0;
    for (let i = 0; i < I; i++) expected += inputs.X.data[i]! * inputs.W.data[i * O]!;
    expect(viaFfi[0]).toBeCloseTo(expected + inputs.B.data[0]!, 5);
    expect(Buffer.from(viaFfi.buffer, 0, N * O * 4).equals(Buffer.from(viaBinding.buffer, N * O * 4, N * O * 4))).toBe(true);
  });

  it("reports a runtime error as one Error naming ONNX Runtime, and keeps working", () => {
    const bad = { X: { data: random(5 * 3, 1), dims: [5, 3] }, W: { data: random(4 * 2, 2), dims: [4, 2] }, B: { data: random(2, 3), dims: [2] } };
    expect(() => runGraph("test-linear", linearForwardModel, bad, { Y: { data: new Float32Array(10), dims: [5, 2] } })).toThrow(/ONNX Runtime Run: /);
    const ok = { X: { data: random(5 * 4, 1), dims: [5, 4] }, W: bad.W, B: bad.B };
    const y = new Float32Array(10);
    runGraph("test-linear", linearForwardModel, ok, { Y: { data: y, dims: [5, 2] } });
    expect(y.some((v) => v !== 0)).toBe(true);
  });
});
