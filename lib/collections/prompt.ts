/**
 * The one place that says how a row becomes a training example. Training, export and
 * evaluation all call toPrompt, so a row reads the same to the model everywhere.
 */
import type { Row } from "./types.ts";

export interface PromptPair {
  prompt: string;
  completion: string;
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
export function toPrompt(row: Row): PromptPair {
  const text = row.instruction === "" ? row.input : row.input === "" ? row.instruction : `${row.instruction}\n${row.input}`;
  const verbatim = row.meta.layout === "prompt-completion" || row.meta.layout === "messages";
  const prompt = verbatim || text === "" || /\s$/.test(text) ? text : `${text}\n`;
  return { prompt, completion: row.output };
}

/** One JSON line (no newline) for `row` in `layout`. */
export function toJsonLine(row: Row, layout: JsonlLayout): string {
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
