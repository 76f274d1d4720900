/**
 * Domain and symbolic form of the 34 Symbol-LLM tasks (table in docs/method.md), so rows of
 * the released collection that name their task in `source`/`type` get both without a lookup
 * by the user. Domain names are spelled as the built-in families spell them. Matching ignores case and punctuation ("NL2Bash", "nl2bash", "nl_2_bash").
 */

interface TaskInfo {
  domain: string;
  form: string;
}

const DOMAINS: [string, string, string[]][] = [
  ["Planning", "PDDL", ["blocksworld", "termes", "floortile", "grippers"]],
  ["Table query", "SQL", ["spider", "sparc", "cosql"]],
  ["KG/DB query", "s-expression", ["webqsp", "grailqa", "compwebq", "cwq"]],
  ["AMR parsing", "AMR", ["amr3.0", "amr2.0", "bioamr", "amr"]],
  ["KG construction", "KG triples", ["tekgen", "webnlg"]],
  ["API call", "TOP", ["mtop", "topv2", "nlmaps"]],
  ["Action command", "action sequence", ["scan"]],
  ["Code", "code", ["nl2bash", "nl2rx", "nl2python", "nl2java", "nl2go"]],
  ["FOL", "FOL", ["folio", "malls", "logicnli"]],
  ["Visual reasoning", "program", ["gqa", "clevr", "geometry3k"]],
  ["Math", "Python", ["gsm8k-code", "aqua-code", "math-code", "gsm8k", "aqua", "math"]],
  ["AI4Science", "SMILES", ["chebi-20", "chebi"]],
];

const FORM_OVERRIDES: Record<string, string> = { nl2bash: "bash", nl2rx: "regex", nl2java: "Java", nl2go: "Go", nl2python: "Python", nlmaps: "NLMaps query" };

const TASKS = new Map<string, TaskInfo>();
for (const [domain, form, tasks] of DOMAINS) {
  for (const task of tasks) TASKS.set(normalize(task), { domain, form: FORM_OVERRIDES[task] ?? form });
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Memoised by exact name: the loader asks once per row, rows of a file share a few names. */
const seen = new Map<string, TaskInfo | undefined>();

export function knownTask(name: string): TaskInfo | undefined {
  if (!seen.has(name)) seen.set(name, TASKS.get(normalize(name)));
  return seen.get(name);
}
