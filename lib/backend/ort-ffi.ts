/**
 * ONNX Runtime's C API called directly (through the `koffi` FFI package), for running our
 * graphs in place on the wasm heap.
 *
 * Why not the `onnxruntime-node` binding: after every run it allocates a new ArrayBuffer for
 * each output and copies the output into it — even an output we preallocated on the heap — and
 * those buffers, as external memory, make V8 collect its whole heap about three times per
 * training step. Measured here: ~0.45 ms per MB of output, 39–59 ms of GC per config-A step.
 * Through the C API the graph writes into our memory and nothing else is allocated.
 *
 * The library is the one the binding ships and has loaded (same file, same process). Function
 * indices are positions in the `OrtApi` struct (onnxruntime_c_api.h), which only ever grows at
 * its end; API version 16 is asked for, which every runtime since 1.16 serves.
 * Unavailable (the binding is used) when koffi or the library cannot load, or SYMTUNE_ORT_FFI=0.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** A float array and its shape. */
export interface FfiTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface OrtFfi {
  /** A session for an ONNX model, with `threads` intra-op threads and no spinning. */
  session(model: Uint8Array, threads: number): unknown;
  /** Runs a session reading `inputs` and writing `outputs` where they lie (arrays must not be on a SharedArrayBuffer). */
  run(session: unknown, inputs: Record<string, FfiTensor>, outputs: Record<string, FfiTensor>): void;
}

type Fn = (...args: unknown[]) => unknown;
interface Koffi {
  load(path: string): { func(def: string): Fn };
  proto(def: string): unknown;
  decode(ptr: unknown, type: unknown, len?: number): unknown;
  call(ptr: unknown, type: unknown, ...args: unknown[]): unknown;
}

const ORT_FLOAT = 1;
const ORT_ENABLE_ALL = 99;
const ORT_SEQUENTIAL = 0;
const ORT_LOGGING_WARNING = 2;

let loaded: OrtFfi | null | undefined;
let reason: string | undefined;
let enabled = true;

/** For tests and comparisons: run graphs through the binding (false) or the C API when it loads (true). */
export function enableOrtFfi(on: boolean): void {
  enabled = on;
}

/** The C API, or null (with `ortFfiUnavailable()` saying why). */
export function ortFfi(): OrtFfi | null {
  if (!enabled) return null;
  if (loaded !== undefined) return loaded;
  if (process.env.SYMTUNE_ORT_FFI === "0") {
    reason = "turned off by SYMTUNE_ORT_FFI=0";
    return (loaded = null);
  }
  try {
    loaded = bind();
  } catch (error) {
    reason = String((error as Error).message ?? error).split("\n")[0];
    loaded = null;
  }
  return loaded;
}

export function ortFfiUnavailable(): string | undefined {
  return reason;
}

function libraryPath(): string {
  const dir = join(dirname(require.resolve("onnxruntime-node/package.json")), "bin", "napi-v6", process.platform, process.arch);
  const file = { linux: "libonnxruntime.so.1", darwin: "libonnxruntime.1.dylib", win32: "onnxruntime.dll" }[process.platform as string];
  const path = file && join(dir, file);
  if (!path || !existsSync(path)) throw new Error(`no ONNX Runtime library for ${process.platform}/${process.arch} in onnxruntime-node`);
  return path;
}

function bind(): OrtFfi {
  const koffi = require("koffi") as Koffi;
  const lib = koffi.load(libraryPath());
  const base = lib.func("void *OrtGetApiBase()")();
  const [getApi] = koffi.decode(base, "void *", 2) as unknown[];
  const api = koffi.call(getApi, koffi.proto("void *OrtGetApi(uint32_t version)"), 16);
  if (!api) throw new Error("ONNX Runtime does not serve C API version 16");
  const table = koffi.decode(api, "void *", 131) as unknown[];
  let count = 0;
  /** The API function at `index`, typed by `signature` ("result (params)"). */
  const fn = (index: number, signature: string): Fn => koffi.decode(table[index], koffi.proto(signature.replace("(", ` OrtFn${count++}(`))) as Fn;
  const getErrorMessage = fn(2, "const char *(void *status)");
  const createEnv = fn(3, "void *(int level, const char *id, _Out_ void **out)");
  const createSessionFromArray = fn(8, "void *(void *env, const void *data, size_t len, void *options, _Out_ void **out)");
  const runSession = fn(9, "void *(void *session, void *runOptions, const char **inputNames, void **inputs, size_t inputCount, const char **outputNames, size_t outputCount, void **outputs)");
  const createSessionOptions = fn(10, "void *(_Out_ void **out)");
  const setExecutionMode = fn(13, "void *(void *options, int mode)");
  const setOptimizationLevel = fn(23, "void *(void *options, int level)");
  const setIntraOpThreads = fn(24, "void *(void *options, int threads)");
  const setInterOpThreads = fn(25, "void *(void *options, int threads)");
  const createTensor = fn(49, "void *(void *info, void *data, size_t bytes, const int64_t *shape, size_t rank, int type, _Out_ void **out)");
  const createCpuMemoryInfo = fn(69, "void *(int allocator, int memType, _Out_ void **out)");
  const releaseStatus = fn(93, "void (void *status)");
  const releaseValue = fn(96, "void (void *value)");
  const releaseSessionOptions = fn(100, "void (void *options)");
  const addConfigEntry = fn(130, "void *(void *options, const char *key, const char *value)");

  const check = (status: unknown, what: string) => {
    if (!status) return;
    const message = getErrorMessage(status);
    releaseStatus(status);
    throw new Error(`ONNX Runtime ${what}: ${message}`);
  };
  const out: unknown[] = [null];
  const make = (what: string, call: (o: unknown[]) => unknown): unknown => {
    check(call(out), what);
    return out[0];
  };
  const env = make("CreateEnv", (o) => createEnv(ORT_LOGGING_WARNING, "symtune", o));
  const cpu = make("CreateCpuMemoryInfo", (o) => createCpuMemoryInfo(0, 0, o));
  const tensor = (t: FfiTensor) => make("CreateTensorWithDataAsOrtValue", (o) => createTensor(cpu, t.data, t.data.byteLength, t.dims, t.dims.length, ORT_FLOAT, o));

  return {
    session(model, threads) {
      const options = make("CreateSessionOptions", (o) => createSessionOptions(o));
      try {
        check(setIntraOpThreads(options, threads), "SetIntraOpNumThreads");
        check(setInterOpThreads(options, 1), "SetInterOpNumThreads");
        check(setExecutionMode(options, ORT_SEQUENTIAL), "SetSessionExecutionMode");
        check(setOptimizationLevel(options, ORT_ENABLE_ALL), "SetSessionGraphOptimizationLevel");
        // A spinning pool thread only fights other processes on a small shared machine.
        check(addConfigEntry(options, "session.intra_op.allow_spinning", "0"), "AddSessionConfigEntry");
        return make("CreateSessionFromArray", (o) => createSessionFromArray(env, model, model.byteLength, options, o));
      } finally {
        releaseSessionOptions(options);
      }
    },
    run(session, inputs, outputs) {
      const inputNames = Object.keys(inputs);
      const outputNames = Object.keys(outputs);
      const values: unknown[] = [];
      try {
        for (const name of inputNames) values.push(tensor(inputs[name]!));
        for (const name of outputNames) values.push(tensor(outputs[name]!));
        const ins = values.slice(0, inputNames.length);
        const outs = values.slice(inputNames.length);
        check(runSession(session, null, inputNames, ins, ins.length, outputNames, outs.length, outs), "Run");
      } finally {
        for (const v of values) releaseValue(v);
      }
    },
  };
}
