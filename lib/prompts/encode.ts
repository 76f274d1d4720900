/**
 * Prompt text → token ids. An example `{prompt, completion}` becomes the token row
 * `BOS prompt SEP completion EOS`; the model reads row[0..L-2] and is scored on row[1..L-1]
 * only where the target is a completion token or the final EOS (the prompt and SEP are
 * context, never targets). Generation feeds `BOS prompt SEP` and reads until EOS.
 */
import type { Tokenizer } from "../model/tokenizer.ts";
import type { Example } from "./format.ts";

export type { Example } from "./format.ts";

export interface EncodedExample {
  /** BOS prompt SEP completion EOS, cut to fit the context. */
  ids: number[];
  /** Index in `ids` of the first token that is a target (the first completion token). */
  completionStart: number;
  /** True when the example was longer than blockSize + 1 and was cut. */
  truncated: boolean;
}

/**
 * The token ids generation starts from: BOS prompt SEP, in at most `room` tokens. A long
 * prompt loses its beginning, as encodeExample cuts it in training, so the model sees BOS and
 * SEP where it learnt them.
 */
export function promptIds(tokenizer: Tokenizer, prompt: string, room = Infinity): number[] {
  const body = tokenizer.encode(prompt);
  const keep = Math.max(0, room - 2);
  return [tokenizer.special.bos, ...body.slice(Math.max(0, body.length - keep)), tokenizer.special.sep];
}

/**
 * Encodes one example to fit `blockSize` model positions (a row of at most blockSize + 1
 * tokens). A long prompt loses its beginning (the part nearest the completion matters most);
 * if the completion alone does not fit, its end is cut and EOS dropped, so the model is never
 * taught to stop where the text did not.
 */
export function encodeExample(tokenizer: Tokenizer, example: Example, blockSize: number): EncodedExample {
  const { bos, sep, eos } = tokenizer.special;
  let prompt = tokenizer.encode(example.prompt);
  let completion = [...tokenizer.encode(example.completion), eos];
  const room = blockSize + 1;
  let truncated = false;
  if (2 + prompt.length + completion.length > room) {
    truncated = true;
    const promptRoom = Math.max(0, room - 2 - completion.length);
    prompt = prompt.slice(prompt.length - promptRoom);
    if (2 + prompt.length + completion.length > room) completion = completion.slice(0, Math.max(1, room - 2));
  }
  return { ids: [bos, ...prompt, sep, ...completion], completionStart: prompt.length + 2, truncated };
}

