/**
 * KG construction (WebNLG/TekGen-like): a short text states facts; the answer lists them as
 * `subject | relation | object` triples, one per line. Scored by F1 over normalised triples.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, graded, restoreSymbols } from "./common.ts";
import { bagF1 } from "../f1.ts";

const PEOPLE = ["Alan_Bean", "Maya_Okafor", "Tomas_Lind", "Priya_Nair", "Jonas_Weber", "Lena_Sato", "Omar_Haddad", "Rosa_Mendes"];
const CITIES = ["Wapakoneta", "Lagos", "Turku", "Chennai", "Graz", "Sapporo", "Beirut", "Porto"];
const JOBS = ["astronaut", "architect", "botanist", "composer", "engineer", "novelist", "pilot", "surgeon"];
const ORGS = ["NASA", "Bayer", "Nokia", "Infosys", "Siemens", "Toyota", "Unicef", "Galp"];
const BOOKS = ["The_Quiet_Tide", "Salt_and_Stone", "North_of_Noon", "Paper_Birds", "The_Long_Field"];
const GENRES = ["mystery", "poetry", "science_fiction", "memoir", "satire"];

interface RelationSpec {
  meaning: string;
  subject: readonly string[];
  object: readonly string[];
  say: readonly string[]; // {s} and {o}
}

export const TRIPLE_RELATIONS: Readonly<Record<string, RelationSpec>> = {
  birthPlace: { meaning: "where a person was born", subject: PEOPLE, object: CITIES, say: ["{s} was born in {o}.", "{s}, a native of {o}, grew up there."] },
  occupation: { meaning: "a person's profession", subject: PEOPLE, object: JOBS, say: ["{s} works as a {o}.", "By profession, {s} is a {o}."] },
  employer: { meaning: "the organisation a person works for", subject: PEOPLE, object: ORGS, say: ["{s} is employed by {o}.", "{o} employs {s}."] },
  writtenBy: { meaning: "who wrote a book", subject: BOOKS, object: PEOPLE, say: ["{s} was written by {o}.", "{o} is the author of {s}."] },
  literaryGenre: { meaning: "the genre of a book", subject: BOOKS, object: GENRES, say: ["{s} is a work of {o}.", "The genre of {s} is {o}."] },
  headquarteredIn: { meaning: "the city an organisation is based in", subject: ORGS, object: CITIES, say: ["{s} has its headquarters in {o}.", "{s} is based in {o}."] },
};

const spaced = (name: string) => name.replace(/_/g, " ");

/** Lowercased, with underscores and spaces treated alike, so `Alan Bean` equals `Alan_Bean`. */
export function parseTriples(text: string): string[] {
  return text.split(/\n|;|&&/).map((l) => l.trim().replace(/^\(|\)$/g, "")).filter(Boolean).map((l) => {
    const parts = l.split("|").map((p) => p.trim().replace(/[\s_]+/g, "_").toLowerCase());
    if (parts.length !== 3 || parts.some((p) => p === "")) throw new Error(`"${l}" is not subject | relation | object`);
    return parts.join(" | ");
  });
}

function facts(rng: Rng): { text: string; triples: string[] } {
  const chosen = rng.sample(Object.keys(TRIPLE_RELATIONS), rng.int(1, 4));
  const sentences: string[] = [];
  const triples: string[] = [];
  const hub = rng.pick(PEOPLE);
  for (const rel of chosen) {
    const spec = TRIPLE_RELATIONS[rel]!;
    // Facts about one person where the relation allows it, so the text reads as one passage.
    const s = spec.subject === PEOPLE ? hub : rng.pick(spec.subject);
    const o = spec.object === PEOPLE ? hub : rng.pick(spec.object);
    sentences.push(fill(rng.pick(spec.say), { s: spaced(s), o: spaced(o) }));
    triples.push(`${s} | ${rel} | ${o}`);
  }
  return { text: sentences.join(" "), triples };
}

const TEMPLATES = [
  "Extract the knowledge-graph triples stated in the text, one per line as subject | relation | object. Relations: {defs}.",
  "{defs}. List every fact in the passage as a triple subject | relation | object, using underscores inside names.",
  "Turn the text into KG triples (subject | relation | object, one per line). The relations are defined as: {defs}.",
] as const;

const HEADER = { name: "triples", domain: "KG construction", form: "KG triples" };

export const triples: TaskFamily = {
  ...HEADER,
  checker: "f1",
  description: "Short texts to subject | relation | object triples (WebNLG-like); F1 over normalised triples.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng) => {
      const f = facts(rng);
      const names = Object.keys(TRIPLE_RELATIONS);
      const defs = rng.sample(names, names.length).map((r) => `${r} means ${TRIPLE_RELATIONS[r]!.meaning}`).join("; ");
      return { instruction: fill(rng.pick(TEMPLATES), { defs }), input: f.text, output: f.triples.join("\n"), meta: { symbols: names } };
    });
  },
  check(row: Row, prediction: string) {
    const want = parseTriples(restoreSymbols(row, row.output));
    let got: string[];
    try {
      got = parseTriples(restoreSymbols(row, prediction));
    } catch (error) {
      return fail(`not a list of triples: ${(error as Error).message}`);
    }
    // Triples are a set: a repeated line earns no extra credit.
    return graded(bagF1([...new Set(got)], [...new Set(want)]), "triples");
  },
};
