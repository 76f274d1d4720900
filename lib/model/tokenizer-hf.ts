/**
 * A Hugging Face `tokenizer.json` as a symtune Tokenizer, through `@huggingface/tokenizers`
 * (pure JS, no hub access: the file is read from disk).
 *
 * The four special tokens are looked up, in order: the `special` option (token strings), the
 * sibling `tokenizer_config.json` (`bos_token`, `eos_token`, `pad_token`, `sep_token`), then
 * common names (`<s>`, `</s>`, `<pad>`, `[SEP]`, `<|endoftext|>`…). EOS is required; a missing
 * BOS, SEP or PAD falls back to EOS, as GPT-2-style tokenizers have only one special token.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Tokenizer as HFCore } from "@huggingface/tokenizers";
import { DataError } from "../errors.ts";
import type { SpecialTokens, Tokenizer, TokenizerSpec } from "./tokenizer.ts";

export interface HFTokenizerSpec {
  kind: "hf";
  tokenizer: Record<string, unknown>;
  config: Record<string, unknown>;
  special: SpecialTokens;
}

type SpecialNames = Partial<Record<keyof SpecialTokens, string>>;

const COMMON_NAMES: Record<keyof SpecialTokens, string[]> = {
  eos: ["</s>", "<|endoftext|>", "<eos>", "[EOS]", "<|im_end|>"],
  bos: ["<s>", "<bos>", "[BOS]", "[CLS]", "<|im_start|>"],
  pad: ["<pad>", "[PAD]"],
  sep: ["<sep>", "[SEP]"],
};

function configTokenName(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

export class HFTokenizer implements Tokenizer {
  readonly kind = "hf";
  readonly vocabSize: number;
  readonly special: SpecialTokens;
  private readonly core: HFCore;
  private readonly specialIds: Set<number>;

  private constructor(
    private readonly json: Record<string, unknown>,
    private readonly config: Record<string, unknown>,
    source: string,
    special: SpecialNames | SpecialTokens,
  ) {
    try {
      this.core = new HFCore(json, config);
    } catch (error) {
      throw new DataError(`not a tokenizer.json that @huggingface/tokenizers can load: ${(error as Error).message}`, { file: source });
    }
    const vocab = this.core.get_vocab(true);
    this.vocabSize = Math.max(-1, ...vocab.values()) + 1;
    this.special = this.resolveSpecial(special, source);
    this.specialIds = new Set(Object.values(this.special));
  }

  /** Reads `tokenizer.json` (and `tokenizer_config.json` beside it, when present). */
  static fromFile(path: string, options: { special?: SpecialNames } = {}): HFTokenizer {
    const json = readJson(path);
    const configPath = join(dirname(path), "tokenizer_config.json");
    const config = existsSync(configPath) ? readJson(configPath) : {};
    return new HFTokenizer(json, config, path, options.special ?? {});
  }

  /** From already-parsed objects (e.g. fetched by the caller). */
  static fromObjects(json: Record<string, unknown>, config: Record<string, unknown> = {}, options: { special?: SpecialNames } = {}): HFTokenizer {
    return new HFTokenizer(json, config, "tokenizer.json", options.special ?? {});
  }

  static fromSpec(spec: HFTokenizerSpec, source: string): HFTokenizer {
    if (!spec.tokenizer || typeof spec.tokenizer !== "object") {
      throw new DataError("an hf tokenizer spec needs \"tokenizer\": the tokenizer.json object.", { file: source, field: "tokenizer" });
    }
    return new HFTokenizer(spec.tokenizer, spec.config ?? {}, source, spec.special);
  }

  encode(text: string): number[] {
    return this.core.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return this.core.decode(ids.filter((id) => !this.specialIds.has(id)), { skip_special_tokens: false });
  }

  toSpec(): TokenizerSpec {
    return { kind: "hf", tokenizer: this.json, config: this.config, special: { ...this.special } };
  }

  private resolveSpecial(given: SpecialNames | SpecialTokens, source: string): SpecialTokens {
    const idOf = (role: keyof SpecialTokens): number | undefined => {
      const value = given[role];
      if (typeof value === "number") return value;
      const candidates = [value, configTokenName(this.config[`${role}_token`]), ...COMMON_NAMES[role]];
      for (const name of candidates) {
        if (name === undefined) continue;
        const id = this.core.token_to_id(name);
        if (id !== undefined) return id;
        if (name === value) {
          throw new DataError(`the special token ${JSON.stringify(name)} given for ${role} is not in the vocabulary.`, { file: source });
        }
      }
      return undefined;
    };
    const eos = idOf("eos");
    if (eos === undefined) {
      throw new DataError(
        `no end-of-sequence token found (tried eos_token in tokenizer_config.json and ${COMMON_NAMES.eos.join(", ")}); pass special: { eos: "<token>" }.`,
        { file: source },
      );
    }
    return { eos, bos: idOf("bos") ?? eos, pad: idOf("pad") ?? eos, sep: idOf("sep") ?? eos };
  }
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DataError(`cannot read the file: ${(error as Error).message}`, { file: path });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, { file: path });
  }
  throw new DataError("expected a JSON object at the top level.", { file: path });
}
