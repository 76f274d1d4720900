/**
 * The editor's requests: completion, inspection (and the pager's `name?`), and is_complete.
 * Completion and inspection ask the language service in the context of earlier cells, with
 * magic lines blanked out so positions stay valid.
 */
import type * as TS from "typescript";
import ts from "./ts.ts";
import type { CompleteResult, InspectResult, IsCompleteStatus } from "../protocol.ts";
import { isInternalName } from "./globals.ts";
import { blankMagicLines, parseCellMagic, parseHelpRequest } from "./magiclines.ts";
import { topLevelNames } from "./names.ts";
import type { CellService } from "./service.ts";

const IDENT = /[\w$]/;

export function completeCode(
  service: CellService,
  code: string,
  cursor: number,
  magicNames: () => { line: string[]; cell: string[] },
): CompleteResult {
  const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
  const magic = /^(\s*)(%%?)([\w.-]*)$/.exec(code.slice(lineStart, cursor));
  if (magic) {
    const [, indent, percent, partial] = magic;
    const names = percent === "%%" ? magicNames().cell : magicNames().line;
    return {
      matches: names.filter((n) => n.startsWith(partial!)).map((n) => percent + n),
      cursorStart: lineStart + indent!.length,
      cursorEnd: cursor,
      metadata: {},
    };
  }
  let start = cursor;
  while (start > 0 && IDENT.test(code[start - 1]!)) start--;
  const prefix = code.slice(start, cursor);
  const text = blankMagicLines(code);
  service.setCell(text, topLevelNames(text));
  const info = service.completions(cursor);
  const entries = (info?.entries ?? []).filter((e) => !isInternalName(e.name));
  const rank = (name: string) => (name.startsWith(prefix) ? 0 : name.toLowerCase().startsWith(prefix.toLowerCase()) ? 1 : 2);
  const matches = entries
    .filter((e) => rank(e.name) < 2)
    .sort((a, b) => rank(a.name) - rank(b.name) || a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
    .map((e) => e.name);
  return { matches: [...new Set(matches)], cursorStart: start, cursorEnd: cursor, metadata: {} };
}

export function inspectCode(service: CellService, code: string, cursor: number): InspectResult {
  const text = blankMagicLines(code);
  // Inspect the identifier the cursor is in or just after.
  let position = cursor;
  if (position > 0 && !IDENT.test(text[position] ?? "") && IDENT.test(text[position - 1] ?? "")) position--;
  service.setCell(text, topLevelNames(text));
  const info = IDENT.test(text[position] ?? "") ? known(service.quickInfo(position)) : undefined;
  if (info) return { found: true, data: quickInfoBundle(info) };
  // Inside a call's parentheses (`Math.max(|`): the signature being filled in, as IPython shows.
  const help = service.signatureHelp(cursor);
  return help ? { found: true, data: signatureBundle(help) } : { found: false, data: {} };
}

function signatureBundle(help: TS.SignatureHelpItems): Record<string, string> {
  const item = help.items[help.selectedItemIndex] ?? help.items[0]!;
  const text = (parts: TS.SymbolDisplayPart[]) => ts.displayPartsToString(parts);
  const signature = text(item.prefixDisplayParts) + item.parameters.map((p) => text(p.displayParts)).join(text(item.separatorDisplayParts)) + text(item.suffixDisplayParts);
  const docs = text(item.documentation);
  const param = item.parameters[help.argumentIndex];
  const paramDoc = param && param.documentation.length > 0 ? `${param.name}: ${text(param.documentation)}` : "";
  const more = help.items.length > 1 ? `(+${help.items.length - 1} overload${help.items.length > 2 ? "s" : ""})` : "";
  const plain = [signature + (more ? ` ${more}` : ""), docs, paramDoc].filter((s) => s.length > 0).join("\n\n");
  const markdown = ["```typescript\n" + signature + "\n```" + (more ? ` ${more}` : ""), docs, paramDoc && `*${paramDoc}*`].filter((s) => s.length > 0).join("\n\n");
  return { "text/plain": plain, "text/markdown": markdown };
}

/** The pager text for `expression?`: its signature and documentation. */
export function symbolHelp(service: CellService, expression: string): Record<string, string> {
  const text = expression.replace(/\s+/g, "");
  service.setCell(text, new Set());
  const info = known(service.quickInfo(text.length - 1));
  if (!info) return { "text/plain": `Object \`${expression}\` not found.` };
  return quickInfoBundle(info);
}

/** An unresolved name gets quick info of kind "" and type `any`: that is "not found". */
function known(info: TS.QuickInfo | undefined): TS.QuickInfo | undefined {
  return info && info.kind !== ts.ScriptElementKind.unknown ? info : undefined;
}

function quickInfoBundle(info: TS.QuickInfo): Record<string, string> {
  // Earlier cells' names reach a cell as imports; show them as the declarations they are.
  const signature = ts.displayPartsToString(info.displayParts).replace(/^\(alias\) /, "").replace(/\nimport [\w$]+$/, "");
  const docs = ts.displayPartsToString(info.documentation);
  const tags = (info.tags ?? []).map((t) => `@${t.name}${t.text ? " " + ts.displayPartsToString(t.text) : ""}`);
  const plain = [signature, docs, tags.join("\n")].filter((s) => s.length > 0).join("\n\n");
  const markdown = ["```typescript\n" + signature + "\n```", docs, tags.map((t) => `*${t}*`).join("  \n")].filter((s) => s.length > 0).join("\n\n");
  return { "text/plain": plain, "text/markdown": markdown };
}

const OPENERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** After these a `/` divides; anywhere else it starts a regular expression. */
const ENDS_EXPRESSION = new Set<TS.SyntaxKind>([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.PlusPlusToken,
  ts.SyntaxKind.MinusMinusToken,
]);

/**
 * complete: the cell can run; incomplete: an open bracket, string, template or comment, or
 * an expression cut off at the end (the frontend should wait for more lines); invalid: the
 * cell can never parse, whatever follows.
 */
export function isCompleteCode(code: string): { status: IsCompleteStatus; indent?: string } {
  if (parseCellMagic(code) || parseHelpRequest(code)) return { status: "complete" };
  const text = blankMagicLines(code);
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  const stack: string[] = [];
  let previous: TS.SyntaxKind = ts.SyntaxKind.Unknown;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; previous = token, token = scanner.scan()) {
    if ((token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) && !ENDS_EXPRESSION.has(previous)) {
      token = scanner.reScanSlashToken(); // a regular expression literal, not a division
    }
    if (scanner.isUnterminated()) return { status: "incomplete", indent: "  ".repeat(Math.max(stack.length, 1)) };
    const tokenText = scanner.getTokenText();
    if (token === ts.SyntaxKind.TemplateHead) stack.push("${");
    else if (tokenText === "(" || tokenText === "[" || tokenText === "{") stack.push(tokenText);
    else if (token === ts.SyntaxKind.CloseBraceToken && stack[stack.length - 1] === "${") {
      stack.pop();
      const next = scanner.reScanTemplateToken(false);
      if (scanner.isUnterminated()) return { status: "incomplete", indent: "" };
      if (next === ts.SyntaxKind.TemplateMiddle) stack.push("${");
    } else if (tokenText in OPENERS) {
      if (stack.pop() !== OPENERS[tokenText]) return { status: "invalid" };
    }
  }
  if (stack.length > 0) return { status: "incomplete", indent: "  ".repeat(stack.length) };
  const sf = ts.createSourceFile("cell.ts", text, ts.ScriptTarget.ES2022, false);
  const errors = (sf as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics;
  if (errors.length === 0) return { status: "complete" };
  const end = text.trimEnd().length;
  return errors.every((d) => (d.start ?? 0) >= end) ? { status: "incomplete", indent: "" } : { status: "invalid" };
}
