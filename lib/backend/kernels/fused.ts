/**
 * The fused training kernels on the wasm backend: each reads its inputs and writes its outputs
 * in place on the wasm heap through one ONNX Runtime call (graphs in ../fused-graphs.ts).
 * Available only where native products are (onnxruntime-node loaded, plain heap); lib/model/ops.ts
 * falls back to tfjs ops elsewhere, and tests check the two agree.
 *
 *   SymtuneAttention      qkv (B, T, 3C), mask (B|1, 1, T, T); attr heads → [y (B, T, C), p (B, H, T, T)]
 *   SymtuneAttentionGrad  qkv, p, dy (B, T, C); attr heads                → dqkv (B, T, 3C)
 *   SymtuneBiasGelu       h (N, F), b (F)                                 → gelu(h + b) (N, F)
 *   SymtuneBiasGeluGrad   h, b, dy (N, F)                                 → [dh (N, F), db (F)]
 *   SymtuneLayerNormNative    x (N, C), gain, bias (C); attr eps          → [y (N, C), mean, rstd (N, 1)]
 *   SymtuneLayerNormNativeGrad x, gain, mean, rstd, dy                    → [dx (N, C), dgain, dbias (C)]
 *   SymtuneLinear         x (N, I), w (I, O), b (O)                       → y (N, O)
 *   SymtuneLinearGrad     x, w, dy (N, O)                                 → [dx (N, I), dw (I, O), db (O)]
 *
 * The bias+GELU gradient and LayerNorm run as single SIMD loops (../simd/) when the row width
 * is a multiple of 4 and the module can run; the ONNX graphs otherwise (SYMTUNE_SIMD=0 forces
 * them). The GELU forward stays on ONNX's own Gelu node, faster than the loop.
 */
import * as tf from "@tensorflow/tfjs";
import {
  attentionBackwardModel,
  attentionForwardModel,
  biasGeluBackwardModel,
  biasGeluForwardModel,
  layerNormBackwardModel,
  layerNormForwardModel,
  linearBackwardModel,
  linearForwardModel,
} from "../fused-graphs.ts";
import { type NativeTensor, nativeMatmulStatus, runGraph } from "../native-matmul.ts";
import { simdKernels } from "../simd/module.ts";
import { type WasmBackend, f32, heapBuffer, offsetOf } from "./wasm-access.ts";

export const ATTENTION_KERNEL = "SymtuneAttention";
export const ATTENTION_GRAD_KERNEL = "SymtuneAttentionGrad";
export const BIAS_GELU_KERNEL = "SymtuneBiasGelu";
export const BIAS_GELU_GRAD_KERNEL = "SymtuneBiasGeluGrad";
export const LAYER_NORM_NATIVE_KERNEL = "SymtuneLayerNormNative";
export const LAYER_NORM_NATIVE_GRAD_KERNEL = "SymtuneLayerNormNativeGrad";
export const LINEAR_KERNEL = "SymtuneLinear";
export const LINEAR_GRAD_KERNEL = "SymtuneLinearGrad";

type Args = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** Runs a graph with the kernel's inputs and freshly made outputs (views taken after every allocation). */
function run(
  backend: WasmBackend, id: string, build: () => Uint8Array,
  inputs: Record<string, tf.TensorInfo>, outputs: Record<string, tf.TensorInfo>,
): void {
  const view = (ts: Record<string, tf.TensorInfo>) =>
    Object.fromEntries(Object.entries(ts).map(([name, t]): [string, NativeTensor] => [name, { data: f32(backend, t), dims: t.shape }]));
  runGraph(id, build, view(inputs), view(outputs));
}

function attention({ inputs, backend, attrs }: Args): tf.TensorInfo[] {
  const { qkv, mask } = inputs as { qkv: tf.TensorInfo; mask: tf.TensorInfo };
  const heads = attrs!.heads as number;
  const [B, T, C3] = qkv.shape;
  const D = C3 / 3 / heads;
  const b = backend as WasmBackend;
  const y = b.makeOutput([B, T, C3 / 3], "float32");
  const p = b.makeOutput([B, heads, T, T], "float32");
  run(b, `attention${heads}x${D}`, () => attentionForwardModel(heads, D), { QKV: qkv, M: mask }, { Y: y, P: p });
  return [y, p];
}

function attentionGrad({ inputs, backend, attrs }: Args): tf.TensorInfo {
  const { qkv, p, dy } = inputs as { qkv: tf.TensorInfo; p: tf.TensorInfo; dy: tf.TensorInfo };
  const heads = attrs!.heads as number;
  const D = qkv.shape[2] / 3 / heads;
  const b = backend as WasmBackend;
  const dqkv = b.makeOutput(qkv.shape, "float32");
  run(b, `attentionGrad${heads}x${D}`, () => attentionBackwardModel(heads, D), { QKV: qkv, P: p, DY: dy }, { DQKV: dqkv });
  return dqkv;
}

/** The SIMD module when it can run rows of width `cols`, else null. */
function simdFor(backend: WasmBackend, cols: number) {
  return cols % 4 === 0 ? simdKernels(backend) : null;
}

function biasGelu({ inputs, backend }: Args): tf.TensorInfo {
  const { h, b: bias } = inputs as { h: tf.TensorInfo; b: tf.TensorInfo };
  const b = backend as WasmBackend;
  const y = b.makeOutput(h.shape, "float32");
  // ONNX's one-node Gelu (AVX-512, 16 lanes) is ~3× faster than a 4-lane wasm loop here.
  run(b, "biasGelu", biasGeluForwardModel, { H: h, B: bias }, { Y: y });
  return y;
}

function biasGeluGrad({ inputs, backend }: Args): tf.TensorInfo[] {
  const { h, b: bias, dy } = inputs as { h: tf.TensorInfo; b: tf.TensorInfo; dy: tf.TensorInfo };
  const b = backend as WasmBackend;
  const dh = b.makeOutput(h.shape, "float32");
  const db = b.makeOutput(bias.shape, "float32");
  const [N, F] = h.shape;
  const simd = simdFor(b, F);
  const at = (t: tf.TensorInfo) => offsetOf(b, t);
  if (simd) simd.gelu_bwd(at(h), at(bias), at(dy), at(dh), at(db), N, F);
  else run(b, "biasGeluGrad", biasGeluBackwardModel, { H: h, B: bias, DY: dy }, { DH: dh, DB: db });
  return [dh, db];
}

function layerNorm({ inputs, backend, attrs }: Args): tf.TensorInfo[] {
  const { x, gain, bias } = inputs as { x: tf.TensorInfo; gain: tf.TensorInfo; bias: tf.TensorInfo };
  const eps = attrs!.eps as number;
  const b = backend as WasmBackend;
  const y = b.makeOutput(x.shape, "float32");
  const mean = b.makeOutput([x.shape[0], 1], "float32");
  const rstd = b.makeOutput([x.shape[0], 1], "float32");
  const [N, C] = x.shape;
  const simd = simdFor(b, C);
  const at = (t: tf.TensorInfo) => offsetOf(b, t);
  if (simd) simd.layer_norm_fwd(at(x), at(gain), at(bias), at(y), at(mean), at(rstd), N, C, eps);
  else run(b, `layerNorm${eps}`, () => layerNormForwardModel(eps), { X: x, G: gain, B: bias }, { Y: y, MEAN: mean, RSTD: rstd });
  return [y, mean, rstd];
}

function layerNormGrad({ inputs, backend }: Args): tf.TensorInfo[] {
  const { x, gain, mean, rstd, dy } = inputs as Record<string, tf.TensorInfo>;
  const b = backend as WasmBackend;
  const dx = b.makeOutput(x.shape, "float32");
  const dgain = b.makeOutput(gain.shape, "float32");
  const dbias = b.makeOutput(gain.shape, "float32");
  const [N, C] = x.shape;
  const simd = simdFor(b, C);
  const at = (t: tf.TensorInfo) => offsetOf(b, t);
  if (simd) simd.layer_norm_bwd(at(x), at(gain), at(mean), at(rstd), at(dy), at(dx), at(dgain), at(dbias), N, C);
  else run(b, "layerNormGrad", layerNormBackwardModel, { X: x, G: gain, MEAN: mean, RSTD: rstd, DY: dy }, { DX: dx, DG: dgain, DB: dbias });
  return [dx, dgain, dbias];
}

function linear({ inputs, backend }: Args): tf.TensorInfo {
  const { x, w, b: bias } = inputs as Record<string, tf.TensorInfo>;
  const b = backend as WasmBackend;
  const y = b.makeOutput([x.shape[0], w.shape[1]], "float32");
  run(b, "linear", linearForwardModel, { X: x, W: w, B: bias }, { Y: y });
  return y;
}

function linearGrad({ inputs, backend }: Args): tf.TensorInfo[] {
  const { x, w, dy } = inputs as Record<string, tf.TensorInfo>;
  const b = backend as WasmBackend;
  const dx = b.makeOutput(x.shape, "float32");
  const dw = b.makeOutput(w.shape, "float32");
  const db = b.makeOutput([w.shape[1]], "float32");
  run(b, "linearGrad", linearBackwardModel, { X: x, W: w, DY: dy }, { DX: dx, DW: dw, DB: db });
  return [dx, dw, db];
}

/**
 * Whether the fused kernels can run now: wasm active, native runtime loaded, and a heap the
 * native binding accepts (the threaded build's SharedArrayBuffer it refuses).
 */
export function fusedKernelsAvailable(): boolean {
  if (tf.getBackend() !== "wasm" || !tf.getKernel(ATTENTION_KERNEL, "wasm") || !nativeMatmulStatus().available) return false;
  return !(heapBuffer(tf.backend() as WasmBackend) instanceof SharedArrayBuffer);
}

export function registerFusedKernels(): void {
  const kernels: [string, (a: Args) => tf.TensorInfo | tf.TensorInfo[]][] = [
    [ATTENTION_KERNEL, attention],
    [ATTENTION_GRAD_KERNEL, attentionGrad],
    [BIAS_GELU_KERNEL, biasGelu],
    [BIAS_GELU_GRAD_KERNEL, biasGeluGrad],
    [LAYER_NORM_NATIVE_KERNEL, layerNorm],
    [LAYER_NORM_NATIVE_GRAD_KERNEL, layerNormGrad],
    [LINEAR_KERNEL, linear],
    [LINEAR_GRAD_KERNEL, linearGrad],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, "wasm")) tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
