/**
 * Checkpoints on disk. A checkpoint root holds one directory per saved step and a `latest`
 * file naming the newest complete one:
 *
 *   root/latest                      "step-00000120"
 *   root/step-00000120/model.safetensors      the weights (GPT variable names)
 *                     /config.json            {format, version, model: GPTConfig, tokenizer: spec}
 *                     /optimizer.safetensors  AdamW moments m.<name>, v.<name> (training only)
 *                     /trainer_state.json     step, data cursor, loss history, TrainConfig (lib/train/state.ts)
 *
 * A step directory is written under a temporary name and renamed into place, then `latest` is
 * replaced the same way, so a crash or interrupt mid-write never leaves a half checkpoint
 * where a reader looks. Older step directories beyond `keep` are removed afterwards.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.ts";
import { tempSibling, writeFileAtomic } from "../files.ts";
import { type GPTConfig, validateConfig } from "./config.ts";
import { createGPT, type GPT } from "./gpt.ts";
import { encodeSafetensors, readSafetensors, type SafetensorsFile, type TensorData } from "./safetensors.ts";
import { tokenizerFromSpec, type Tokenizer } from "./tokenizer.ts";

const FORMAT = "symtune-checkpoint";
const VERSION = 1;

export interface SaveOptions {
  model: GPT;
  tokenizer: Tokenizer;
  /** The trainer's state as JSON (its shape: lib/train/state.ts); its step names the folder. */
  trainer?: { step: number };
  /** Optimizer tensors to store (AdamW.stateTensors()). */
  optimizer?: Record<string, tf.Tensor>;
  /** Step directories to keep (the newest ones); default 2. */
  keep?: number;
}

export interface LoadedCheckpoint {
  /** The step directory that was read. */
  path: string;
  config: GPTConfig;
  tokenizer: Tokenizer;
  weights: Record<string, TensorData>;
  /** trainer_state.json as read (lib/train/state.ts readTrainerState gives it its type). */
  trainer?: Record<string, unknown>;
  optimizer?: SafetensorsFile;
}

function stepName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

function tensorsOf(tensors: Record<string, tf.Tensor>): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = { dtype: "F32", shape: [...t.shape], data: t.dataSync() as Float32Array };
  }
  return out;
}

/** Saves a checkpoint under `root`; returns the step directory written. */
export function saveCheckpoint(root: string, options: SaveOptions): string {
  const { model, tokenizer, trainer, optimizer, keep = 2 } = options;
  mkdirSync(root, { recursive: true });
  const name = stepName(trainer?.step ?? 0);
  const final = join(root, name);
  const temp = tempSibling(final);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  writeFileSync(join(temp, "model.safetensors"), encodeSafetensors(tensorsOf(model.variables), { format: "pt" }));
  const config = { format: FORMAT, version: VERSION, model: model.config, tokenizer: tokenizer.toSpec() };
  writeFileSync(join(temp, "config.json"), JSON.stringify(config, null, 1));
  if (optimizer) writeFileSync(join(temp, "optimizer.safetensors"), encodeSafetensors(tensorsOf(optimizer)));
  if (trainer) writeFileSync(join(temp, "trainer_state.json"), JSON.stringify(trainer));

  if (existsSync(final)) {
    // Same step saved again (e.g. an interrupt right after a periodic save): swap, then drop the old copy.
    const old = join(root, `.old-${name}-${process.pid}`);
    renameSync(final, old);
    renameSync(temp, final);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(temp, final);
  }
  writeFileAtomic(join(root, "latest"), name + "\n");
  pruneCheckpoints(root, name, keep);
  return final;
}

function pruneCheckpoints(root: string, newest: string, keep: number): void {
  const steps = readdirSync(root).filter((f) => /^step-\d{8}$/.test(f)).sort();
  const cut = Math.max(1, keep);
  for (const old of steps.slice(0, Math.max(0, steps.length - cut))) {
    if (old !== newest) rmSync(join(root, old), { recursive: true, force: true });
  }
}

/**
 * The newest complete step directory under `root`, or undefined when there is none. `latest`
 * names it; when a crash left `latest` naming a folder that is not there (a same-step re-save
 * stopped between its two renames), the newest complete folder on disk is used instead — a
 * step folder, or the previous copy of a step set aside during a re-save (`.old-step-…`), both
 * complete when written. Unfinished temporary folders are never used.
 */
export function latestCheckpoint(root: string): string | undefined {
  const pointer = join(root, "latest");
  if (existsSync(pointer)) {
    const dir = join(root, readFileSync(pointer, "utf8").trim());
    if (existsSync(join(dir, "config.json")) && existsSync(join(dir, "model.safetensors"))) return dir;
  }
  if (!existsSync(root)) return undefined;
  const candidates = readdirSync(root)
    .map((name) => ({ name, step: /^(?:\.old-)?step-(\d{8})(?:-\d+)?$/.exec(name)?.[1] }))
    .filter((c): c is { name: string; step: string } => c.step !== undefined)
    .filter((c) => existsSync(join(root, c.name, "config.json")) && existsSync(join(root, c.name, "model.safetensors")))
    // Newest step first; a step folder before a set-aside copy of the same step.
    .sort((a, b) => (a.step === b.step ? Number(a.name.startsWith(".")) - Number(b.name.startsWith(".")) : a.step < b.step ? 1 : -1));
  return candidates[0] ? join(root, candidates[0].name) : undefined;
}

/** Resolves a checkpoint root (via `latest`) or a step directory to the step directory. */
export function resolveCheckpoint(path: string): string {
  if (!existsSync(path)) throw new DataError("no checkpoint here: the path does not exist.", { file: path });
  if (!statSync(path).isDirectory()) {
    throw new DataError("expected a checkpoint directory (holding config.json and model.safetensors), got a file.", { file: path });
  }
  if (existsSync(join(path, "config.json"))) return path;
  const latest = latestCheckpoint(path);
  if (latest) return latest;
  throw new DataError("not a symtune checkpoint: the directory has neither config.json nor a 'latest' pointer to a step directory.", { file: path });
}

/** Reads and validates a checkpoint's files (no tensors are created). */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const dir = resolveCheckpoint(path);
  const configPath = join(dir, "config.json");
  let raw: { format?: unknown; version?: unknown; model?: GPTConfig; tokenizer?: unknown };
  try {
    raw = JSON.parse(readFileSync(configPath, "utf8"));
  } catch (error) {
    throw new DataError(`not a symtune checkpoint config: ${(error as Error).message}`, { file: configPath });
  }
  if (raw?.format !== FORMAT) {
    throw new DataError(`not a symtune checkpoint config: "format" is ${raw?.format === undefined ? "missing" : JSON.stringify(raw.format)}, expected "${FORMAT}".`, { file: configPath, field: "format" });
  }
  if (raw.version !== VERSION) {
    throw new DataError(`checkpoint version ${JSON.stringify(raw.version)} is not supported; this symtune reads version ${VERSION}.`, { file: configPath, field: "version" });
  }
  let config: GPTConfig;
  try {
    config = validateConfig({ ...(raw.model as GPTConfig) });
  } catch (error) {
    throw new DataError((error as Error).message, { file: configPath, field: "model" });
  }
  const tokenizer = tokenizerFromSpec(raw.tokenizer, configPath);
  const weightsPath = join(dir, "model.safetensors");
  const weights = readSafetensors(weightsPath).tensors;
  const trainerPath = join(dir, "trainer_state.json");
  let trainer: Record<string, unknown> | undefined;
  if (existsSync(trainerPath)) {
    try {
      trainer = JSON.parse(readFileSync(trainerPath, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new DataError(`the trainer state is not valid JSON: ${(error as Error).message}`, { file: trainerPath });
    }
  }
  const optimizerPath = join(dir, "optimizer.safetensors");
  const optimizer = existsSync(optimizerPath) ? readSafetensors(optimizerPath) : undefined;
  return { path: dir, config, tokenizer, weights, trainer, optimizer };
}

/** Copies stored weights into a model of the same config. */
export function assignWeights(model: GPT, weights: Record<string, TensorData>, file = "model.safetensors"): void {
  for (const [name, variable] of Object.entries(model.variables)) {
    const stored = weights[name];
    if (!stored) {
      throw new DataError(`the weights file has no tensor "${name}"; it was not written for a symtune GPT of this shape.`, { file });
    }
    if (stored.shape.join(",") !== variable.shape.join(",")) {
      throw new DataError(`tensor "${name}" has shape [${stored.shape}] but the model needs [${variable.shape}].`, { file });
    }
  }
  tf.tidy(() => {
    for (const [name, variable] of Object.entries(model.variables)) {
      variable.assign(tf.tensor(weights[name]!.data, variable.shape, "float32"));
    }
  });
}

/** Loads a checkpoint as a ready model and its tokenizer (plus trainer state when present). */
export function loadCheckpoint(path: string): LoadedCheckpoint & { model: GPT } {
  const loaded = readCheckpoint(path);
  const model = createGPT(loaded.config, 0);
  try {
    assignWeights(model, loaded.weights, join(loaded.path, "model.safetensors"));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { ...loaded, model };
}
