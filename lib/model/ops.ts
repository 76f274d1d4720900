/**
 * The few tensor functions the GPT is made of, kept apart from the model so that a faster
 * formulation (fewer intermediates, a fused kernel) replaces one definition here.
 * Shapes are written next to the tensors: B batch, T positions, C channels, H heads.
 */
import * as tf from "@tensorflow/tfjs";
import {
  ATTENTION_GRAD_KERNEL,
  ATTENTION_KERNEL,
  BIAS_GELU_GRAD_KERNEL,
  BIAS_GELU_KERNEL,
  LAYER_NORM_NATIVE_GRAD_KERNEL,
  LAYER_NORM_NATIVE_KERNEL,
  LINEAR_GRAD_KERNEL,
  LINEAR_KERNEL,
  fusedKernelsAvailable,
} from "../backend/kernels/fused.ts";
import { GELU_KERNEL } from "../backend/kernels/gelu.ts";
import { LAYER_NORM_KERNEL } from "../backend/kernels/layer-norm.ts";
import { XENT_KERNEL, xentAvailable } from "../backend/kernels/xent.ts";

/**
 * LayerNorm over the last axis, eps 1e-5 as in PyTorch. x: (N, C) → (N, C).
 * Its gradient is written out (the textbook form) instead of taped op by op: about half the
 * kernels and saved activations of the automatic version.
 */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D): tf.Tensor2D {
  if (!recordingGradients()) {
    // Inference (generation): tf.customGrad's bookkeeping would cost more than the kernel.
    const [value, normed, rstd] = layerNormForward(x, gain, bias);
    tf.dispose([normed, rstd]);
    return value as tf.Tensor2D;
  }
  if (useFused()) return nativeLayerNormOp(x, gain, bias) as tf.Tensor2D;
  return layerNormOp(x, gain, bias) as tf.Tensor2D;
}

/** Training LayerNorm as one native call each way (saves x, mean, 1/σ instead of x̂). */
const nativeLayerNormOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, gain, bias] = args as tf.Tensor[];
  const [value, mean, rstd] = tf.engine().runKernel(LAYER_NORM_NATIVE_KERNEL, { x, gain, bias }, { eps: 1e-5 }) as tf.Tensor[];
  (args[3] as tf.GradSaveFunc)([x, gain, mean, rstd]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, [xs, g, m, r]: tf.Tensor[]) =>
      tf.engine().runKernel(LAYER_NORM_NATIVE_GRAD_KERNEL, { x: xs, gain: g, mean: m, rstd: r, dy }) as tf.Tensor[],
  };
});

/** True inside tf.grads / tf.variableGrads (tfjs keeps an active tape there). */
function recordingGradients(): boolean {
  return (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape != null;
}

/** y, x̂ and 1/σ: one kernel on wasm (lib/backend/kernels/layer-norm.ts), tfjs ops elsewhere. */
function layerNormForward(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor[] {
  if (tf.getBackend() === "wasm" && tf.getKernel(LAYER_NORM_KERNEL, "wasm")) {
    return tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gain, bias }, { eps: 1e-5 }) as tf.Tensor[];
  }
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), 1e-5));
  const normed = tf.mul(centred, rstd);
  return [tf.add(tf.mul(normed, gain), bias), normed, rstd];
}

const layerNormOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, gain, bias] = args as tf.Tensor[];
  const save = args[3] as tf.GradSaveFunc;
  const [value, normed, rstd] = layerNormForward(x, gain, bias); // (N, C), (N, C), (N, 1)
  save([normed, rstd, gain]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xhat, r, g] = saved;
      const dxhat = tf.mul(dy, g);
      const meanD = tf.mean(dxhat, -1, true);
      const meanDX = tf.mean(tf.mul(dxhat, xhat), -1, true);
      const dx = tf.mul(tf.sub(tf.sub(dxhat, meanD), tf.mul(xhat, meanDX)), r);
      return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
    },
  };
});

const GELU_K = Math.sqrt(2 / Math.PI);
/** Up to this many elements, inference uses the one-kernel GELU (lib/backend/kernels/gelu.ts). */
const SMALL_GELU = 65536;

/**
 * tanh-approximated GELU (GPT-2's): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), computed as
 * x·σ(2·√(2/π)·(x + 0.044715·x³)) — the same function, since 0.5·(1 + tanh(z)) = σ(2z) —
 * because tfjs's wasm Sigmoid is ~20× faster than its Tanh, and x·x·x ~5× faster than pow.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (x.size <= SMALL_GELU && !recordingGradients() && tf.getBackend() === "wasm" && tf.getKernel(GELU_KERNEL, "wasm")) {
    return tf.engine().runKernel(GELU_KERNEL, { x }) as tf.Tensor;
  }
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const z = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), 2 * GELU_K);
    return tf.mul(x, tf.sigmoid(z));
  });
}

let fusedEnabled = process.env.SYMTUNE_FUSED !== "0";

/** For tests and comparisons: turn the fused native kernels off (false) or back to auto (true). */
export function enableFusedKernels(enabled: boolean): void {
  fusedEnabled = enabled;
}

const useFused = () => fusedEnabled && fusedKernelsAvailable();

/** gelu(h + b) for h (N, F), b (F): one native call each way when fused kernels are available. */
export function biasGelu(h: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (!useFused()) return gelu(tf.add(h, b)) as tf.Tensor2D;
  return biasGeluOp(h, b) as tf.Tensor2D;
}

const biasGeluOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [h, b] = args as tf.Tensor[];
  (args[2] as tf.GradSaveFunc)([h, b]);
  return {
    value: tf.engine().runKernel(BIAS_GELU_KERNEL, { h, b }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [hs, bs]: tf.Tensor[]) => tf.engine().runKernel(BIAS_GELU_GRAD_KERNEL, { h: hs, b: bs, dy }) as tf.Tensor[],
  };
});

/**
 * Causal self-attention from the fused projection qkv (B, T, 3C) = [q | k | v] to the merged
 * heads (B, T, C). mask (B or 1, 1, T, T) is additive (0 allowed, large negative not): the
 * causal mask, or a block-diagonal one for packed rows. On wasm with native kernels the whole
 * of it — head split, scores, mask, softmax, ·V, merge — is one call forward and one backward.
 */
export function selfAttention(qkv: tf.Tensor3D, mask: tf.Tensor4D, heads: number): tf.Tensor3D {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  if (useFused()) {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const x = args[0] as tf.Tensor;
      const [y, p] = tf.engine().runKernel(ATTENTION_KERNEL, { qkv: x, mask }, { heads }) as tf.Tensor[];
      (args[1] as tf.GradSaveFunc)([x, p]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, [xs, ps]: tf.Tensor[]) => [tf.engine().runKernel(ATTENTION_GRAD_KERNEL, { qkv: xs, p: ps, dy }, { heads }) as tf.Tensor],
      };
    });
    return op(qkv) as tf.Tensor3D;
  }
  return tf.tidy(() => {
    const split = (m: tf.Tensor) => tf.transpose(tf.reshape(m, [B, T, heads, C / heads]), [0, 2, 1, 3]) as tf.Tensor4D;
    const [q, k, v] = tf.split(qkv, 3, 2);
    const y = attention(split(q), split(k), split(v), mask); // (B, H, T, D)
    return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, C]) as tf.Tensor3D;
  });
}

/**
 * x (N, in) @ w (in, out) + b (out) → (N, out). In training with native kernels: one call
 * forward (bias added as the product is written) and one backward (dx, dw and db together).
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (recordingGradients() && useFused()) return linearOp(x, w, b) as tf.Tensor2D;
  return tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
}

const linearOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b] = args as tf.Tensor[];
  (args[3] as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.engine().runKernel(LINEAR_KERNEL, { x, w, b }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => tf.engine().runKernel(LINEAR_GRAD_KERNEL, { x: xs, w: ws, dy }) as tf.Tensor[],
  };
});

/**
 * Scaled dot-product attention with an additive mask.
 * q: (B, H, Tq, D), k and v: (B, H, Tk, D), mask: (Tq, Tk) or (B|1, 1, Tq, Tk) with 0 where
 * allowed and a large negative number where not, or null when every position is allowed.
 * Returns (B, H, Tq, D).
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor | null): tf.Tensor4D {
  return tf.tidy(() => {
    // Scaling q (…, Tq, D) costs D/Tk of scaling the scores (…, Tq, Tk).
    const raw = tf.matMul(tf.mul(q, 1 / Math.sqrt(q.shape[3])), k, false, true); // (B, H, Tq, Tk)
    const scores = mask ? tf.add(raw, mask) : raw;
    return tf.matMul(tf.softmax(scores), v) as tf.Tensor4D;
  });
}

/**
 * Mean cross-entropy of logits (N, V) against integer targets (N), over the positions where
 * mask (N) is 1 (all positions when no mask). A fully masked batch gives 0, not NaN.
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask?: tf.Tensor1D): tf.Scalar {
  if (recordingGradients() && fusedEnabled && xentAvailable()) return fusedCrossEntropy(logits, targets, mask);
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits); // (N, V)
    const nll = tf.neg(tf.sum(tf.mul(logProbs, tf.oneHot(targets, logits.shape[1])), -1)); // (N)
    if (!mask) return tf.mean(nll) as tf.Scalar;
    const m = tf.cast(mask, "float32");
    return tf.div(tf.sum(tf.mul(nll, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/**
 * Training cross-entropy as one kernel (lib/backend/kernels/xent.ts): the loss and its gradient
 * come out of the same pass, so the backward is only the scale by the upstream gradient.
 */
function fusedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask?: tf.Tensor1D): tf.Scalar {
  const inputs: tf.NamedTensorMap = mask ? { targets, mask } : { targets };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [loss, dlogits] = tf.engine().runKernel(XENT_KERNEL, { logits: args[0] as tf.Tensor, ...inputs }) as tf.Tensor[];
    (args[1] as tf.GradSaveFunc)([dlogits!]);
    return { value: loss!, gradFunc: (dy: tf.Tensor, [d]: tf.Tensor[]) => tf.mul(d!, dy) };
  });
  return op(logits) as tf.Scalar;
}
