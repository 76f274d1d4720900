/**
 * Row → prompt text: the one place that says how a collection row becomes the
 * `{prompt, completion}` pair the model is trained on, evaluated on and exported as.
 * Training, export and evaluation all call toPrompt, so a row reads the same everywhere.
 */

/** The unit of training data; encode.ts turns it into `BOS prompt SEP completion EOS`. */
export interface Example {
  prompt: string;
  completion: string;
}

/** The same pair, under the name export and evaluation use. */
export type PromptPair = Example;

/**
 * What toPrompt reads of a row. Declared here, not imported from lib/collections, because
 * collections call this module (export, stats): the dependency runs one way.
 */
export interface PromptRow {
  instruction: string;
  input: string;
  output: string;
  meta: { readonly [key: string]: unknown };
}

/** `prompt-completion` and `messages` are the layouts the Symbol-LLM fine-tuning code reads;
 * `rows` keeps every field (task, domain, form, meta) so an export loads back unchanged. */
export type JsonlLayout = "prompt-completion" | "messages" | "rows";

export const JSONL_LAYOUTS: readonly JsonlLayout[] = ["prompt-completion", "messages", "rows"];

/**
 * prompt = instruction, then the input on the next line, then a newline so the completion
 * starts on a line of its own; completion = output.
 *
 * Two cases keep the text verbatim instead: rows loaded from prompt/completion or messages
 * files (meta.layout) already carry their authors' separator, and prompts that end in
 * whitespace (an in-context prompt ending in "Output: ") already say where the answer goes.
 */
export function toPrompt(row: PromptRow): PromptPair {
  const text = row.instruction === "" ? row.input : row.input === "" ? row.instruction : `${row.instruction}\n${row.input}`;
  const verbatim = row.meta.layout === "prompt-completion" || row.meta.layout === "messages";
  const prompt = verbatim || text === "" || /\s$/.test(text) ? text : `${text}\n`;
  return { prompt, completion: row.output };
}

/** One JSON line (no newline) for `row` in `layout`. */
export function toJsonLine(row: PromptRow, layout: JsonlLayout): string {
  if (layout === "rows") return JSON.stringify(row);
  const { prompt, completion } = toPrompt(row);
  if (layout === "prompt-completion") return JSON.stringify({ prompt, completion });
  return JSON.stringify({
    messages: [
      { role: "user", content: prompt },
      { role: "assistant", content: completion },
    ],
  });
}
