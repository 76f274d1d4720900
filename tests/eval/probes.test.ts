import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { choiceAccuracy, copyGate, inductionProbe, type LogitModel } from "../../lib/eval/probes.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { WordTokenizer } from "../../lib/model/tokenizer-word.ts";

beforeAll(async () => {
  await initBackend("wasm");
});

const words = Array.from({ length: 40 }, (_, i) => ` w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
const tok = new WordTokenizer([...words, " yes", " no", "?"]);
const V = tok.vocabSize;

/** A hand-built model that copies: after token x it predicts what followed x's last earlier occurrence. */
function copier(): LogitModel {
  return {
    config: { vocabSize: V, blockSize: 64 },
    logits(idx) {
      const rows = idx.arraySync() as number[][];
      const out = rows.map((r) => r.map((x, t) => {
        const logits = new Array(V).fill(0);
        for (let j = t - 1; j >= 0; j--) if (r[j] === x) { logits[r[j + 1]!] = 20; break; }
        return logits;
      }));
      return tf.tensor3d(out);
    },
  };
}

/** A hand-built model that always prefers one token. */
function prefers(id: number): LogitModel {
  return {
    config: { vocabSize: V, blockSize: 64 },
    logits(idx) {
      const [B, T] = idx.shape;
      return tf.tidy(() => tf.mul(tf.oneHot(tf.fill([B, T], id, "int32"), V), 5).reshape([B, T, V]) as tf.Tensor3D);
    },
  };
}

describe("inductionProbe", () => {
  const pool = words.map((w) => tok.idOf(w)!);

  it("finds the repeat nearly free for a model that copies, and passes the copy gate", async () => {
    const r = await inductionProbe(copier(), tok, { n: 16, length: 8, pool });
    expect(r.repeat).toBeLessThan(0.01);
    expect(r.first).toBeGreaterThan(3);
    expect(copyGate(r).passed).toBe(true);
  });

  it("finds no difference for a model that cannot copy (fresh weights), and fails the gate", async () => {
    const model = createGPT({ vocabSize: V, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16 }, 3);
    const r = await inductionProbe(model, tok, { n: 16, length: 8, pool });
    expect(Math.abs(r.repeat - r.first)).toBeLessThan(0.1);
    expect(r.first).toBeCloseTo(Math.log(V), 0);
    expect(copyGate(r).passed).toBe(false);
    model.dispose();
  });

  it("refuses sequences that do not fit the context", async () => {
    await expect(inductionProbe(copier(), tok, { length: 40, pool })).rejects.toThrow(/do not fit a context of 64/);
  });
});

describe("choiceAccuracy", () => {
  const rows = [
    { framing: "question" as const, prompt: "wa?", candidates: [" yes", " no"], answer: 0 },
    { framing: "question" as const, prompt: "wb?", candidates: [" yes", " no"], answer: 1 },
    { framing: "text" as const, prompt: "wa wb wc", candidates: [" no", " yes"], answer: 1 },
    { framing: "text" as const, prompt: " wa".repeat(70), candidates: [" no", " yes"], answer: 1 },
  ];

  it("ranks the candidates by likelihood, refuses rows that do not fit, and states chance", async () => {
    const a = await choiceAccuracy(prefers(tok.idOf(" yes")!), tok, rows);
    expect(a.correct).toEqual([1, 0, 1, undefined]);
    expect(a).toMatchObject({ n: 3, refused: 1, chance: 0.5 });
    expect(a.accuracy).toBeCloseTo(2 / 3);
    const b = await choiceAccuracy(prefers(tok.idOf(" no")!), tok, rows);
    expect(b.correct).toEqual([0, 1, 0, undefined]);
  });
});
