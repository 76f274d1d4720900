// The public `symtune` API, in the order of the data path:
// collection → transform → prompts → tokens → model → training → metrics → evaluation → figure.
// Add a module to its section (and name what it exports when only part of it is public).

// Display: everything below renders itself in a notebook through this protocol.
export * from "./display/index.ts";

// Collections: rows, the built-in families and tasks, loading from disk.
export * from "./collections/collection.ts";
export * from "./collections/registry.ts";
export * from "./collections/load.ts";
export * from "./collections/families/index.ts";
export * from "./collections/algorithmic/index.ts";
export * from "./collections/general/index.ts";
export * from "./collections/classification/index.ts";
export { FEATURE_TASKS, TRAIN_SYMBOLS, EVAL_SYMBOLS, tuneTasks, heldoutTasks, episode, episodeSet, symbolPair, type FeatureTask, type Episode } from "./collections/feature-world.ts";
export * from "./rng.ts";

// Transforms: rows → rows (Symbol-evol, in-context prompts, symbol tuning).
export * from "./transforms/evol.ts";
export * from "./transforms/labels.ts";
export * from "./transforms/icl.ts";
export * from "./transforms/symbol-tune.ts";

// Prompts → tokens: row → {prompt, completion} → BOS prompt SEP completion EOS; text generation.
export * from "./prompts/format.ts";
export * from "./prompts/encode.ts";
export * from "./prompts/generate.ts";

// Model: backend, GPT, tokenizers, checkpoints, token-level generation.
export * from "./backend/ladder.ts";
export * from "./backend/heap.ts";
export * from "./backend/doctor.ts";
export * from "./model/gpt.ts";
export * from "./model/tokenizer.ts";
export * from "./model/tokenizer-hf.ts";
export * from "./model/tokenizer-word.ts";
export * from "./model/safetensors.ts";
export * from "./model/checkpoint.ts";
export * from "./model/generate.ts";

// Training: one TrainConfig, the loop, its state, the stages, opening a model from a run or path.
export * from "./train/config.ts";
export * from "./train/schedule.ts";
export * from "./train/adamw.ts";
export * from "./train/evaluate.ts";
export * from "./train/state.ts";
export * from "./train/trainer.ts";
export * from "./train/result.ts";
export * from "./train/open.ts";
export * from "./train/stages.ts";
export * from "./train/resume.ts";

// Metrics and runs: the one metrics record, the run registry and its tables.
export * from "./runs/metrics.ts";
export * from "./runs/registry.ts";
export * from "./runs/views.ts";
export * from "./stats.ts";

// Evaluation: scoring answers with executable checkers, rank classification, ICL, effects.
export * from "./eval/metrics.ts";
export * from "./eval/score.ts";
export * from "./eval/evaluate.ts";
export * from "./eval/likelihood.ts";
export * from "./eval/rank.ts";
export * from "./eval/graded.ts";
export * from "./eval/icl.ts";
export * from "./eval/model.ts";
export * from "./eval/effects.ts";
export { inductionProbe, scoreChoices, choiceAccuracy, copyGate, accuracyGate, formatGates, type ChoiceRow, type ChoiceAccuracy, type InductionResult, type Gate } from "./eval/probes.ts";

// Figures.
export * from "./plot/figure.ts";
export * from "./plot/builders.ts";
export * from "./plot/curves.ts";
export * from "./plot/live.ts";
export * from "./plot/static.ts";

// The papers' effects: harness, bases, and each effect.
export * from "./effects/harness.ts";
export * from "./effects/two-stage.ts";
export * from "./effects/symbol-evol.ts";
export { EFFECTS, effectNames } from "./effects/registry.ts";
export { BASE_RECIPE, BASES_DIR, baseConfig, baseReport, heldoutIcl, HELDOUT_ICL, loadBase, pretrainBase, episodeRows, type BaseReport } from "./effects/base.ts";
export { baseTokenizer, generalEvalRows, pretrainRows, baseFacts, MIXTURE } from "./effects/base-data.ts";
export { ARM_SIZES, armRows, EFFECT_GATES, effectGates, runArm, symbolTuningEffects, type ArmResult } from "./effects/symbol-tuning.ts";
export { ALGORITHMIC, algorithmicIcl, type AlgorithmicSetting } from "./effects/algorithmic.ts";
export { LIST_FUNCTIONS, TURING_CONCEPTS, listFunctionSet, conceptSet } from "./collections/algorithmic.ts";
