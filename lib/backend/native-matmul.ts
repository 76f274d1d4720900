/**
 * Matrix products on native code: ONNX Runtime's MLAS kernels (AVX2/AVX-512 sgemm) from the
 * `onnxruntime-node` package, whose CPU binaries ship inside the npm package. Measured here
 * per CPU-second: 146 GFLOP/s at 1024³ against XNNPACK-in-wasm's ~38, and a whole batch of
 * attention products in one call instead of one XNNPACK operator each.
 *
 * The package's native binding runs synchronously, so a tfjs kernel can call it. It refuses
 * arrays on the threaded wasm heap (a SharedArrayBuffer), so operands are copied out and the
 * product copied in: O(n²) against the product's O(n³). Where it can, a run goes through
 * ONNX Runtime's C API instead (./ort-ffi.ts): the binding copies every output into a new
 * buffer after each run, which costs about as much as a small product.
 *
 * Absent package or binary, or SYMTUNE_NATIVE_MATMUL=0: unavailable, and the wasm kernels do
 * the work.
 */
import { createRequire } from "node:module";
import { matmulModel } from "./onnx-graph.ts";
import { ortFfi } from "./ort-ffi.ts";

const require = createRequire(import.meta.url);

interface OrtTensor {
  data: Float32Array;
  dims: readonly number[];
}
type TensorCtor = new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
interface Session {
  loadModel(buffer: ArrayBuffer, offset: number, length: number, options: object): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, null>, options: object): Record<string, OrtTensor>;
}
interface Runtime {
  Tensor: TensorCtor;
  newSession(): Session;
}

let runtime: Runtime | null | undefined;
let unavailableReason: string | undefined;
let threads = 1;
const sessions = new Map<string, Session>();
/** C-API sessions by graph id (and thread count, cleared with `sessions`). */
const ffiSessions = new Map<string, unknown>();

function load(): Runtime | null {
  if (runtime !== undefined) return runtime;
  if (process.env.SYMTUNE_NATIVE_MATMUL === "0") {
    unavailableReason = "turned off by SYMTUNE_NATIVE_MATMUL=0";
    return (runtime = null);
  }
  try {
    const { binding, initOrt } = require("onnxruntime-node/dist/binding.js") as {
      binding: { InferenceSession: new () => Session };
      initOrt(): void;
    };
    const { Tensor } = require("onnxruntime-common") as { Tensor: TensorCtor };
    initOrt();
    runtime = { Tensor, newSession: () => new binding.InferenceSession() };
  } catch (error) {
    unavailableReason = `onnxruntime-node could not load (${String((error as Error).message ?? error).split("\n")[0]})`;
    runtime = null;
  }
  return runtime;
}

/** Whether products go to native code, and why not when they do not. */
export function nativeMatmulStatus(): { available: boolean; threads: number; reason?: string } {
  return load() ? { available: true, threads } : { available: false, threads: 0, reason: unavailableReason };
}

/** Threads for MLAS (set before the first product; later sessions use the new value). */
export function setNativeThreads(n: number): void {
  if (n !== threads) {
    sessions.clear();
    ffiSessions.clear();
  }
  threads = Math.max(1, n);
}

/** For tests and comparisons: force the wasm path (false) or back to auto (true). */
export function enableNativeMatmul(enabled: boolean): void {
  if (!enabled) {
    runtime = null;
    unavailableReason = "turned off";
  } else if (runtime === null) {
    runtime = undefined;
    unavailableReason = undefined;
  }
}

/** The ONNX Runtime session for a graph, built once per id (and per thread count). */
function graphSession(id: string, build: () => Uint8Array): Session {
  let s = sessions.get(id);
  if (!s) {
    s = load()!.newSession();
    const model = build();
    s.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      // A spinning pool thread only fights other processes on a small shared machine.
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    });
    sessions.set(id, s);
  }
  return s;
}

const session = (transposeA: boolean, transposeB: boolean) =>
  graphSession(`matmul${transposeA}${transposeB}`, () => matmulModel(transposeA, transposeB));

/** A float array and its shape, for runGraph. */
export interface NativeTensor {
  data: Float32Array;
  dims: readonly number[];
}

/**
 * Runs a graph (built by `build` the first time `id` is seen) on float inputs, writing each
 * output into the pre-allocated array given for it (e.g. a view of the wasm heap: nothing is
 * copied). Arrays must not live on a SharedArrayBuffer.
 */
export function runGraph(id: string, build: () => Uint8Array, inputs: Record<string, NativeTensor>, outputs: Record<string, NativeTensor>): void {
  const ffi = ortFfi();
  if (ffi) {
    let session = ffiSessions.get(id);
    if (session === undefined) ffiSessions.set(id, (session = ffi.session(build(), threads)));
    ffi.run(session, inputs, outputs);
    return;
  }
  const { Tensor } = load()!;
  const wrap = (ts: Record<string, NativeTensor>) =>
    Object.fromEntries(Object.entries(ts).map(([name, t]) => [name, new Tensor("float32", t.data, t.dims)]));
  graphSession(id, build).run(wrap(inputs), wrap(outputs) as unknown as Record<string, null>, {});
}

/**
 * op(A) @ op(B) with A (ba, ·, ·) and B (bb, ·, ·), ba and bb equal or 1; arrays must not live
 * on a SharedArrayBuffer. The product, (max(ba, bb), M, N) row-major, is written into `out`
 * when given (the binding fills a pre-allocated output in place), else into a new array.
 */
export function nativeProduct(
  a: Float32Array, aShape: [number, number, number],
  b: Float32Array, bShape: [number, number, number],
  transposeA: boolean, transposeB: boolean,
  out?: Float32Array,
): Float32Array {
  const M = transposeA ? aShape[2] : aShape[1];
  const N = transposeB ? bShape[1] : bShape[2];
  const dims = [Math.max(aShape[0], bShape[0]), M, N];
  if (ortFfi()) {
    const y = out ?? new Float32Array(dims[0]! * M * N);
    runGraph(`matmul${transposeA}${transposeB}`, () => matmulModel(transposeA, transposeB), { A: { data: a, dims: aShape }, B: { data: b, dims: bShape } }, { Y: { data: y, dims } });
    return y;
  }
  const { Tensor } = load()!;
  const feeds = { A: new Tensor("float32", a, aShape), B: new Tensor("float32", b, bShape) };
  if (!out) return session(transposeA, transposeB).run(feeds, { Y: null }, {}).Y.data;
  const fetch = new Tensor("float32", out, dims);
  session(transposeA, transposeB).run(feeds, { Y: fetch as unknown as null }, {});
  return out;
}
