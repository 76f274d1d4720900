/** Small classification tasks for the transform tests (independent of the built-in ones). */
import { Rng } from "../../lib/rng.ts";
import type { ClassificationTask } from "../../lib/collections/types.ts";

const GOOD = ["great", "lovely", "superb", "fine"];
const BAD = ["awful", "dull", "poor", "bad"];

export const sentiment: ClassificationTask = {
  name: "toy-sentiment",
  labels: ["negative", "positive"],
  role: "eval",
  instruction: "Is the review positive or negative?",
  generate(n, seed) {
    const rng = new Rng(seed);
    return Array.from({ length: n }, (_, i) => {
      const positive = rng.next() < 0.5;
      return { input: `review ${i}: a ${rng.pick(positive ? GOOD : BAD)} film`, label: positive ? "positive" : "negative" };
    });
  },
};

export const topic: ClassificationTask = {
  name: "toy-topic",
  labels: ["sports", "science", "politics"],
  role: "train",
  instruction: "What is the topic of the headline?",
  generate(n, seed) {
    const rng = new Rng(seed);
    const words: Record<string, string[]> = { sports: ["goal", "match"], science: ["atom", "cell"], politics: ["vote", "law"] };
    return Array.from({ length: n }, (_, i) => {
      const label = rng.pick(this.labels);
      return { input: `headline ${i} about the ${rng.pick(words[label]!)}`, label };
    });
  },
};
