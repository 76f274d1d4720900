/**
 * "A model or checkpoint from X", in one place: X is a stage result, a run (object, id or
 * unique id prefix) or a checkpoint path (a root with `latest` or a step folder). `%train
 * --from`, `%eval`, the stages and plain TypeScript all open models here.
 */
import { existsSync } from "node:fs";
import { initBackend } from "../backend/ladder.ts";
import { UsageError } from "../errors.ts";
import { loadCheckpoint } from "../model/checkpoint.ts";
import { createGPT, type GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { openRun, Run, runsDir } from "../runs/registry.ts";
import { StageResult } from "./result.ts";
import { readTrainerState } from "./state.ts";

/** Where a model comes from: a stage result, a run, a run id (or prefix), or a checkpoint path. */
export type ModelSource = StageResult | Run | string;

export interface CheckpointRef {
  /** The checkpoint root or step folder. */
  path: string;
  /** The run it belongs to, when known. */
  run?: Run;
}

export interface OpenedModel {
  model: GPT;
  tokenizer: Tokenizer;
  run?: Run;
  /** The training step the weights are from (0 for a model never trained). */
  step: number;
  /** The checkpoint the weights are those of (a step folder; a stage result's last checkpoint). */
  checkpoint?: string;
}

export interface OpenOptions {
  /** The runs directory run ids are looked up in (default: runsDir()). */
  runs?: string;
  /** A stage result's model is copied instead of shared (a stage trains its model in place). */
  copy?: boolean;
}

/** A new model with the same config and weights. */
function copyOf(model: GPT): GPT {
  const copy = createGPT(model.config, 0);
  for (const [name, variable] of Object.entries(model.variables)) copy.variables[name]!.assign(variable);
  return copy;
}

function looksLikePath(text: string): boolean {
  return /[\\/]/.test(text) || existsSync(text);
}

/** The checkpoint `source` names, without reading it. */
export function checkpointOf(source: ModelSource, runs = runsDir()): CheckpointRef {
  if (source instanceof StageResult) {
    if (!source.checkpoint) throw new UsageError(`the ${source.stage} stage to start from wrote no checkpoint (it ran with runs: false); run it with a runs directory`);
    return { path: source.checkpoint, run: source.run };
  }
  if (source instanceof Run) return { path: source.checkpointDir, run: source };
  if (typeof source !== "string" || source === "") throw new UsageError("name the model: a stage result, a run id or a checkpoint path");
  if (looksLikePath(source)) return { path: source };
  const run = openRun(source, runs);
  return { path: run.checkpointDir, run };
}

/**
 * The model `source` names, ready to use: a stage result's model as it is (or a copy, with
 * `copy`), anything else loaded from its checkpoint.
 */
export async function openModel(source: ModelSource, options: OpenOptions = {}): Promise<OpenedModel> {
  if (source instanceof StageResult) {
    const model = options.copy ? copyOf(source.model) : source.model;
    return { model, tokenizer: source.tokenizer, run: source.run, step: source.train.step, checkpoint: source.checkpoint };
  }
  const ref = checkpointOf(source, options.runs);
  await initBackend(); // loading makes tensors: a tfjs backend must be active
  const loaded = loadCheckpoint(ref.path);
  const step = readTrainerState(loaded.trainer, `${loaded.path}/trainer_state.json`)?.step ?? 0;
  return { model: loaded.model, tokenizer: loaded.tokenizer, run: ref.run, step, checkpoint: loaded.path };
}
