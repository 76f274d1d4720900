/**
 * Reads a text file as batches of lines with memory bounded by the chunk size, however big
 * the file (the released Symbol-LLM collection is 1.6 GB). Batches instead of single lines:
 * one await per megabyte, not per row, keeps parsing above 100k rows/s.
 */
import { createReadStream } from "node:fs";
import type { ReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { UsageError } from "../../errors.ts";

export interface LineBatch {
  /** 1-based number of the first line in `lines`. */
  firstLine: number;
  lines: string[];
}

export async function* readLineBatches(file: string, chunkBytes = 1 << 20): AsyncGenerator<LineBatch> {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNo = 1;
  let first = true;
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  for await (const chunk of readable(stream, file)) {
    let text = carry + decoder.write(chunk);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
      first = false;
    }
    const lines = text.split("\n");
    carry = lines.pop()!;
    if (lines.length === 0) continue;
    yield { firstLine: lineNo, lines: lines.map(stripCR) };
    lineNo += lines.length;
  }
  carry += decoder.end();
  if (carry !== "") yield { firstLine: lineNo, lines: [stripCR(carry)] };
}

function stripCR(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** The stream's chunks; an unreadable file (permissions, a folder) becomes one clear sentence. */
async function* readable(stream: ReadStream, file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
