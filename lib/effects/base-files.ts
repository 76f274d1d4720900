/**
 * What the two base recipes (the word-level feature-world base, lib/effects/base.ts, and the
 * byte-level base, base-bytes.ts) share: the model shape and optimizer settings of a recipe,
 * the record of one pretraining phase, the commit a phase ran on, and writing a base's
 * checkpoint folder without a moment where the old base is gone and the new one not yet there.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { saveCheckpoint } from "../model/checkpoint.ts";
import { gptConfig, type GPTConfig } from "../model/config.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";

/** A recipe's model shape and optimizer settings (AdamW, constant lr after each phase's warmup). */
export interface RecipeShape {
  preset: string;
  blockSize: number;
  smearKeys: boolean;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clip: number;
}

/** The GPT config of a recipe for a tokenizer. */
export function recipeConfig(tokenizer: Tokenizer, recipe: RecipeShape): GPTConfig {
  return gptConfig(recipe.preset, { vocabSize: tokenizer.vocabSize, blockSize: recipe.blockSize, ...(recipe.smearKeys ? { smearKeys: true } : {}) });
}

/** One phase of a base's pretraining; `losses` holds every step's loss, or every `lossEvery`-th where the run logged only those. */
export interface PhaseRecord<Name extends string = string> { name: Name; steps: number; seconds: number; losses: number[]; code: string; lossEvery?: number }

/** The short hash of the checked-out commit ("unknown" outside a git checkout). */
export function codeCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dirname(fileURLToPath(import.meta.url)), encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** Saves the model as the base folder `dir` (config.json + model.safetensors), replacing any earlier one. */
export function saveBaseDir(dir: string, model: GPT, tokenizer: Tokenizer): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const step = saveCheckpoint(tmp, { model, tokenizer });
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(step, dir);
  rmSync(tmp, { recursive: true, force: true });
}
