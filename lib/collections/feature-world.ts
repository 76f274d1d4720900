/**
 * The feature world: binary tasks whose class is a surface feature of a three-digit number, so
 * a small model can compute every task's answer from its input (the WordNet/AFINN tasks need a
 * lexicon it cannot hold). Each task has a natural label pair of one word each; ten are used
 * for symbol tuning ("tune") and five are held out of it ("heldout") to measure unseen-task and
 * flipped-label ICL. The base model learns all fifteen (zero-shot and natural-label ICL), as an
 * LLM knows sentiment before symbol tuning.
 *
 * One format for everything, so exemplar and query labels are framed the same way:
 *
 *   [instruction\n]734: even\n512: odd\n…128:  → " odd"
 *
 * An episode is a text whose last line is the query without its label; the answer is scored as
 * the next token(s) after it (lib/eval/probes.ts). Zero-shot = instruction and query only.
 */
import { deriveSeed, Rng } from "../rng.ts";

export interface FeatureTask {
  name: string;
  /** [label of class 0, label of class 1], each one word. */
  labels: readonly [string, string];
  instruction: string;
  role: "tune" | "heldout";
  /** The class (0 or 1) of a three-digit number. */
  classify(n: number): 0 | 1;
}

const digits = (n: number) => [Math.floor(n / 100), Math.floor(n / 10) % 10, n % 10] as const;
const task = (name: string, labels: [string, string], instruction: string, role: FeatureTask["role"], is1: (a: number, b: number, c: number) => boolean): FeatureTask => ({
  name, labels, instruction, role, classify: (n) => (is1(...digits(n)) ? 1 : 0),
});

export const FEATURE_TASKS: readonly FeatureTask[] = [
  task("parity", ["even", "odd"], "Is the number even or odd?", "tune", (_a, _b, c) => c % 2 === 1),
  task("first_high", ["low", "high"], "Is the first digit low or high?", "tune", (a) => a >= 5),
  task("has_seven", ["none", "seven"], "Does the number contain a seven?", "tune", (a, b, c) => a === 7 || b === 7 || c === 7),
  task("rising", ["down", "up"], "Is the last digit above the first?", "tune", (a, _b, c) => c > a),
  task("repeat", ["unique", "twin"], "Does a digit repeat?", "tune", (a, b, c) => a === b || b === c || a === c),
  task("middle_zero", ["solid", "hollow"], "Is the middle digit zero?", "tune", (_a, b) => b === 0),
  task("last_big", ["small", "big"], "Is the last digit big?", "tune", (_a, _b, c) => c >= 5),
  task("first_odd", ["calm", "wild"], "Is the first digit odd?", "tune", (a) => a % 2 === 1),
  task("has_one", ["empty", "single"], "Does the number contain a one?", "tune", (a, b, c) => a === 1 || b === 1 || c === 1),
  task("middle_odd", ["cold", "warm"], "Is the middle digit odd?", "tune", (_a, b) => b % 2 === 1),
  task("has_three", ["other", "three"], "Does the number contain a three?", "heldout", (a, b, c) => a === 3 || b === 3 || c === 3),
  task("middle_high", ["short", "tall"], "Is the middle digit high?", "heldout", (_a, b) => b >= 5),
  task("ends_round", ["rough", "round"], "Does the number end in zero or five?", "heldout", (_a, _b, c) => c === 0 || c === 5),
  task("same_ends", ["different", "same"], "Are the first and last digits the same?", "heldout", (a, _b, c) => a === c),
  task("first_small", ["large", "tiny"], "Is the first digit below three?", "heldout", (a) => a < 3),
];

export const tuneTasks = () => FEATURE_TASKS.filter((t) => t.role === "tune");
export const heldoutTasks = () => FEATURE_TASKS.filter((t) => t.role === "heldout");

/**
 * Arbitrary label symbols (Wei et al. use random words and strings): a pool for symbol tuning
 * and a disjoint pool for evaluation, none of them a natural label. Each is one vocabulary word.
 */
export const TRAIN_SYMBOLS: readonly string[] = [
  "foo", "bar", "zap", "kip", "lum", "dax", "wug", "fep", "mib", "rond", "tov", "gaz", "quib", "sno", "vex", "jor",
  "plim", "kra", "yot", "nef", "blick", "zorp", "trab", "wem", "hux", "gol", "pid", "ral", "sut", "fim",
];
export const EVAL_SYMBOLS: readonly string[] = [
  "baz", "qux", "zib", "mox", "tep", "vun", "lorp", "gim", "dib", "kez", "nup", "yaf", "crem", "sniv", "wob", "jek",
];

/** The three-digit inputs are split once by parity of a hash: train inputs and held-out inputs. */
export function isHeldoutInput(n: number): boolean {
  return (Math.imul(n, 2654435761) >>> 0) % 5 === 0;
}

/** A number of the wanted class, from train (or held-out) inputs. */
export function drawInput(rng: Rng, t: FeatureTask, cls: 0 | 1, heldoutInputs = false): number {
  for (;;) {
    const n = rng.int(100, 999);
    if (isHeldoutInput(n) === heldoutInputs && t.classify(n) === cls) return n;
  }
}

export interface Episode {
  task: string;
  /** Everything before the query's label. */
  context: string;
  /** The candidate labels as scored after the context (with their leading space). */
  candidates: string[];
  /** Index of the correct candidate. */
  answer: number;
}

export interface EpisodeOptions {
  /** Exemplars per class (default 4); 0 gives a zero-shot question (then needs an instruction). */
  k?: number;
  instruction?: boolean;
  /** The two labels shown (default the task's natural labels). */
  labels?: readonly [string, string];
  /** Swap which class each label names in the exemplars and the answer (flipped labels). */
  flip?: boolean;
  heldoutInputs?: boolean;
}

/** One labelled line: the same framing for exemplars and for the query's answer. */
export const line = (n: number, label: string) => `${n}: ${label}\n`;

/** An episode: k exemplars per class in random order, then a query of a random class. */
export function episode(rng: Rng, t: FeatureTask, o: EpisodeOptions = {}): Episode {
  const k = o.k ?? 4;
  const labels = o.labels ?? t.labels;
  const shown = (cls: 0 | 1) => labels[o.flip ? 1 - cls : cls]!;
  const classes = rng.shuffle([...Array(k).fill(0), ...Array(k).fill(1)] as (0 | 1)[]);
  let context = o.instruction ? `${t.instruction}\n` : "";
  for (const cls of classes) context += line(drawInput(rng, t, cls, o.heldoutInputs), shown(cls));
  const q = rng.chance(0.5) ? 1 : 0;
  context += `${drawInput(rng, t, q, o.heldoutInputs)}:`;
  const flipped = o.flip ? 1 - q : q;
  return { task: t.name, context, candidates: labels.map((l) => ` ${l}`), answer: flipped };
}

/** Two distinct symbols from a pool, as a label pair. */
export function symbolPair(rng: Rng, pool: readonly string[]): [string, string] {
  const a = rng.pick(pool);
  let b = rng.pick(pool);
  while (b === a) b = rng.pick(pool);
  return [a, b];
}

/** A fixed evaluation set: `n` episodes per task, reproducible from `seed`. */
export function episodeSet(seed: number, tasks: readonly FeatureTask[], n: number, o: EpisodeOptions & { symbols?: readonly string[] } = {}): Episode[] {
  const out: Episode[] = [];
  tasks.forEach((t, ti) => {
    const rng = new Rng(deriveSeed(seed, 77, ti));
    for (let i = 0; i < n; i++) {
      const labels = o.symbols ? symbolPair(rng, o.symbols) : o.labels;
      out.push(episode(rng, t, { ...o, labels }));
    }
  });
  return out;
}
