/**
 * `console` in the kernel process writes to the notebook: console.log → the cell's stdout
 * stream, console.error/warn → stderr. Output from callbacks that fire after a cell ended
 * (timers, promises) goes to the latest cell, as in IPython. Library code that logs through
 * `console` is routed the same way, which is what a notebook user expects.
 */
import { Console } from "node:console";
import { Writable } from "node:stream";
import type { CellIO } from "../protocol.ts";

let target: CellIO | null = null;
let installed = false;

function stream(write: (io: CellIO, text: string) => void, fallback: NodeJS.WriteStream): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: unknown, _encoding, callback) {
      const text = typeof chunk === "string" ? chunk : String(chunk);
      if (target) write(target, text);
      else fallback.write(text);
      callback();
    },
  });
}

/** Sends console output to `io` from now on (until the next cell). */
export function routeConsole(io: CellIO): void {
  target = io;
  if (installed) return;
  installed = true;
  const routed = new Console({
    stdout: stream((io, text) => io.stdout(text), process.stdout),
    stderr: stream((io, text) => io.stderr(text), process.stderr),
    colorMode: false,
  });
  globalThis.console = routed;
}
