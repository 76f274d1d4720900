/**
 * Text generation from a prompt: frames it the way training did (`BOS prompt SEP`, encode.ts),
 * continues it with the model's token-level generateIds, and reads the answer until EOS or
 * a stop sequence.
 */
import type { GPT } from "../model/gpt.ts";
import { generateIds, type SamplingOptions } from "../model/generate.ts";
import type { Tokenizer } from "../model/tokenizer.ts";
import { promptIds } from "./encode.ts";

export interface GenerateOptions extends SamplingOptions {
  /** Generation of a row ends where one of these strings appears (it is cut off). */
  stop?: string[];
  /** Feed the prompt text as is, without the BOS … SEP example framing (default false). */
  raw?: boolean;
}

export interface Generation {
  text: string;
  ids: number[];
  finishReason: "eos" | "stop" | "length";
}

/**
 * Completes each prompt the way the trainer formatted examples (`BOS prompt SEP`, read until
 * EOS). One prompt or many; many are generated as one batch.
 */
export async function generate(model: GPT, tokenizer: Tokenizer, prompts: string | readonly string[], options: GenerateOptions = {}): Promise<Generation[]> {
  const list = typeof prompts === "string" ? [prompts] : prompts;
  const stop = options.stop?.filter((s) => s.length > 0) ?? [];
  const { eos } = tokenizer.special;
  // Leave room in the context for the answer (up to half of it), as training did.
  const { blockSize } = model.config;
  const room = blockSize - Math.min(options.maxNewTokens ?? 64, Math.floor(blockSize / 2));
  const encoded = list.map((p) => (options.raw ? tokenizer.encode(p) : promptIds(tokenizer, p, room)));
  const reasons: Generation["finishReason"][] = list.map(() => "length");
  const ids = await generateIds(model, encoded, {
    ...options,
    vocabLimit: tokenizer.vocabSize,
    isDone: (row, out) => {
      if (out[out.length - 1] === eos) reasons[row] = "eos";
      else if (stop.length > 0 && stop.some((s) => tokenizer.decode(out).includes(s))) reasons[row] = "stop";
      return reasons[row] !== "length";
    },
  });
  return ids.map((out, row) => {
    const kept = reasons[row] === "eos" ? out.slice(0, -1) : out;
    let text = tokenizer.decode(kept);
    if (reasons[row] === "stop") {
      const cut = Math.min(...stop.map((s) => text.indexOf(s)).filter((i) => i >= 0));
      text = text.slice(0, cut);
    }
    return { text, ids: kept, finishReason: reasons[row]! };
  });
}
