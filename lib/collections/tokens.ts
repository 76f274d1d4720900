/**
 * Whole-token matching and renaming. A token is a run of letters, digits and _; Symbol-evol
 * renames symbols by these boundaries and the checkers map renamed predictions back by the
 * same ones, so the boundary is defined here once.
 */

const TOKEN_CHAR = "[\\p{L}\\p{N}_]";

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Replaces whole-token occurrences of the mapping's keys by their values, longest key first. */
export function renameTokens(text: string, mapping: Readonly<Record<string, string>>): string {
  const keys = Object.keys(mapping).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (keys.length === 0 || text === "") return text;
  const pattern = new RegExp(`(?<!${TOKEN_CHAR})(?:${keys.map(escapeRegExp).join("|")})(?!${TOKEN_CHAR})`, "gu");
  return text.replace(pattern, (match) => mapping[match]!);
}

/** Whether `symbol` occurs in `text` as a whole token. */
export function hasToken(text: string, symbol: string): boolean {
  return new RegExp(`(?<!${TOKEN_CHAR})${escapeRegExp(symbol)}(?!${TOKEN_CHAR})`, "u").test(text);
}
