import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../lib/backend/ladder.ts";
import { classificationTasks } from "../../lib/collections/classification/index.ts";
import type { Row } from "../../lib/collections/types.ts";
import { evaluateRows } from "../../lib/eval/evaluate.ts";
import { evaluateFlippedLabels, ICL_SETTINGS, iclEvalRows } from "../../lib/eval/icl.ts";
import { rankItemOf } from "../../lib/eval/rank.ts";
import * as tf from "@tensorflow/tfjs";
import { fol } from "../../lib/collections/families/fol.ts";
import { createGPT } from "../../lib/model/gpt.ts";
import { ByteTokenizer, CharTokenizer } from "../../lib/model/tokenizer.ts";
import { toPrompt } from "../../lib/prompts/format.ts";
import { train } from "../../lib/train/trainer.ts";

beforeAll(async () => {
  await initBackend();
});

function folRow(input: string, output: string): Row {
  return { task: "fol", domain: "FOL", form: "FOL", instruction: "", input, output, split: "test", meta: { source: "fol" } };
}

describe("evaluating a model by generating and checking", () => {
  it("scores memorised (held-in) rows correct by the FOL checker, and an unseen row by the same checker", async () => {
    const heldIn = [folRow("all a b", "forall x (A(x) -> B(x))"), folRow("some c", "exists x C(x)"), folRow("no d", "~exists x D(x)")];
    const heldOut = [folRow("all b a", "forall x (B(x) -> A(x))")];
    const examples = heldIn.map(toPrompt);
    const tokenizer = CharTokenizer.fromTexts([...heldIn, ...heldOut].flatMap((r) => [r.input, r.output, "\n"]));
    const model = createGPT({ vocabSize: tokenizer.vocabSize, blockSize: 48, nLayer: 1, nHead: 2, nEmbd: 48 }, 1);
    const trained = await train({ model, tokenizer, data: examples, steps: 150, batchSize: 3, lr: 1e-2, warmup: 5, weightDecay: 0.01 });
    expect(trained.losses.at(-1)).toBeLessThan(0.1);

    const inReport = await evaluateRows(model, tokenizer, heldIn, { families: [fol], name: "held-in" });
    expect(inReport.scored.map((s) => s.prediction)).toEqual(heldIn.map((r) => r.output));
    expect(inReport.accuracy).toBe(100);
    expect(inReport.byTask[0]).toMatchObject({ task: "fol", checker: "equivalence", n: 3, accuracy: 100 });

    const outReport = await evaluateRows(model, tokenizer, heldOut, { families: [fol], name: "held-out" });
    // Whatever the model writes for an unseen sentence, the checker decides by truth tables.
    const verdict = (await fol.check(heldOut[0]!, outReport.scored[0]!.prediction)).correct;
    expect(outReport.accuracy).toBe(verdict ? 100 : 0);
    const table = await outReport.table();
    expect(table.columns).toEqual(["task", "checker", "n", "accuracy", "exact_match", "token_f1", "score"]);
    model.dispose();
  });

  it("refuses an empty evaluation set", async () => {
    const model = createGPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 8 }, 0);
    await expect(evaluateRows(model, CharTokenizer.fromTexts(["ab"]), [])).rejects.toThrow("evaluate: no rows to evaluate on");
    model.dispose();
  });
});

describe("in-context settings and flipped labels", () => {
  const binary = classificationTasks.filter((t) => t.role === "eval" && t.labels.length === 2).slice(0, 2);

  it("builds the four settings over the same exemplars", () => {
    const [withInstr, , , neither] = ICL_SETTINGS.map((s) => iclEvalRows(binary, s, { perTask: 3, k: 2, seed: 5 }));
    expect(neither).toHaveLength(6);
    expect(withInstr![0]!.meta.queryLabel).toBe(neither![0]!.meta.queryLabel);
    expect(withInstr![0]!.input.startsWith(binary[0]!.instruction)).toBe(true);
    // Held-out symbols: the "neither" completions are not natural labels.
    expect(binary[0]!.labels).not.toContain(neither![0]!.output);
  });

  it("ranks the flipped label as the answer, among the labels shown", () => {
    const rows = iclEvalRows(binary, { name: "flipped labels", instruction: false, relevantLabels: true, flip: true }, { perTask: 4, k: 2, seed: 1 });
    for (const row of rows) {
      const item = rankItemOf(row);
      const task = binary.find((t) => t.name === row.task)!;
      expect([...item.candidates].sort()).toEqual([...task.labels].sort());
      expect(item.answer).not.toBe(row.meta.queryLabel);
      expect(item.candidates).toContain(row.meta.queryLabel);
    }
  });

  it("an indifferent model ranks by label length alone; the chance level is shown beside the accuracy", async () => {
    const tokenizer = new ByteTokenizer();
    const model = createGPT({ vocabSize: tokenizer.vocabSize, blockSize: 512, nLayer: 1, nHead: 1, nEmbd: 8 }, 0);
    // The final LayerNorm outputs zeros: every logit is 0, every label equally likely.
    model.variables["ln_f.weight"]!.assign(tf.zeros([8]));
    const options = { perTask: 3, k: 1, seed: 2 };
    const results = await evaluateFlippedLabels(model, tokenizer, binary, options);
    const average = results.at(-1)!;
    expect(average).toMatchObject({ setting: "flipped labels", task: "average", n: 6, refused: 0, chance: 50 });
    // Every token costs log V, so the summed score prefers the shorter label; equal lengths tie.
    const rows = iclEvalRows(binary, { name: "flipped labels", instruction: false, relevantLabels: true, flip: true }, options);
    const credit = (row: (typeof rows)[number]): number => {
      const other = rankItemOf(row).candidates.find((c) => c !== row.output)!;
      const [mine, theirs] = [tokenizer.encode(row.output).length, tokenizer.encode(other).length];
      return mine < theirs ? 1 : mine === theirs ? 0.5 : 0;
    };
    const perTask = binary.map((t) => rows.filter((r) => r.task === t.name).map(credit));
    const expected = (100 * perTask.reduce((a, c) => a + c.reduce((x, y) => x + y, 0) / c.length, 0)) / perTask.length;
    expect(average.accuracy).toBeCloseTo(expected, 6);
    model.dispose();
  });
});
