import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataError } from "../../lib/errors.ts";
import { HFTokenizer } from "../../lib/model/tokenizer-hf.ts";
import { ByteTokenizer, CharTokenizer, tokenizerFromSpec } from "../../lib/model/tokenizer.ts";

describe("ByteTokenizer", () => {
  const tok = new ByteTokenizer();

  it("encodes UTF-8 bytes and decodes them back, dropping special tokens", () => {
    expect(tok.encode("Aé")).toEqual([0x41, 0xc3, 0xa9]);
    const text = "SELECT name FROM t WHERE x > 3; -- ∀x P(x) ✓";
    expect(tok.decode([tok.special.bos, ...tok.encode(text), tok.special.eos])).toBe(text);
  });

  it("puts the special tokens after the 256 bytes", () => {
    expect(tok.special).toEqual({ pad: 256, bos: 257, eos: 258, sep: 259 });
    expect(tok.vocabSize).toBe(260);
  });
});

describe("CharTokenizer", () => {
  it("numbers the characters of the data after PAD, BOS, EOS, SEP, UNK and maps unseen ones to UNK", () => {
    const tok = CharTokenizer.fromTexts(["ba", "ab!"]);
    expect(tok.chars).toEqual(["!", "a", "b"]);
    expect(tok.special).toEqual({ pad: 0, bos: 1, eos: 2, sep: 3 });
    expect(tok.vocabSize).toBe(8);
    expect(tok.encode("ab?")).toEqual([6, 7, CharTokenizer.UNK]);
    expect(tok.decode([1, 6, 7, 2])).toBe("ab");
  });

  it("keeps the most frequent characters under maxVocab", () => {
    const tok = CharTokenizer.fromTexts(["aaab", "aac"], { maxVocab: 6 });
    expect(tok.chars).toEqual(["a"]);
    expect(tok.encode("ab")).toEqual([5, CharTokenizer.UNK]);
  });

  it("round-trips through its spec", () => {
    const tok = CharTokenizer.fromTexts(["hello wörld"]);
    const back = tokenizerFromSpec(JSON.parse(JSON.stringify(tok.toSpec())));
    expect(back.encode("world ö")).toEqual(tok.encode("world ö"));
    expect(back.vocabSize).toBe(tok.vocabSize);
  });

  it("rejects an unknown spec kind with the field named", () => {
    expect(() => tokenizerFromSpec({ kind: "sentencepiece" }, "ckpt/config.json")).toThrow(
      new DataError('unknown tokenizer kind "sentencepiece"; expected "byte", "char", "hf" or "word".', { file: "ckpt/config.json", field: "kind" }),
    );
  });
});

/** A tiny GPT-2-style byte-level BPE tokenizer.json with merges for "hello" and " wor". */
function tinyBpe(): Record<string, unknown> {
  const vocab: Record<string, number> = { "<|endoftext|>": 0, "<s>": 1, "<pad>": 2 };
  for (const piece of ["h", "e", "l", "o", "w", "r", "d", "Ġ", "!", "he", "ll", "hell", "hello", "Ġw", "or", "Ġwor"]) {
    vocab[piece] = Object.keys(vocab).length;
  }
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(0, "<|endoftext|>"), special(1, "<s>"), special(2, "<pad>")],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, vocab, merges: ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or"],
    },
  };
}

describe("HFTokenizer", () => {
  const dir = mkdtempSync(join(tmpdir(), "symtune-hf-"));
  const file = join(dir, "tokenizer.json");
  writeFileSync(file, JSON.stringify(tinyBpe()));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ eos_token: "<|endoftext|>", bos_token: { content: "<s>" } }));

  it("encodes with the file's merges and decodes back", () => {
    const tok = HFTokenizer.fromFile(file);
    const ids = tok.encode("hello world!");
    // "hello" and " wor" are single merged tokens; then l, d, !.
    expect(ids).toEqual([15, 18, 5, 9, 11]);
    expect(tok.decode([tok.special.bos, ...ids, tok.special.eos])).toBe("hello world!");
    expect(tok.vocabSize).toBe(19);
  });

  it("finds special tokens in tokenizer_config.json and by common names; SEP falls back to EOS", () => {
    expect(HFTokenizer.fromFile(file).special).toEqual({ eos: 0, bos: 1, pad: 2, sep: 0 });
    expect(HFTokenizer.fromFile(file, { special: { sep: "!" } }).special.sep).toBe(11);
  });

  it("round-trips through its spec (as stored in a checkpoint)", () => {
    const tok = HFTokenizer.fromFile(file);
    const back = tokenizerFromSpec(JSON.parse(JSON.stringify(tok.toSpec())));
    expect(back.encode("hello world!")).toEqual(tok.encode("hello world!"));
    expect(back.special).toEqual(tok.special);
  });

  it("says clearly when there is no EOS, a named special is missing, or the file is not JSON", () => {
    const json = tinyBpe();
    json.added_tokens = [];
    const vocab = (json.model as { vocab: Record<string, number> }).vocab;
    delete vocab["<|endoftext|>"];
    expect(() => HFTokenizer.fromObjects(json)).toThrow(
      'tokenizer.json: no end-of-sequence token found (tried eos_token in tokenizer_config.json and </s>, <|endoftext|>, <eos>, [EOS], <|im_end|>); pass special: { eos: "<token>" }.',
    );
    expect(() => HFTokenizer.fromFile(file, { special: { sep: "<sep>" } })).toThrow(
      `${file}: the special token "<sep>" given for sep is not in the vocabulary.`,
    );
    const bad = join(dir, "broken.json");
    writeFileSync(bad, "{ not json");
    expect(() => HFTokenizer.fromFile(bad)).toThrow(new RegExp(`^${bad.replace(/[.]/g, "\\.")}: not valid JSON: `));
  });
});
