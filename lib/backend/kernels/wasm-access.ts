/**
 * What our JavaScript kernels need from tfjs's wasm backend: tensor memory on the heap, new
 * outputs, and tfjs's own kernels as building blocks. tfjs does not export these types, so
 * the shapes we rely on are declared here once.
 */
import * as tf from "@tensorflow/tfjs";

export interface WasmModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  HEAPU8: Uint8Array;
  wasmMemory?: WebAssembly.Memory;
  /** The module's exports; `memory` is the heap of the single-threaded build. */
  asm?: { memory?: WebAssembly.Memory };
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

export interface WasmBackend extends tf.KernelBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The heap's current buffer (it is replaced when the heap grows: never cache views). */
export function heapBuffer(backend: WasmBackend): ArrayBufferLike {
  return backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer;
}

export function offsetOf(backend: WasmBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

export function f32(backend: WasmBackend, t: tf.TensorInfo): Float32Array {
  return new Float32Array(heapBuffer(backend), offsetOf(backend, t), tf.util.sizeFromShape(t.shape));
}

export function i32(backend: WasmBackend, t: tf.TensorInfo): Int32Array {
  return new Int32Array(heapBuffer(backend), offsetOf(backend, t), tf.util.sizeFromShape(t.shape));
}

/** The C-side id tfjs's wasm kernels take for a tensor. */
export function wasmId(backend: WasmBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

/**
 * Registers a C-side tensor that is a window into existing heap memory (no copy) and returns
 * its id; release it with `releaseView` (which frees nothing, only the id and any operator
 * the C side cached for it).
 */
export function registerView(backend: WasmBackend, offset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, offset);
  return id;
}

export function releaseView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

type KernelFn = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[];

/** tfjs's wasm kernel by name, as registered before we replace any (kept for delegation). */
const originals = new Map<string, KernelFn>();

export function originalWasmKernel(name: string): KernelFn {
  let fn = originals.get(name);
  if (!fn) {
    const config = tf.getKernel(name, "wasm");
    if (!config) throw new Error(`tfjs's wasm backend has no ${name} kernel`);
    fn = config.kernelFunc as unknown as KernelFn;
    originals.set(name, fn);
  }
  return fn;
}

/**
 * Replaces (or adds) a wasm kernel, remembering tfjs's version first. tfjs's setup function is
 * kept: other tfjs kernels call the replaced kernel's module-level code (Sum calls Transpose's),
 * which its setup initialises.
 */
export function replaceWasmKernel(config: tf.KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, "wasm");
  if (existing?.kernelFunc === config.kernelFunc) return;
  let setupFunc = config.setupFunc;
  if (existing) {
    originalWasmKernel(config.kernelName);
    const theirs = existing.setupFunc;
    const ours = config.setupFunc;
    if (theirs) {
      setupFunc = (backend) => {
        theirs(backend);
        ours?.(backend);
      };
    }
    tf.unregisterKernel(config.kernelName, "wasm");
  }
  tf.registerKernel({ ...config, setupFunc });
}
