/**
 * A word-level tokenizer with a byte fallback, fit for the toy world: a label, a symbol or a
 * word of the data is one token, every digit is its own token (so a model can read a number's
 * digits), and any string outside the vocabulary still encodes, as its UTF-8 bytes.
 *
 * Text is cut into pieces: a word of ASCII letters with at most one leading space (" even"),
 * one digit with at most one leading space (" 7"), one other character with at most one leading
 * space (" ->" is two pieces " -" and ">"), or one whitespace character. A piece in the
 * vocabulary is one id; any other piece is its bytes. Decoding concatenates, so
 * decode(encode(s)) === s for every string.
 *
 * Ids: PAD=0, BOS=1, EOS=2, SEP=3, bytes 4–259, then the words in the order given.
 */
import { DataError, UsageError } from "../errors.ts";
import type { SpecialTokens, Tokenizer, TokenizerSpec } from "./tokenizer.ts";

export interface WordTokenizerSpec {
  kind: "word";
  /** The vocabulary's pieces in id order (ids start at FIRST_WORD). */
  words: string[];
}

const FIRST_BYTE = 4;
const FIRST_WORD = FIRST_BYTE + 256;
/** Every character falls in exactly one alternative, so the pieces cover the text. */
const PIECE = / ?[A-Za-z]+| ?[0-9]| ?[^\sA-Za-z0-9]|\s/gu;

/** The pieces of `text` in order; their concatenation is `text`. */
export function wordPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

export class WordTokenizer implements Tokenizer {
  readonly kind = "word";
  readonly special: SpecialTokens = { pad: 0, bos: 1, eos: 2, sep: 3 };
  readonly vocabSize: number;
  private readonly ids: Map<string, number>;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });

  constructor(readonly words: readonly string[]) {
    this.ids = new Map();
    words.forEach((w, i) => {
      if (wordPieces(w).length !== 1 || wordPieces(w)[0] !== w) {
        throw new UsageError(`WordTokenizer: ${JSON.stringify(w)} is not a single piece (a word, a digit or one character, with at most one leading space).`);
      }
      if (this.ids.has(w)) throw new UsageError(`WordTokenizer: ${JSON.stringify(w)} is in the word list twice.`);
      this.ids.set(w, FIRST_WORD + i);
    });
    this.vocabSize = FIRST_WORD + words.length;
  }

  /**
   * A vocabulary from texts: every piece seen at least `minCount` times, the most frequent
   * first (ties by code order, so the same texts give the same ids), at most `maxWords`;
   * `always` pieces are included first whatever their count.
   */
  static fromTexts(texts: Iterable<string>, options: { minCount?: number; maxWords?: number; always?: readonly string[] } = {}): WordTokenizer {
    const { minCount = 2, maxWords = 4000, always = [] } = options;
    const counts = new Map<string, number>();
    for (const text of texts) for (const p of wordPieces(text)) counts.set(p, (counts.get(p) ?? 0) + 1);
    const fixed = [...new Set(always)];
    const chosen = new Set(fixed);
    const rest = [...counts.entries()]
      .filter(([p, n]) => n >= minCount && !chosen.has(p))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([p]) => p);
    return new WordTokenizer([...fixed, ...rest].slice(0, Math.max(maxWords, fixed.length)));
  }

  /** The id of a piece that is in the vocabulary, or undefined. */
  idOf(piece: string): number | undefined {
    return this.ids.get(piece);
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of wordPieces(text)) {
      const id = this.ids.get(piece);
      if (id !== undefined) out.push(id);
      else for (const b of this.encoder.encode(piece)) out.push(FIRST_BYTE + b);
    }
    return out;
  }

  decode(ids: readonly number[]): string {
    let out = "";
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) out += this.decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      if (id >= FIRST_BYTE && id < FIRST_WORD) {
        bytes.push(id - FIRST_BYTE);
        continue;
      }
      flush();
      if (id >= FIRST_WORD) out += this.words[id - FIRST_WORD] ?? "\uFFFD";
    }
    flush();
    return out;
  }

  toSpec(): TokenizerSpec {
    return { kind: "word", words: [...this.words] };
  }

  static fromSpec(spec: WordTokenizerSpec, source = "tokenizer spec"): WordTokenizer {
    const words = (spec as { words?: unknown }).words;
    if (!Array.isArray(words) || !words.every((w) => typeof w === "string")) {
      throw new DataError('a word tokenizer needs "words": an array of strings.', { file: source, field: "words" });
    }
    return new WordTokenizer(words);
  }
}
