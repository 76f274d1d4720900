import { describe, expect, it } from "vitest";
import { toPrompt } from "../../lib/prompts/format.ts";
import { iclCollection, iclPrompts, PROMPT_FORMATS, renderIclPrompt, formatByName } from "../../lib/transforms/icl.ts";
import { symbolPool } from "../../lib/transforms/labels.ts";
import { symbolTuningCollection } from "../../lib/transforms/symbol-tune.ts";
import { sentiment, topic } from "./tasks.ts";

/** The label shown after each output marker, in prompt order (exemplars, then the query's empty one). */
function shownLabels(prompt: string, outputMarker: string): string[] {
  return prompt
    .split("\n")
    .filter((line) => line.startsWith(`${outputMarker} `))
    .map((line) => line.slice(outputMarker.length + 1));
}

describe("prompt formats", () => {
  it("renders the paper's formats: marked lines, and x -> y inline", () => {
    const exemplars = [{ input: "a good film", shown: "positive" }];
    expect(renderIclPrompt(formatByName("input-output"), exemplars, "a bad film")).toBe("Input: a good film\nOutput: positive\n\nInput: a bad film\nOutput: ");
    expect(renderIclPrompt(formatByName("student-teacher"), exemplars, "x", "Classify.")).toBe(
      "Classify.\n\nStudent: a good film\nTeacher: positive\n\nStudent: x\nTeacher: ",
    );
    expect(renderIclPrompt(formatByName("x-y"), exemplars, "x")).toBe("X = a good film\nY = positive\n\nX = x\nY = ");
    expect(renderIclPrompt(formatByName("arrow"), exemplars, "x")).toBe("a good film -> positive\nx -> ");
    const names = PROMPT_FORMATS.map((f) => f.name);
    for (const name of ["input-output", "input-target", "question-answer", "student-teacher", "x-y", "q-a", "arrow"]) expect(names).toContain(name);
  });

  it("rejects an unknown format by name", () => {
    expect(() => formatByName("json")).toThrow('unknown prompt format "json"');
  });
});

describe("in-context prompts", () => {
  it("has k exemplars per class, then the query; the completion is the query's label", () => {
    const prompts = iclPrompts(topic, 20, { k: 3, seed: 1, format: "input-label" });
    for (const p of prompts) {
      const counts = Object.fromEntries(topic.labels.map((l) => [l, p.meta.exemplarLabels.filter((e) => e === l).length]));
      expect(counts).toEqual({ sports: 3, science: 3, politics: 3 });
      const shown = shownLabels(p.prompt, "Label:");
      expect(shown.length).toBe(10);
      expect(shown.at(-1)).toBe("");
      expect(shown.slice(0, -1)).toEqual(p.meta.exemplarLabels);
      expect(p.completion).toBe(p.meta.queryLabel);
      expect(p.prompt.endsWith("Label: ")).toBe(true);
    }
  });

  it("covers the four settings: instruction yes/no × relevant labels yes/no, same exemplars in each", () => {
    const settings = [
      { instruction: false, relevantLabels: true },
      { instruction: true, relevantLabels: true },
      { instruction: false, relevantLabels: false },
      { instruction: true, relevantLabels: false },
    ];
    const runs = settings.map((s) => iclPrompts(sentiment, 10, { k: 4, seed: 5, format: "q-a", ...s }));
    for (let i = 0; i < 10; i++) {
      const exemplars = runs.map((r) => r[i]!.meta.exemplarLabels.join());
      expect(new Set(exemplars).size).toBe(1);
      expect(runs[1]![i]!.prompt.startsWith("Is the review positive or negative?\n\nQ: ")).toBe(true);
      expect(runs[0]![i]!.prompt.startsWith("Q: ")).toBe(true);
      // Symbol labels come from the held-out pool, one distinct symbol per class.
      const symbols = Object.values(runs[2]![i]!.meta.labels);
      expect(new Set(symbols).size).toBe(2);
      const held = new Set(symbolPool("eval").all);
      expect(symbols.every((s) => held.has(s))).toBe(true);
      expect(runs[2]![i]!.completion).toBe(runs[2]![i]!.meta.labels[runs[2]![i]!.meta.queryLabel]);
    }
  });

  it("flips exactly the binary labels of the exemplars and of the query", () => {
    for (const relevantLabels of [true, false]) {
      const plain = iclPrompts(sentiment, 30, { k: 4, seed: 8, format: "input-output", relevantLabels });
      const flipped = iclPrompts(sentiment, 30, { k: 4, seed: 8, format: "input-output", relevantLabels, flip: true });
      for (let i = 0; i < 30; i++) {
        const a = plain[i]!;
        const b = flipped[i]!;
        const [l0, l1] = Object.values(a.meta.labels) as [string, string];
        const swap = (s: string) => (s === l0 ? l1 : s === l1 ? l0 : s);
        expect(b.meta.labels).toEqual(a.meta.labels);
        // Same prompt text except every label line swapped; the answer swapped too.
        const swapLines = (prompt: string) => prompt.split("\n").map((line) => (line.startsWith("Output: ") ? `Output: ${swap(line.slice(8))}` : line)).join("\n");
        expect(b.prompt).toBe(swapLines(a.prompt));
        expect(b.completion).toBe(swap(a.completion));
        expect(b.completion).not.toBe(a.completion);
      }
    }
  });

  it("refuses to flip a task that is not binary", () => {
    expect(() => iclPrompts(topic, 1, { k: 2, seed: 0, flip: true })).toThrow('flipped labels need a binary task; "toy-topic" has 3 labels');
  });

  it("is reproducible by seed and uses many formats when random", () => {
    const a = iclCollection([sentiment, topic], 40, { k: 2, seed: 3 });
    expect(a.toJSONL("rows")).toBe(iclCollection([sentiment, topic], 40, { k: 2, seed: 3 }).toJSONL("rows"));
    expect(new Set(a.rows.map((r) => r.meta.format)).size).toBeGreaterThan(5);
    expect(toPrompt(a.rows[0]!).prompt).toBe(a.rows[0]!.input);
  });
});

describe("symbol-tuning collection", () => {
  const tuned = symbolTuningCollection([sentiment, topic], { perTask: 100, seed: 2 });

  it("has no instruction, arbitrary training-pool symbols, 2–10 exemplars per class", () => {
    expect(tuned.size).toBe(200);
    const pool = new Set(symbolPool("train").all);
    const ks = new Set<number>();
    for (const row of tuned.rows) {
      const meta = row.meta as unknown as { instruction: boolean; labels: Record<string, string>; k: number; exemplarLabels: string[]; relevantLabels: boolean };
      expect(row.instruction).toBe("");
      expect(meta.instruction).toBe(false);
      expect(meta.relevantLabels).toBe(false);
      expect(Object.values(meta.labels).every((s) => pool.has(s))).toBe(true);
      expect(row.output).toBe(meta.labels[row.meta.queryLabel as string]);
      expect(meta.k).toBeGreaterThanOrEqual(2);
      expect(meta.k).toBeLessThanOrEqual(10);
      ks.add(meta.k);
      expect(row.input).not.toContain("Is the review positive or negative?");
      // The task's own natural labels never appear, not even as a drawn symbol.
      const own = row.task === sentiment.name ? sentiment.labels : topic.labels;
      for (const label of own) expect(row.input.split(/\s+/)).not.toContain(label);
    }
    expect(ks.size).toBeGreaterThan(5);
    expect(new Set(tuned.rows.map((r) => r.meta.format)).size).toBeGreaterThan(5);
  });

  it("reproduces byte for byte from its seed", () => {
    expect(symbolTuningCollection([sentiment, topic], { perTask: 100, seed: 2 }).toJSONL("messages")).toBe(tuned.toJSONL("messages"));
    expect(symbolTuningCollection([sentiment, topic], { perTask: 100, seed: 3 }).toJSONL("messages")).not.toBe(tuned.toJSONL("messages"));
  });
});
