/**
 * Where the shipped byte-level bases live (data/bases/bytes/seed-N) and how an effect opens one.
 * Apart from the recipe (base-bytes.ts) so the effects that start from a base do not import the
 * recipe, which itself reads the two-stage general rows.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.ts";
import { loadCheckpoint } from "../model/checkpoint.ts";
import type { GPT } from "../model/gpt.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { BASES_DIR } from "./base.ts";

export const BYTES_DIR = join(BASES_DIR, "bytes");

/** A shipped byte base: the model as trained and the byte tokenizer. */
export function loadBytesBase(seed: number, dir = BYTES_DIR): { model: GPT; tokenizer: Tokenizer; path: string } {
  const path = join(dir, `seed-${seed}`);
  if (!existsSync(join(path, "model.safetensors"))) {
    throw new DataError(`no byte-level base for seed ${seed}; run \`symtune pretrain --recipe bytes --seed ${seed}\` to make it.`, { file: path });
  }
  const { model, tokenizer } = loadCheckpoint(path);
  return { model, tokenizer, path };
}
