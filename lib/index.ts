// The public `symtune` entry: one export line per module (append only).
export * from "./display/index.ts";
