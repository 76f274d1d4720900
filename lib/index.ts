// The public `symtune` entry: one export line per module (append only).
export * from "./display/index.ts";
export * from "./collections/collection.ts";
export * from "./collections/load.ts";
export * from "./transforms/evol.ts";
export * from "./transforms/labels.ts";
export * from "./transforms/icl.ts";
export * from "./transforms/symbol-tune.ts";
export * from "./collections/families/index.ts";
export * from "./collections/algorithmic/index.ts";
export * from "./collections/general/index.ts";
export * from "./collections/classification/index.ts";
export * from "./collections/rng.ts";
export * from "./collections/registry.ts";
export * from "./backend/ladder.ts";
export * from "./backend/heap.ts";
export * from "./backend/doctor.ts";
export * from "./model/gpt.ts";
