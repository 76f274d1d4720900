/**
 * AdamW (Loshchilov & Hutter) with decoupled weight decay, written out so its state (m, v,
 * step) can be saved in a checkpoint and restored bit for bit.
 *
 * Weight decay applies to matrices only — every rank-2 weight: the attention and MLP
 * projections and the token and position embeddings (the head is tied to the token
 * embedding), as nanoGPT's configure_optimizers does. Biases and LayerNorm gains/biases
 * (rank 1) are not decayed.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAMW_KERNEL } from "../backend/kernels/adamw.ts";

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay: number;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Updates applied so far (Adam's t). */
  step = 0;
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};

  constructor(private readonly params: Record<string, tf.Variable>, options: AdamWOptions) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.95;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay;
    tf.tidy(() => {
      for (const [name, p] of Object.entries(params)) {
        this.m[name] = tf.variable(tf.zerosLike(p), false);
        this.v[name] = tf.variable(tf.zerosLike(p), false);
      }
    });
  }

  static decays(param: tf.Tensor): boolean {
    return param.rank >= 2;
  }

  /** One update with learning rate `lr`; `grads` are keyed like the params and not disposed here. */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step++;
    const { beta1: b1, beta2: b2, eps } = this;
    const correction1 = 1 - b1 ** this.step;
    const correction2 = 1 - b2 ** this.step;
    // On wasm, one kernel per tensor (lib/backend/kernels/adamw.ts) instead of ~14.
    const fused = tf.getBackend() === "wasm" && tf.getKernel(ADAMW_KERNEL, "wasm") !== undefined;
    tf.tidy(() => {
      for (const [name, p] of Object.entries(this.params)) {
        const g = grads[name];
        if (!g) continue;
        if (fused) {
          const decay = AdamW.decays(p) && this.weightDecay > 0 ? lr * this.weightDecay : 0;
          const attrs = { lr, beta1: b1, beta2: b2, eps, correction1, correction2, decay };
          const [p2, m2, v2] = tf.engine().runKernel(ADAMW_KERNEL, { p, g, m: this.m[name]!, v: this.v[name]! }, attrs) as tf.Tensor[];
          p.assign(p2!);
          this.m[name]!.assign(m2!);
          this.v[name]!.assign(v2!);
          continue;
        }
        const m = tf.add(tf.mul(this.m[name]!, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[name]!, b2), tf.mul(tf.square(g), 1 - b2));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), eps));
        const decayed = AdamW.decays(p) && this.weightDecay > 0 ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
        this.m[name]!.assign(m);
        this.v[name]!.assign(v);
      }
    });
  }

  /** The moment tensors, keyed `m.<param>` and `v.<param>` (for the checkpoint). */
  stateTensors(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const name of Object.keys(this.params)) {
      out[`m.${name}`] = this.m[name]!;
      out[`v.${name}`] = this.v[name]!;
    }
    return out;
  }

  /** Restores moments and step from a checkpoint; `read(key)` gives the stored values. */
  loadState(step: number, read: (key: string, shape: number[]) => Float32Array): void {
    this.step = step;
    tf.tidy(() => {
      for (const [name, p] of Object.entries(this.params)) {
        this.m[name]!.assign(tf.tensor(read(`m.${name}`, p.shape), p.shape));
        this.v[name]!.assign(tf.tensor(read(`v.${name}`, p.shape), p.shape));
      }
    });
  }

  dispose(): void {
    tf.dispose([...Object.values(this.m), ...Object.values(this.v)]);
  }
}
