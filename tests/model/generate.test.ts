import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIds } from "../../lib/model/generate.ts";
import { generate } from "../../lib/prompts/generate.ts";
import type { GPT } from "../../lib/model/gpt.ts";
import { promptIds } from "../../lib/prompts/encode.ts";
import { train } from "../../lib/train/trainer.ts";
import { useTestBackend } from "../train/backend.ts";
import { charTokenizer as tok, reversals, tinyModel } from "../train/fixtures.ts";

let model: GPT;

beforeAll(async () => {
  await useTestBackend();
  model = tinyModel(41); // context 16
  await train({ model, tokenizer: tok, data: reversals, steps: 120, batchSize: 4, lr: 1e-2, warmup: 5, seed: 3 });
});

afterAll(() => model.dispose());

describe("KV cache", () => {
  it("greedy generation with the cache equals recomputing the whole context, token for token, past the context length", async () => {
    const prompts = ["cat", "hello", "a", "moonstar"].map((p) => promptIds(tok, p));
    const before = tf.memory().numTensors;
    // 24 new tokens run every row past blockSize (16): the cache fills and generation slides.
    const cached = await generateIds(model, prompts, { maxNewTokens: 24 });
    const uncached = await generateIds(model, prompts, { maxNewTokens: 24, useCache: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(cached.map((r) => r.length)).toEqual([24, 24, 24, 24]);
    expect(cached).toEqual(uncached);
    // Batching prompts of different lengths gives what each prompt gives alone.
    for (const [i, prompt] of prompts.entries()) {
      expect(await generateIds(model, [prompt], { maxNewTokens: 24 })).toEqual([cached[i]]);
    }
  });
});

describe("generate", () => {
  it("completes prompts as trained and says why each row stopped", async () => {
    const out = await generate(model, tok, ["cat", "hello", "tree"], { maxNewTokens: 10 });
    expect(out.map((g) => [g.text, g.finishReason])).toEqual([["tac", "eos"], ["olleh", "eos"], ["eert", "eos"]]);
    expect(out[0]!.ids).toEqual(tok.encode("tac"));
  });

  it("stops at maxNewTokens and at a stop sequence, which is cut from the text", async () => {
    expect(await generate(model, tok, "hello", { maxNewTokens: 2 })).toEqual([{ text: "ol", ids: tok.encode("ol"), finishReason: "length" }]);
    const [stopped] = await generate(model, tok, "hello", { maxNewTokens: 10, stop: ["ll"] });
    expect(stopped!.text).toBe("o");
    expect(stopped!.finishReason).toBe("stop");
  });

  it("samples reproducibly by seed; top-k 1 is greedy", async () => {
    const prompts = ["moon", "dog"];
    const opts = { maxNewTokens: 12, temperature: 2 };
    const a = await generate(model, tok, prompts, { ...opts, seed: 1 });
    expect(await generate(model, tok, prompts, { ...opts, seed: 1 })).toEqual(a);
    const others = await Promise.all([2, 3, 4].map((seed) => generate(model, tok, prompts, { ...opts, seed })));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
    expect(await generate(model, tok, prompts, { ...opts, topK: 1 })).toEqual(await generate(model, tok, prompts, { maxNewTokens: 12 }));
  });
});

describe("prompt framing", () => {
  it("cuts a prompt longer than the room from its beginning and keeps BOS and SEP, as training does", () => {
    const long = "abcdefghijklmnopqrstuvwxyz".repeat(4);
    const ids = promptIds(tok, long, 12);
    expect(ids).toHaveLength(12);
    expect(ids[0]).toBe(tok.special.bos);
    expect(ids[11]).toBe(tok.special.sep);
    expect(ids.slice(1, -1)).toEqual(tok.encode(long).slice(-10));
    expect(promptIds(tok, "cat", 12)).toEqual(promptIds(tok, "cat"));
  });
});
