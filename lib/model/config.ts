/**
 * GPT shapes as plain data. Presets run from a model that trains in seconds (`tiny`) to
 * nanoGPT's `shakespeare_char` reference shape (`small`); `benchA`/`benchB` are the
 * benchmark's fixed shapes (bench/bench.ts).
 */
import { UsageError } from "../errors.ts";

export interface GPTConfig {
  vocabSize: number;
  /** Context length: the most positions the model sees at once. */
  blockSize: number;
  nLayer: number;
  nHead: number;
  /** Width of the residual stream; a multiple of nHead. */
  nEmbd: number;
  /**
   * Smeared keys (Olsson et al. 2022): each head's key is a learned mix of the current and the
   * previous position's key, so a previous-token match needs no positional circuit and
   * induction heads form earlier. Off when absent (every preset).
   */
  smearKeys?: boolean;
}

export const presets = {
  tiny: { vocabSize: 128, blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 64 },
  mini: { vocabSize: 256, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 },
  /** nanoGPT shakespeare_char: 6 layers, 6 heads, 384 wide, context 256. */
  small: { vocabSize: 256, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 },
  benchA: { vocabSize: 128, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 },
  benchB: { vocabSize: 256, blockSize: 256, nLayer: 6, nHead: 8, nEmbd: 256 },
} as const satisfies Record<string, GPTConfig>;

export type PresetName = keyof typeof presets;

/** A preset by name, optionally with fields overridden (e.g. the tokenizer's vocabSize). */
export function gptConfig(name: PresetName | string, overrides: Partial<GPTConfig> = {}): GPTConfig {
  const base = (presets as Record<string, GPTConfig>)[name];
  if (!base) {
    throw new UsageError(`unknown model preset "${name}"; choose one of ${Object.keys(presets).join(", ")}`);
  }
  return validateConfig({ ...base, ...overrides });
}

/** Checks a config's fields; returns it unchanged or throws UsageError naming the field. */
export function validateConfig(config: GPTConfig): GPTConfig {
  for (const key of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new UsageError(`model config "${key}" must be a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  if (config.nEmbd % config.nHead !== 0) {
    throw new UsageError(
      `model config "nEmbd" (${config.nEmbd}) must be a multiple of "nHead" (${config.nHead})`,
    );
  }
  if (config.smearKeys !== undefined && typeof config.smearKeys !== "boolean") {
    throw new UsageError(`model config "smearKeys" must be true or false, got ${JSON.stringify(config.smearKeys)}`);
  }
  return config;
}

/** Parameters of the model built by createGPT (tied head: the output matrix is wte). */
export function countParams(c: GPTConfig): number {
  const d = c.nEmbd;
  const layerNorm = 2 * d;
  const block = 2 * layerNorm + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
  return c.vocabSize * d + c.blockSize * d + c.nLayer * (block + (c.smearKeys ? c.nHead : 0)) + layerNorm;
}
