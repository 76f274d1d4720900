/**
 * Maps positions in a compiled cell back to the cell's TypeScript, for tracebacks. Node 20
 * does not apply source maps to vm scripts, so the executor reads TypeScript's map itself.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Per generated line: [generated column, original line, original column] segments, 0-based. */
export type LineMap = [number, number, number][][];

export function parseSourceMap(dataUrl: string): LineMap | undefined {
  const match = /^data:application\/json;base64,(.*)$/.exec(dataUrl);
  if (!match) return undefined;
  const map = JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8")) as { mappings: string };
  const lines: LineMap = [];
  let srcLine = 0;
  let srcCol = 0;
  for (const line of map.mappings.split(";")) {
    const segments: [number, number, number][] = [];
    let genCol = 0;
    for (const segment of line.split(",")) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      genCol += fields[0] ?? 0;
      if (fields.length >= 4) {
        srcLine += fields[2]!;
        srcCol += fields[3]!;
        segments.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** 1-based generated position → 1-based original position (or undefined when unmapped). */
export function originalPosition(map: LineMap, line: number, column: number): { line: number; column: number } | undefined {
  const segments = map[line - 1];
  if (!segments || segments.length === 0) return undefined;
  let best = segments[0]!;
  for (const s of segments) if (s[0] <= column - 1) best = s;
  // Within a segment, columns advance one to one (TypeScript's segments start at tokens).
  return { line: best[1] + 1, column: best[2] + 1 + Math.max(0, column - 1 - best[0]) };
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
