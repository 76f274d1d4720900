/**
 * Symbol-evol (Symbol-LLM, §3): the symbols an instruction defines ("I_TURN_RIGHT means
 * turning right") are renamed with random strings ("shy2sW means turning right"), the same way
 * in the instruction, the input and the output, so a model must read the definitions instead
 * of memorising them. The paper diversified ~6% of the collection with 6-character
 * mixed-case alphanumerics.
 *
 * Renaming matches whole tokens only: a symbol is renamed where neither neighbour is a letter,
 * digit or underscore, longest symbol first, so I_TURN never touches I_TURN_RIGHT. New names
 * never occur anywhere in the row's original text, which makes the rename a bijection on the
 * row: invertEvol(evolRow(row)) equals row exactly. The mapping lives in meta.evol
 * (original → renamed); meta.symbols keeps the original names.
 */
import { Collection } from "../collections/collection.ts";
import { deriveSeed, Rng } from "../rng.ts";
import type { Row } from "../collections/types.ts";
import { UsageError } from "../errors.ts";
import { hasToken, renameTokens } from "../collections/tokens.ts";

// Part of the Symbol-evol API; the token boundary itself lives with the collections.
export { hasToken, renameTokens };

export const EVOL_PAPER_RATE = 0.06;
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface EvolOptions {
  seed: number;
  /** Fraction of rows renamed (each row independently, seeded); default the paper's 0.06. */
  rate?: number;
  /** Length of generated names; default 6. */
  length?: number;
  /** Characters of generated names; default mixed-case alphanumerics. */
  alphabet?: string;
}

export interface EvolReport {
  rows: number;
  /** Rows whose symbols were renamed. */
  renamed: number;
  /** Rows the rate did not select. */
  notSelected: number;
  /** Selected rows whose instruction defines no symbol we could find: left untouched. */
  noSymbols: number;
  /** Rows renamed before (meta.evol present): left as they are. */
  alreadyEvolved: number;
}

export interface EvolResult {
  collection: Collection;
  report: EvolReport;
}

/** "I_TURN_RIGHT means turning right", "S0 stands for the start state". */
const MEANS_PATTERN =
  /(?<![\p{L}\p{N}_])([\p{L}\p{N}_]+(?:[-.:][\p{L}\p{N}_]+)*)\s+(?:means|stands for|denotes|represents|refers to)\s/gu;
/** "X: description" or "X = description" at the start of a line (or after a list bullet). */
const COLON_PATTERN = /^[ \t]*(?:[-*•][ \t]+)?([\p{L}\p{N}_]+(?:[-.][\p{L}\p{N}_]+)*)[ \t]*[:=][ \t]+\S/gmu;

/** Looks like a made-up symbol rather than a word: an underscore, a digit, or two capitals. */
function symbolLike(name: string): boolean {
  return /[_\d]|\p{Lu}.*\p{Lu}/u.test(name);
}

/**
 * The symbols a row's instruction defines: meta.symbols when the row says so, else names
 * found by definition patterns. "X means ..." counts when X looks like a symbol or the output
 * uses it; "X: ..." only when the output uses X (so "Note: ..." is not a symbol).
 */
export function definedSymbols(row: Row): string[] {
  if (row.meta.symbols) return [...new Set(row.meta.symbols)];
  const found = new Set<string>();
  for (const match of row.instruction.matchAll(MEANS_PATTERN)) {
    const name = match[1]!;
    if (symbolLike(name) || hasToken(row.output, name)) found.add(name);
  }
  for (const match of row.instruction.matchAll(COLON_PATTERN)) {
    const name = match[1]!;
    if (hasToken(row.output, name)) found.add(name);
  }
  return [...found];
}

/**
 * Only symbols that begin and end with a letter, digit or underscore are renamed: two renamed
 * symbols with punctuation edges could end up touching ("x)" + "(y") and then the new names
 * could not be told apart to invert the rename.
 */
function renamable(symbol: string): boolean {
  return /^[\p{L}\p{N}_]/u.test(symbol) && /[\p{L}\p{N}_]$/u.test(symbol);
}

/** A fresh name for each symbol: never a substring of the row's text, never repeated. */
function newNames(symbols: readonly string[], row: Row, rng: Rng, length: number, alphabet: string): Record<string, string> {
  const text = `${row.instruction}\n${row.input}\n${row.output}`;
  const taken = new Set<string>();
  const mapping: Record<string, string> = {};
  for (const symbol of symbols) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 1000) throw new UsageError(`Symbol-evol: could not find a fresh ${length}-character name; use a longer length or a larger alphabet`);
      let name = "";
      for (let i = 0; i < length; i++) name += alphabet[rng.int(0, alphabet.length - 1)];
      if (/^\d+$/.test(name) || taken.has(name) || text.includes(name)) continue;
      taken.add(name);
      mapping[symbol] = name;
      break;
    }
  }
  return mapping;
}

function checkOptions(options: EvolOptions): Required<EvolOptions> {
  const { seed, rate = EVOL_PAPER_RATE, length = 6, alphabet = ALPHANUMERIC } = options;
  if (!Number.isInteger(seed)) throw new UsageError(`Symbol-evol: seed must be an integer, got ${seed}`);
  if (!(rate >= 0 && rate <= 1)) throw new UsageError(`Symbol-evol: rate must be between 0 and 1, got ${rate}`);
  if (!(Number.isInteger(length) && length >= 1)) throw new UsageError(`Symbol-evol: length must be a positive integer, got ${length}`);
  if (!/^[A-Za-z0-9]+$/.test(alphabet) || !/[A-Za-z]/.test(alphabet)) {
    // Names must be whole tokens themselves, or the rename could not be found again to invert.
    throw new UsageError(`Symbol-evol: alphabet must be letters and digits with at least one letter, got "${alphabet}"`);
  }
  return { seed, rate, length, alphabet };
}

/**
 * Renames every symbol the row's instruction defines (rate does not apply to one row). A row
 * without symbols, or already evolved, comes back unchanged.
 */
export function evolRow(row: Row, options: EvolOptions): Row {
  const { seed, length, alphabet } = checkOptions(options);
  return renameRow(row, new Rng(seed), length, alphabet) ?? row;
}

function renameRow(row: Row, rng: Rng, length: number, alphabet: string): Row | undefined {
  if (row.meta.evol) return undefined;
  const symbols = definedSymbols(row).filter(renamable);
  if (symbols.length === 0) return undefined;
  const mapping = newNames(symbols, row, rng, length, alphabet);
  return {
    ...row,
    instruction: renameTokens(row.instruction, mapping),
    input: renameTokens(row.input, mapping),
    output: renameTokens(row.output, mapping),
    meta: { ...row.meta, evol: mapping },
  };
}

/** The row as it was before Symbol-evol (rows never evolved come back unchanged). */
export function invertEvol(row: Row): Row {
  const mapping = row.meta.evol;
  if (!mapping) return row;
  const inverse = Object.fromEntries(Object.entries(mapping).map(([original, renamed]) => [renamed, original]));
  const { evol: _evol, ...meta } = row.meta;
  return {
    ...row,
    instruction: renameTokens(row.instruction, inverse),
    input: renameTokens(row.input, inverse),
    output: renameTokens(row.output, inverse),
    meta,
  };
}

/** A model's answer to an evolved row, in the original symbols (for checkers and metrics). */
export function restorePrediction(row: Row, prediction: string): string {
  const mapping = row.meta.evol;
  if (!mapping) return prediction;
  return renameTokens(prediction, Object.fromEntries(Object.entries(mapping).map(([o, r]) => [r, o])));
}

/**
 * Symbol-evol over a collection: each row is selected with probability `rate` from its own
 * seeded stream (seed, row index), so the result does not depend on how rows are batched.
 */
export function symbolEvol(rows: Collection | Iterable<Row>, options: EvolOptions): EvolResult {
  const { seed, rate, length, alphabet } = checkOptions(options);
  const report: EvolReport = { rows: 0, renamed: 0, notSelected: 0, noSymbols: 0, alreadyEvolved: 0 };
  const out: Row[] = [];
  let index = 0;
  for (const row of rows) {
    const rng = new Rng(deriveSeed(seed, index++));
    report.rows++;
    if (rng.next() >= rate) {
      report.notSelected++;
      out.push(row);
      continue;
    }
    if (row.meta.evol) {
      report.alreadyEvolved++;
      out.push(row);
      continue;
    }
    const evolved = renameRow(row, rng, length, alphabet);
    if (evolved) report.renamed++;
    else report.noSymbols++;
    out.push(evolved ?? row);
  }
  const name = rows instanceof Collection ? `${rows.name}:evol` : "evol";
  return { collection: new Collection(out, name), report };
}

export function describeEvolReport(report: EvolReport): string {
  return `Symbol-evol: renamed ${report.renamed} of ${report.rows} rows (${report.notSelected} not selected by the rate, ${report.noSymbols} selected without definable symbols, ${report.alreadyEvolved} already evolved)`;
}
