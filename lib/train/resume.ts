/**
 * Resuming a stage run (`%train --resume RUN`, resumeStage()): a stopped or killed run goes on
 * from its latest good checkpoint as if it had never stopped — weights, AdamW moments and the
 * step (the learning-rate schedule follows from it), the seed and data cursor (the data order;
 * nothing else in training is random) — in the same run folder, whose metrics continue from
 * the checkpoint's step (PyTorch/HF resume: model, optimizer, scheduler, RNG, data order).
 *
 * The run's config.json says what it trained on: the stage, its settings, how the mixture was
 * drawn and a fingerprint of the mixed examples. The rows themselves are the notebook's (the
 * cells that loaded them load them again), so a resume draws the mixture again and checks the
 * fingerprint: other rows would silently continue a different curve.
 *
 * Before anything trains, the checkpoint is checked against the run it belongs to: the trainer
 * settings in trainer_state.json equal the run's (only how long it runs and what it logs may
 * change), the model config equals the run's. A mismatch is a DataError naming file and field.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DataError, UsageError } from "../errors.ts";
import { latestCheckpoint, readCheckpoint, resolveCheckpoint } from "../model/checkpoint.ts";
import { openRun, Run, runOfCheckpoint, runsDir } from "../runs/registry.ts";
import { TRAIN_CONFIG_KEYS, type TrainConfig, type TrainConfigKey } from "./config.ts";
import type { StageResult } from "./result.ts";
import { planStage, runStage, type StageData, type StageName, type StageOptions } from "./stages.ts";
import { readTrainerState, type TrainerState } from "./state.ts";

/** The settings a resume may change: how long the run goes on, what it logs and keeps. The others are the run's own. */
export const RESUME_SETTABLE: readonly TrainConfigKey[] = ["steps", "evalEvery", "checkpointEvery", "keepCheckpoints"];
const MIXTURE_KEYS = ["n", "ratio", "instructionRatio"] as const;

/** What runStage records in a run's config.json (older runs lack the mixture and fingerprint). */
interface RecordedStage {
  train: TrainConfig;
  model: Record<string, unknown>;
  mixture?: { n: number; ratio?: number; instructionRatio?: number };
  dataHash?: string;
  counts?: Record<string, number>;
  sources?: Record<string, string>;
}

export interface ResumePoint {
  run: Run;
  /** The step folder the run continues from. */
  checkpoint: string;
  state: TrainerState;
}

export type ResumeOptions = StageOptions & Partial<StageData> & { stage?: StageName };

/** The same data, whatever the order of object keys. */
function same(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, w]) => [k, canon(w)])) : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function isPath(ref: string): boolean {
  return /[\\/]/.test(ref) || existsSync(ref);
}

/** The run `ref` names: a Run, a run id or unique prefix, or a checkpoint path inside a run folder. */
export function runOf(ref: string | Run, runs = runsDir()): Run {
  if (ref instanceof Run) return ref;
  if (typeof ref !== "string" || ref === "") throw new UsageError("name the run to resume: a run id, a unique id prefix or a checkpoint path (`%runs list` shows the runs)");
  if (!isPath(ref)) return openRun(ref, runs);
  const run = runOfCheckpoint(resolveCheckpoint(ref));
  if (!run) throw new UsageError(`${ref} is a checkpoint outside the runs registry (no run folder holds it); continue it from TypeScript with train({ resumeFrom })`);
  return run;
}

/** Where `ref`'s run continues from: its latest good checkpoint (or the one `ref` names), checked against the run. */
export function resumePoint(ref: string | Run, runs = runsDir()): ResumePoint {
  const run = runOf(ref, runs);
  if (run.status() === "running") throw new UsageError(`run ${run.id} is still running (its process is alive); interrupt it before resuming`);
  const checkpoint = typeof ref === "string" && isPath(ref) ? resolveCheckpoint(ref) : latestCheckpoint(run.checkpointDir);
  if (!checkpoint) {
    throw new UsageError(`run ${run.id} has no checkpoint to continue from (it stopped before its first save; --checkpoint-every N saves every N steps); train it again`);
  }
  const ckpt = readCheckpoint(checkpoint);
  const file = join(ckpt.path, "trainer_state.json");
  const state = readTrainerState(ckpt.trainer, file);
  if (!state) throw new DataError("this checkpoint holds weights only, no trainer state to continue from.", { file: ckpt.path });
  const recorded = run.record.config as unknown as RecordedStage;
  for (const key of TRAIN_CONFIG_KEYS) {
    if (RESUME_SETTABLE.includes(key) || !recorded.train || same(state.config[key], recorded.train[key])) continue;
    throw new DataError(
      `config.${key} is ${JSON.stringify(state.config[key])} but the run's config.json says ${JSON.stringify(recorded.train[key])}; the trainer state was edited or belongs to another run.`,
      { file, field: `config.${key}` },
    );
  }
  if (recorded.model && !same(ckpt.config, recorded.model)) {
    throw new DataError(`the model config differs from the run's config.json (${JSON.stringify(recorded.model)}); the checkpoint belongs to another run.`, {
      file: join(ckpt.path, "config.json"),
      field: "model",
    });
  }
  return { run, checkpoint: ckpt.path, state };
}

/** The variables (by option: data, general, instruction, eval) the run's rows came from, when it recorded them. */
export function recordedSources(ref: string | Run, runs = runsDir()): Record<string, string> {
  return (runOf(ref, runs).record.config as unknown as RecordedStage).sources ?? {};
}

/** Continues the run `ref` names with the same rows (given again in `options`). */
export async function resumeStage(ref: string | Run, options: ResumeOptions): Promise<StageResult> {
  const { run, checkpoint, state } = resumePoint(ref, options.runs || undefined);
  const recorded = run.record.config as unknown as RecordedStage;
  const stage = run.record.stage as StageName;
  if (options.from !== undefined) throw new UsageError(`a resume continues from run ${run.id}'s own checkpoint; leave from (--from) out`);
  if (options.stage !== undefined && options.stage !== stage) throw new UsageError(`run ${run.id} trained the ${stage} stage, not ${options.stage}; leave the stage out to resume it`);
  const given = options as Record<string, unknown>;
  const kept = { ...state.config, ...recorded.mixture } as Record<string, unknown>;
  const changed = [...TRAIN_CONFIG_KEYS.filter((k) => !RESUME_SETTABLE.includes(k)), ...MIXTURE_KEYS].filter((k) => given[k] !== undefined && kept[k] !== undefined && !same(given[k], kept[k]));
  if (changed.length > 0) {
    const list = changed.map((k) => `${k} (the run's is ${JSON.stringify(kept[k])})`).join(", ");
    throw new UsageError(`a resumed run keeps its own settings: ${list} cannot change; to train with other settings, start a new run from this one (from / --from ${run.id})`);
  }
  const config: TrainConfig = { ...state.config };
  for (const key of RESUME_SETTABLE) if (given[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = given[key];
  if (state.step >= config.steps) throw new UsageError(`run ${run.id} has trained all ${config.steps} of its steps; give more steps (e.g. ${config.steps * 2}) to train it further`);
  const data = options.data;
  if (data === undefined) {
    const where = recorded.sources?.data ? ` (it trained on the variable ${recorded.sources.data})` : "";
    throw new UsageError(`give the rows run ${run.id} trained on${where}; the rows are not stored with the run`);
  }
  const plan = await planStage(stage, { ...options, data, ...recorded.mixture, ...config, from: checkpoint, runs: options.runs });
  if (recorded.dataHash !== undefined && plan.dataHash !== recorded.dataHash) {
    plan.model.dispose();
    const counts = (c: Record<string, number> | undefined) => Object.entries(c ?? {}).map(([k, v]) => `${v} ${k}`).join(", ");
    const names = Object.entries(recorded.sources ?? {}).map(([k, v]) => `${k}: ${v}`).join(", ");
    throw new UsageError(
      `the rows given are not the ones run ${run.id} trained on (its mixture: ${counts(recorded.counts)}; now: ${counts(plan.counts)}); give the same rows${names ? ` (${names})` : ""}`,
    );
  }
  run.resumeAt(state.step);
  return runStage(plan, { ...options, name: options.name ?? run.record.name }, { run, checkpoint, step: state.step });
}
