import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { loadCheckpoint, saveCheckpoint } from "../../lib/model/checkpoint.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { tokenizerFromSpec } from "../../lib/model/tokenizer.ts";
import { WordTokenizer, wordPieces } from "../../lib/model/tokenizer-word.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("WordTokenizer", () => {
  const tok = WordTokenizer.fromTexts(["734: even\n512: odd\n", "Is the number even or odd?"], { minCount: 1, always: [" foo"] });

  it("makes a label, a symbol and each digit one token", () => {
    expect(tok.encode(" even")).toHaveLength(1);
    expect(tok.encode(" foo")).toHaveLength(1);
    expect(tok.encode("734")).toEqual([tok.idOf("7"), tok.idOf("3"), tok.idOf("4")]);
    expect(tok.encode("734: even\n")).toHaveLength(6);
  });

  it("encodes strings outside the vocabulary as bytes and round-trips any text", () => {
    for (const text of ["734: even\n", " zyzzyva qux", "∀x P(x) ✓ — naïve\t  two  spaces\n\n", "", "emoji 🙂 and 中文"]) {
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
    expect(tok.encode(" zz")).toEqual([4 + 32, 4 + 122, 4 + 122]); // " ", "z", "z" as bytes
  });

  it("cuts text into pieces that cover it exactly", () => {
    expect(wordPieces("Is 12 odd?\n")).toEqual(["Is", " 1", "2", " odd", "?", "\n"]);
  });

  it("drops special tokens on decode and is rebuilt from its spec, also through a checkpoint", () => {
    const { bos, eos, sep, pad } = tok.special;
    expect(tok.decode([bos, ...tok.encode("512: odd"), sep, eos, pad])).toBe("512: odd");
    const again = tokenizerFromSpec(JSON.parse(JSON.stringify(tok.toSpec())));
    expect(again.encode("734: even foo")).toEqual(tok.encode("734: even foo"));
    const model = createGPT({ vocabSize: tok.vocabSize, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 8 }, 1);
    const dir = saveCheckpoint(mkdtempSync(join(tmpdir(), "wordtok-")), { model, tokenizer: tok });
    const loaded = loadCheckpoint(dir);
    expect(loaded.tokenizer.kind).toBe("word");
    expect(loaded.tokenizer.decode(loaded.tokenizer.encode("Is 9 odd? qux"))).toBe("Is 9 odd? qux");
    expect(loaded.tokenizer.encode("Is 9 odd?")).toEqual(tok.encode("Is 9 odd?"));
    model.dispose();
    loaded.model.dispose();
  });

  it("refuses a word list entry that is not one piece, or a duplicate", () => {
    expect(() => new WordTokenizer(["two words"])).toThrow(/not a single piece/);
    expect(() => new WordTokenizer([" a", " a"])).toThrow(/twice/);
    expect(() => tokenizerFromSpec({ kind: "word", words: "abc" }, "x.json")).toThrow(/"words": an array of strings/);
  });
});
