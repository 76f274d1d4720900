/**
 * Reads a text file as batches of lines with memory bounded by the chunk size, however big
 * the file (the released Symbol-LLM collection is 1.6 GB). Batches instead of single lines:
 * one await per megabyte, not per row, keeps parsing above 100k rows/s.
 */
import { createReadStream, type ReadStream } from "node:fs";
import { DataError, UsageError } from "../../errors.ts";

export interface LineBatch {
  /** 1-based number of the first line in `lines`. */
  firstLine: number;
  lines: string[];
}

const NEWLINE = 0x0a;

/**
 * With `onInvalid`, a line that is not valid UTF-8 is handed to it (its number) and read as an
 * empty line, so a loader can skip it and go on; without, it is a DataError naming the line.
 */
export async function* readLineBatches(file: string, chunkBytes = 1 << 20, onInvalid?: (line: number) => void): AsyncGenerator<LineBatch> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 1;
  let first = true;
  for await (const chunk of readable(createReadStream(file, { highWaterMark: chunkBytes }), file)) {
    // Cut at the last newline in bytes, so a multi-byte character is never split and each
    // chunk is decoded in one call.
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carry = Buffer.concat([carry, chunk]);
      continue;
    }
    const whole = carry.length ? Buffer.concat([carry, chunk.subarray(0, lastNewline)]) : chunk.subarray(0, lastNewline);
    carry = Buffer.from(chunk.subarray(lastNewline + 1));
    let text = decodeUtf8(whole, file, lineNo, onInvalid);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
      first = false;
    }
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith("\r")) lines[i] = lines[i]!.slice(0, -1);
    yield { firstLine: lineNo, lines };
    lineNo += lines.length;
  }
  if (carry.length) {
    let text = decodeUtf8(carry, file, lineNo, onInvalid);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    yield { firstLine: lineNo, lines: [text.endsWith("\r") ? text.slice(0, -1) : text] };
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Text of `bytes`, which start at line `firstLine` of `file`. Invalid UTF-8 is a DataError
 * naming the line, never a silent U+FFFD in the data — or, with `onInvalid`, that line is
 * reported to it and left empty.
 */
export function decodeUtf8(bytes: Buffer, file: string, firstLine: number, onInvalid?: (line: number) => void): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Line by line (a newline byte never occurs inside a multi-byte character).
    const lines: string[] = [];
    for (let start = 0, line = firstLine; start <= bytes.length; line++) {
      const end = bytes.indexOf(NEWLINE, start);
      const slice = bytes.subarray(start, end === -1 ? bytes.length : end);
      try {
        lines.push(strictUtf8.decode(slice));
      } catch {
        if (!onInvalid) throw new DataError("not valid UTF-8 text (save the file as UTF-8)", { file, line });
        onInvalid(line);
        lines.push("");
      }
      if (end === -1) break;
      start = end + 1;
    }
    return lines.join("\n");
  }
}

/** The stream's chunks; an unreadable file (permissions, a folder) becomes one clear sentence. */
async function* readable(stream: ReadStream, file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
