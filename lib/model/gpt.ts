/**
 * A nanoGPT-class decoder: token + learned position embeddings, pre-LayerNorm blocks with
 * causal multi-head self-attention and a 4× tanh-GELU MLP, a final LayerNorm and an output
 * head tied to the token embedding. Init normal(0, 0.02); the two residual projections of each
 * block scaled by 1/√(2·nLayer). Weights are `tf.Variable`s with stable names (safetensors keys).
 */
import * as tf from "@tensorflow/tfjs";
import { registerWasmKernels } from "../backend/kernels/index.ts";
import { modelView } from "../display/reprs.ts";
import { displaySymbol, type MimeBundle } from "../display/protocol.ts";
import { UsageError } from "../errors.ts";
import { type GPTConfig, presets, validateConfig } from "./config.ts";
import { attention, biasGelu, crossEntropy, layerNorm, linear, selfAttention } from "./ops.ts";
import { packedLayout } from "./packing.ts";

export type { GPTConfig } from "./config.ts";
export { presets, gptConfig, countParams } from "./config.ts";

/** Keys and values of every layer for the positions generated so far. */
export interface KVCache {
  readonly batch: number;
  /** Positions already in the cache. */
  length: number;
  /** Per layer: (B, H, length, headDim) each; null before the first step. `lastKey`: the newest raw key (B, 1, C), for smeared keys. */
  layers: { k: tf.Tensor4D; v: tf.Tensor4D; lastKey?: tf.Tensor3D }[] | null;
  dispose(): void;
}

const NEG_INF = -1e9;

// Even when a model is used before initBackend, wasm must be able to train it (tf.gather's
// gradient) without the scalar matmul loop.
registerWasmKernels();

export class GPT {
  readonly variables: Record<string, tf.Variable>;
  /** (blockSize, blockSize): 0 on and below the diagonal, -1e9 above. */
  private readonly causalMask: tf.Tensor2D;

  constructor(readonly config: GPTConfig, variables: Record<string, tf.Variable>) {
    this.variables = variables;
    const T = config.blockSize;
    this.causalMask = tf.tidy(() => {
      const allowed = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
      return tf.mul(tf.sub(1, allowed), NEG_INF) as tf.Tensor2D;
    });
  }

  paramCount(): number {
    return Object.values(this.variables).reduce((n, v) => n + v.size, 0);
  }

  /** The preset this model's shape comes from (the vocabulary may differ), if any. */
  get preset(): string | undefined {
    const { blockSize, nLayer, nHead, nEmbd } = this.config;
    return Object.entries(presets).find(([, p]) => p.blockSize === blockSize && p.nLayer === nLayer && p.nHead === nHead && p.nEmbd === nEmbd)?.[0];
  }

  /** In a notebook: preset, parameter count and a table of the weights (not tfjs internals). */
  [displaySymbol](): MimeBundle {
    const { smearKeys: _smear, ...shape } = this.config;
    return modelView(shape, this.variables, this.preset);
  }

  /**
   * idx (B, T) int32 → logits (B, T, V). With `segments` (B, T) int32, each row is a packed
   * run of examples: positions with the same segment id form one example, which attends only
   * to itself (block-diagonal causal mask) and whose position ids start at 0.
   */
  logits(idx: tf.Tensor2D, segments?: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    this.checkLength(T, 0);
    if (segments && (segments.shape[0] !== B || segments.shape[1] !== T)) {
      throw new UsageError(`segments have shape [${segments.shape}] but inputs have [${idx.shape}]; they must match`);
    }
    return tf.tidy(() => {
      const layout = segments ? packedLayout(segments) : null;
      const mask = layout?.mask ?? (tf.reshape(tf.slice(this.causalMask, [0, 0], [T, T]), [1, 1, T, T]) as tf.Tensor4D);
      const C = this.config.nEmbd;
      const x = this.trunk(idx, 0, (layer, qkv) => {
        const y = selfAttention(tf.reshape(qkv, [B, T, 3 * C]) as tf.Tensor3D, mask, this.config.nHead); // (B, T, C)
        return tf.reshape(y, [B * T, C]) as tf.Tensor2D;
      }, layout?.positions);
      return tf.reshape(this.head(x), [B, T, this.config.vocabSize]) as tf.Tensor3D;
    });
  }

  /**
   * Mean cross-entropy of next-token prediction. targets (B, T) int32; mask (B, T) with 1
   * where the loss counts (e.g. completion tokens) and 0 elsewhere; segments as in `logits`.
   */
  loss(idx: tf.Tensor2D, targets: tf.Tensor2D, mask?: tf.Tensor2D, segments?: tf.Tensor2D): tf.Scalar {
    if (targets.shape[0] !== idx.shape[0] || targets.shape[1] !== idx.shape[1]) {
      throw new UsageError(`targets have shape [${targets.shape}] but inputs have [${idx.shape}]; they must match`);
    }
    if (mask && (mask.shape[0] !== idx.shape[0] || mask.shape[1] !== idx.shape[1])) {
      throw new UsageError(`loss mask has shape [${mask.shape}] but inputs have [${idx.shape}]; they must match`);
    }
    return tf.tidy(() => {
      const [B, T] = idx.shape;
      const N = B * T;
      const logits = tf.reshape(this.logits(idx, segments), [N, this.config.vocabSize]) as tf.Tensor2D;
      const flatMask = mask ? (tf.reshape(mask, [N]) as tf.Tensor1D) : undefined;
      return crossEntropy(logits, tf.reshape(targets, [N]) as tf.Tensor1D, flatMask);
    });
  }

  newCache(batch: number): KVCache {
    const cache: KVCache = {
      batch,
      length: 0,
      layers: null,
      dispose() {
        for (const layer of cache.layers ?? []) tf.dispose([layer.k, layer.v, ...(layer.lastKey ? [layer.lastKey] : [])]);
        cache.layers = null;
        cache.length = 0;
      },
    };
    return cache;
  }

  /**
   * Feeds new tokens idx (B, t) after the cache's positions; returns their logits (B, t, V)
   * and extends the cache. Equal to the matching rows of `logits` on the whole sequence.
   */
  step(idx: tf.Tensor2D, cache: KVCache): tf.Tensor3D {
    const [B, t] = idx.shape;
    if (B !== cache.batch) {
      throw new UsageError(`step got a batch of ${B} but the cache was made for ${cache.batch}`);
    }
    const past = cache.length;
    this.checkLength(t, past);
    const total = past + t;
    const updated: { k: tf.Tensor4D; v: tf.Tensor4D; lastKey?: tf.Tensor3D }[] = [];
    const lastKeys: tf.Tensor3D[] = []; // smeared keys: each layer's newest raw key
    const logits = tf.tidy(() => {
      // One new token may see every cached position: no mask to add.
      const mask = t === 1 ? null : (tf.slice(this.causalMask, [past, 0], [t, total]) as tf.Tensor2D);
      const { nHead, nEmbd: C } = this.config;
      // (B·t, C) → (B, H, t, D); for one new token the transpose moves nothing.
      const heads = (m: tf.Tensor) =>
        (t === 1 ? tf.reshape(m, [B, nHead, 1, C / nHead]) : tf.transpose(tf.reshape(m, [B, t, nHead, C / nHead]), [0, 2, 1, 3])) as tf.Tensor4D;
      const x = this.trunk(idx, past, (layer, qkv) => {
        const [q, k, v] = tf.split(qkv, 3, 1).map(heads);
        const old = cache.layers?.[layer];
        const kAll = old ? (tf.concat([old.k, k], 2) as tf.Tensor4D) : k;
        const vAll = old ? (tf.concat([old.v, v], 2) as tf.Tensor4D) : v;
        updated.push({ k: tf.keep(kAll), v: tf.keep(vAll) });
        const y = attention(q, kAll, vAll, mask); // (B, H, t, D)
        return tf.reshape(t === 1 ? y : tf.transpose(y, [0, 2, 1, 3]), [B * t, C]) as tf.Tensor2D;
      }, undefined, {
        previous: (layer) => cache.layers?.[layer]?.lastKey,
        keep: (layer, rawKey) => void (lastKeys[layer] = tf.keep(tf.slice(rawKey, [0, t - 1, 0], [B, 1, C]) as tf.Tensor3D)),
      });
      lastKeys.forEach((k, layer) => (updated[layer]!.lastKey = k));
      return tf.reshape(this.head(x), [B, t, this.config.vocabSize]) as tf.Tensor3D;
    });
    cache.dispose();
    cache.layers = updated;
    cache.length = total;
    return logits;
  }

  dispose(): void {
    tf.dispose(Object.values(this.variables));
    this.causalMask.dispose();
  }

  private checkLength(t: number, past: number): void {
    if (t < 1) throw new UsageError("the model needs at least one token");
    if (past + t > this.config.blockSize) {
      throw new UsageError(
        `${past + t} positions exceed the model's context of ${this.config.blockSize}; ` +
          "crop the input (or the KV cache) to the last blockSize tokens",
      );
    }
  }

  /**
   * Embeddings and all blocks; returns the final-LayerNormed residual stream (B·t, C).
   * `attend` gets each layer's fused projection qkv (B·t, 3C) and returns the merged heads
   * (B·t, C). Position ids are past…past+t−1 unless `positions` (B·t) int32 gives them.
   */
  private trunk(
    idx: tf.Tensor2D,
    past: number,
    attend: (layer: number, qkv: tf.Tensor2D) => tf.Tensor2D,
    positions?: tf.Tensor1D,
    smearCache?: { previous(layer: number): tf.Tensor3D | undefined; keep(layer: number, rawKey: tf.Tensor3D): void },
  ): tf.Tensor2D {
    const { nLayer, nEmbd: C } = this.config;
    const [B, t] = idx.shape;
    const w = this.variables;
    const tok = tf.gather(w["wte.weight"], tf.reshape(idx, [B * t])); // (B·t, C)
    let x: tf.Tensor2D;
    if (positions) {
      x = tf.add(tok, tf.gather(w["wpe.weight"], positions)) as tf.Tensor2D;
    } else {
      const pos = tf.slice(w["wpe.weight"], [past, 0], [t, C]); // (t, C)
      x = tf.reshape(tf.add(tf.reshape(tok, [B, t, C]), pos), [B * t, C]) as tf.Tensor2D;
    }
    for (let l = 0; l < nLayer; l++) {
      const p = `h.${l}.`;
      const h = layerNorm(x, w[p + "ln_1.weight"] as tf.Tensor1D, w[p + "ln_1.bias"] as tf.Tensor1D);
      let qkv = linear(h, w[p + "attn.c_attn.weight"] as tf.Tensor2D, w[p + "attn.c_attn.bias"] as tf.Tensor1D);
      if (this.config.smearKeys) {
        const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
        const rawKey = tf.reshape(k, [B, t, C]) as tf.Tensor3D;
        const smeared = this.smear(rawKey, w[p + "attn.smear"] as tf.Tensor1D, smearCache?.previous(l), positions);
        smearCache?.keep(l, rawKey);
        qkv = tf.concat([q, tf.reshape(smeared, [B * t, C]), v], 1) as tf.Tensor2D;
      }
      const merged = attend(l, qkv); // (B·t, C)
      x = tf.add(x, linear(merged, w[p + "attn.c_proj.weight"] as tf.Tensor2D, w[p + "attn.c_proj.bias"] as tf.Tensor1D));
      const h2 = layerNorm(x, w[p + "ln_2.weight"] as tf.Tensor1D, w[p + "ln_2.bias"] as tf.Tensor1D);
      const up = biasGelu(tf.matMul(h2, w[p + "mlp.c_fc.weight"] as tf.Tensor2D), w[p + "mlp.c_fc.bias"] as tf.Tensor1D);
      x = tf.add(x, linear(up, w[p + "mlp.c_proj.weight"] as tf.Tensor2D, w[p + "mlp.c_proj.bias"] as tf.Tensor1D));
    }
    return layerNorm(x, w["ln_f.weight"] as tf.Tensor1D, w["ln_f.bias"] as tf.Tensor1D);
  }

  /**
   * Smeared keys: σ(a_h)·k_t + (1 − σ(a_h))·k_{t−1} for each head h. k_{t−1} is `before` at the
   * first position (cached generation) or 0 at the start of a sequence, and of a packed example
   * (position id 0), so no example reads its neighbour's key.
   */
  private smear(k: tf.Tensor3D, a: tf.Tensor1D, before: tf.Tensor3D | undefined, positions?: tf.Tensor1D): tf.Tensor3D {
    const [B, t, C] = k.shape;
    const first = before ?? tf.zeros([B, 1, C]);
    let shifted = t === 1 ? first : tf.concat([first, tf.slice(k, [0, 0, 0], [B, t - 1, C])], 1);
    if (positions) shifted = tf.mul(shifted, tf.reshape(tf.cast(tf.greater(positions, 0), "float32"), [B, t, 1]));
    const D = C / this.config.nHead;
    const g = tf.reshape(tf.tile(tf.reshape(tf.sigmoid(a), [this.config.nHead, 1]), [1, D]), [1, 1, C]); // per head, per column
    return tf.add(tf.mul(g, k), tf.mul(tf.sub(1, g), shifted)) as tf.Tensor3D;
  }

  /** Tied output head: (N, C) @ wteᵀ → (N, V). */
  private head(x: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(x, this.variables["wte.weight"], false, true);
  }
}

/** Builds a GPT with freshly initialised weights; the same seed gives the same weights. */
export function createGPT(config: GPTConfig, seed = 0): GPT {
  validateConfig(config);
  const { vocabSize: V, blockSize: T, nLayer: L, nEmbd: C } = config;
  const shapes: [string, number[], "normal" | "residual" | "zeros" | "ones"][] = [
    ["wte.weight", [V, C], "normal"],
    ["wpe.weight", [T, C], "normal"],
  ];
  for (let l = 0; l < L; l++) {
    const p = `h.${l}.`;
    shapes.push(
      [p + "ln_1.weight", [C], "ones"],
      [p + "ln_1.bias", [C], "zeros"],
      [p + "attn.c_attn.weight", [C, 3 * C], "normal"],
      [p + "attn.c_attn.bias", [3 * C], "zeros"],
      [p + "attn.c_proj.weight", [C, C], "residual"],
      [p + "attn.c_proj.bias", [C], "zeros"],
      [p + "ln_2.weight", [C], "ones"],
      [p + "ln_2.bias", [C], "zeros"],
      [p + "mlp.c_fc.weight", [C, 4 * C], "normal"],
      [p + "mlp.c_fc.bias", [4 * C], "zeros"],
      [p + "mlp.c_proj.weight", [4 * C, C], "residual"],
      [p + "mlp.c_proj.bias", [C], "zeros"],
    );
  }
  shapes.push(["ln_f.weight", [C], "ones"], ["ln_f.bias", [C], "zeros"]);
  // Smeared-key gates last, so a model without them keeps every other weight of its seed.
  if (config.smearKeys) for (let l = 0; l < L; l++) shapes.push([`h.${l}.attn.smear`, [config.nHead], "zeros"]);
  const residualStd = 0.02 / Math.sqrt(2 * L);
  const variables: Record<string, tf.Variable> = {};
  const modelId = modelCounter++;
  // Built inside tidy: tf.variable copies its initial value, which would otherwise leak.
  tf.tidy(() => {
    shapes.forEach(([name, shape, init], i) => {
      const value =
        init === "ones" ? tf.ones(shape)
        : init === "zeros" ? tf.zeros(shape)
        // tfjs takes a seed of 0 as "no seed" (random); never pass it.
        : tf.randomNormal(shape, 0, init === "residual" ? residualStd : 0.02, "float32", seed * 1009 + i + 1);
      variables[name] = tf.variable(value, true, `${name}#${modelId}`);
    });
  });
  return new GPT(config, variables);
}

/** tfjs variable names are global; two models in one process must not collide. */
let modelCounter = 0;
