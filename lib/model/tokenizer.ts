/**
 * Tokenizers: text ⇄ token ids, with the four special tokens every training example uses.
 *
 * An example is laid out as `BOS prompt SEP completion EOS`, padded with PAD (see
 * lib/prompts/encode.ts). Two built-in tokenizers, both small enough for tiny models:
 *
 * - `ByteTokenizer` (the default): ids 0–255 are the UTF-8 bytes, then PAD=256, BOS=257,
 *   EOS=258, SEP=259; vocabSize 260. Needs no data and never meets an unknown character.
 * - `CharTokenizer`: a character vocabulary built from data: PAD=0, BOS=1, EOS=2, SEP=3, UNK=4,
 *   then the characters seen, sorted. Use it when the model's vocabulary must be smaller
 *   (config A has 128).
 *
 * An HF `tokenizer.json` is wrapped by `HFTokenizer` (tokenizer-hf.ts). Every tokenizer can be
 * written as a JSON spec and rebuilt from it; checkpoints store the spec next to the weights.
 */
import { DataError, UsageError } from "../errors.ts";
import { HFTokenizer, type HFTokenizerSpec } from "./tokenizer-hf.ts";
import { WordTokenizer, type WordTokenizerSpec } from "./tokenizer-word.ts";

export interface SpecialTokens {
  pad: number;
  bos: number;
  eos: number;
  sep: number;
}

export interface Tokenizer {
  readonly kind: "byte" | "char" | "hf" | "word";
  readonly vocabSize: number;
  readonly special: SpecialTokens;
  /** Ids of the text alone, without special tokens. */
  encode(text: string): number[];
  /** Text of the ids; special tokens are dropped. */
  decode(ids: readonly number[]): string;
  /** A JSON-serialisable description that `tokenizerFromSpec` rebuilds exactly. */
  toSpec(): TokenizerSpec;
}

export type TokenizerSpec =
  | { kind: "byte" }
  | { kind: "char"; chars: string[] }
  | HFTokenizerSpec
  | WordTokenizerSpec;

function isSpecial(special: SpecialTokens, id: number): boolean {
  return id === special.pad || id === special.bos || id === special.eos || id === special.sep;
}

export class ByteTokenizer implements Tokenizer {
  readonly kind = "byte";
  readonly vocabSize = 260;
  readonly special: SpecialTokens = { pad: 256, bos: 257, eos: 258, sep: 259 };
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });

  encode(text: string): number[] {
    return Array.from(this.encoder.encode(text));
  }

  decode(ids: readonly number[]): string {
    return this.decoder.decode(Uint8Array.from(ids.filter((id) => id >= 0 && id < 256)));
  }

  toSpec(): TokenizerSpec {
    return { kind: "byte" };
  }
}

export class CharTokenizer implements Tokenizer {
  readonly kind = "char";
  readonly special: SpecialTokens = { pad: 0, bos: 1, eos: 2, sep: 3 };
  static readonly UNK = 4;
  private static readonly FIRST_CHAR = 5;
  readonly vocabSize: number;
  private readonly ids: Map<string, number>;

  /** `chars`: the vocabulary's characters in id order (ids start at 5). */
  constructor(readonly chars: readonly string[]) {
    this.ids = new Map(chars.map((c, i) => [c, i + CharTokenizer.FIRST_CHAR]));
    if (this.ids.size !== chars.length) throw new UsageError("CharTokenizer: the character list has duplicates.");
    this.vocabSize = chars.length + CharTokenizer.FIRST_CHAR;
  }

  /** The characters of `texts`, sorted; `maxVocab` caps the vocabulary (rarest characters → UNK). */
  static fromTexts(texts: Iterable<string>, options: { maxVocab?: number } = {}): CharTokenizer {
    const counts = new Map<string, number>();
    for (const text of texts) for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    let chars = [...counts.keys()];
    const room = options.maxVocab === undefined ? Infinity : options.maxVocab - CharTokenizer.FIRST_CHAR;
    if (room < 1) throw new UsageError(`CharTokenizer: maxVocab must be at least ${CharTokenizer.FIRST_CHAR + 1}, got ${options.maxVocab}.`);
    if (chars.length > room) {
      // Keep the most frequent characters; ties broken by code point so the choice is stable.
      chars.sort((x, y) => counts.get(y)! - counts.get(x)! || (x < y ? -1 : 1));
      chars = chars.slice(0, room);
    }
    return new CharTokenizer(chars.sort());
  }

  encode(text: string): number[] {
    return Array.from(text, (c) => this.ids.get(c) ?? CharTokenizer.UNK);
  }

  decode(ids: readonly number[]): string {
    let out = "";
    for (const id of ids) {
      if (isSpecial(this.special, id)) continue;
      out += id === CharTokenizer.UNK ? "\uFFFD" : (this.chars[id - CharTokenizer.FIRST_CHAR] ?? "\uFFFD");
    }
    return out;
  }

  toSpec(): TokenizerSpec {
    return { kind: "char", chars: [...this.chars] };
  }
}

/** Rebuilds a tokenizer from its spec; `source` names where the spec came from, for errors. */
export function tokenizerFromSpec(spec: unknown, source = "tokenizer spec"): Tokenizer {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  if (kind === "byte") return new ByteTokenizer();
  if (kind === "char") {
    const chars = (spec as { chars?: unknown }).chars;
    if (!Array.isArray(chars) || !chars.every((c) => typeof c === "string")) {
      throw new DataError("a char tokenizer needs \"chars\": an array of strings.", { file: source, field: "chars" });
    }
    return new CharTokenizer(chars);
  }
  if (kind === "hf") return HFTokenizer.fromSpec(spec as HFTokenizerSpec, source);
  if (kind === "word") return WordTokenizer.fromSpec(spec as WordTokenizerSpec, source);
  throw new DataError(`unknown tokenizer kind ${JSON.stringify(kind)}; expected "byte", "char", "hf" or "word".`, { file: source, field: "kind" });
}
