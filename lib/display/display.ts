/**
 * `display(obj)` and friends: send an object's mime bundle to the current cell's output (the
 * DisplaySink the kernel installs), or print its text/plain to stdout outside a kernel.
 * Every output gets a display id, so the returned handle can update it in place
 * (update_display_data) — the progress bar is built on that.
 */
import { randomUUID } from "node:crypto";
import { UsageError } from "../errors.ts";
import { toMimeBundle } from "./mime.ts";
import {
  type DisplayOptions,
  type DisplaySink,
  type MimeBundle,
  displaySymbol,
  getDisplaySink,
  isDisplayable,
} from "./protocol.ts";

export interface DisplayCallOptions extends DisplayOptions {
  /** The object is already a mime bundle ({"text/html": ...}): send it as it is. */
  raw?: boolean;
}

export interface DisplayHandle {
  readonly displayId: string;
  /** Settles when every output sent so far went out (some objects render asynchronously). */
  readonly ready: Promise<void>;
  /** Replaces this output's content in place. */
  update(obj: unknown, options?: { raw?: boolean; metadata?: Record<string, unknown> }): DisplayHandle;
  /** Empties this output (it stays in place and can be updated again). */
  clear(): void;
}

/** A bundle made by display.html/markdown/... or passed with `raw: true`; sent without conversion. */
class RawBundle {
  constructor(readonly bundle: MimeBundle) {}

  static of(obj: unknown, caller: string): RawBundle {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      throw new UsageError(`${caller}: with raw: true, pass a mime bundle such as { "text/html": "<b>hi</b>" }`);
    }
    return new RawBundle(obj as MimeBundle);
  }
}

/**
 * Outputs still being rendered (objects with async bundles). One queue for all handles, so
 * outputs reach the frontend in the order they were asked for; with nothing queued, a bundle
 * that is ready goes out at once, before any print that follows it.
 */
let queue: Promise<void> = Promise.resolve();
let queued = 0;

class OutputHandle implements DisplayHandle {
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly displayId: string,
    private readonly sink: DisplaySink | null,
  ) {}

  send(obj: unknown, kind: "display" | "update", metadata?: Record<string, unknown>): this {
    const now = syncBundle(obj);
    if (queued === 0 && now !== undefined && !(now instanceof Promise)) {
      this.deliver(now, kind, metadata);
      this.ready = Promise.resolve();
      return this;
    }
    queued++;
    const next = queue.then(async () => {
      try {
        this.deliver(await (now ?? toMimeBundle(obj)), kind, metadata);
      } finally {
        queued--;
      }
    });
    // The queue goes on after a failed output; the failure is reported and left on `ready`.
    queue = next.catch((error: unknown) => console.error("display failed:", error));
    this.ready = next;
    return this;
  }

  /**
   * A handle as a cell's last value (`display.html(s)` on the last line) shows nothing more:
   * its output is already there. The kernel sends no execute_result for an empty bundle.
   */
  [displaySymbol](): MimeBundle {
    return {};
  }

  update(obj: unknown, options: { raw?: boolean; metadata?: Record<string, unknown> } = {}): DisplayHandle {
    return this.send(options.raw ? RawBundle.of(obj, "update") : obj, "update", options.metadata);
  }

  clear(): void {
    this.send(new RawBundle({ "text/plain": "" }), "update");
  }

  private deliver(bundle: MimeBundle, kind: "display" | "update", metadata?: Record<string, unknown>): void {
    if (!this.sink) {
      const text = bundle["text/plain"];
      if (typeof text === "string" && text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      else if (typeof text !== "string") process.stdout.write(`[${Object.keys(bundle).join(", ")} output]\n`);
      return;
    }
    if (kind === "display") {
      this.sink.display(bundle, metadata ? { displayId: this.displayId, metadata } : { displayId: this.displayId });
    } else {
      this.sink.update(this.displayId, bundle, metadata);
    }
  }
}

/** The bundle now if it can be had synchronously, a promise if the object renders async. */
function syncBundle(obj: unknown): MimeBundle | Promise<MimeBundle> | undefined {
  if (obj instanceof RawBundle) return obj.bundle;
  if (!isDisplayable(obj)) return undefined;
  const result = obj[displaySymbol]();
  const thenable = typeof (result as { then?: unknown } | null)?.then === "function";
  return thenable ? Promise.resolve(result) : (result as MimeBundle);
}

/** A new display id (a UUID, as IPython uses). */
export function newDisplayId(): string {
  return randomUUID();
}

function show(obj: unknown, options: DisplayCallOptions = {}): DisplayHandle {
  const handle = new OutputHandle(options.displayId ?? newDisplayId(), getDisplaySink());
  return handle.send(options.raw ? RawBundle.of(obj, "display") : obj, "display", options.metadata);
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, "\n")
    .replace(/<\/t[dh]>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    // Numeric references too: lib/display's own escapeHtml writes "&#60;", not "&lt;".
    .replace(/&#(\d+);|&#x([0-9a-f]+);/gi, (ref: string, dec: string | undefined, hex: string | undefined) => {
      const code = dec ? Number(dec) : parseInt(hex!, 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : ref;
    })
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n\s*\n+/g, "\n")
    .trim();
}

function requireString(fn: string, value: unknown): string {
  if (typeof value !== "string") throw new UsageError(`display.${fn}: expected a string, got ${typeof value}`);
  return value;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngBytes(data: unknown): Uint8Array {
  if (typeof data === "string") {
    const base64 = data.replace(/^data:image\/png;base64,/, "").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
      throw new UsageError("display.png: the string is not base64 (pass the PNG's bytes or their base64)");
    }
    return Buffer.from(base64, "base64");
  }
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new UsageError(`display.png: expected a Uint8Array, ArrayBuffer or base64 string, got ${typeof data}`);
}

function makePngBundle(data: unknown): MimeBundle {
  const bytes = pngBytes(data);
  if (bytes.length < 24 || pngSignature.some((b, i) => bytes[i] !== b)) {
    throw new UsageError("display.png: the data is not a PNG (it does not start with the PNG signature \\x89PNG)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  return {
    "image/png": Buffer.from(bytes).toString("base64"),
    "text/plain": `[PNG image ${width}×${height}]`,
  };
}

function makeJsonBundle(obj: unknown): MimeBundle {
  let text: string | undefined;
  try {
    text = JSON.stringify(obj, null, 2);
  } catch (error) {
    throw new UsageError(`display.json: the value cannot be written as JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw new UsageError(`display.json: a ${typeof obj} cannot be written as JSON`);
  return { "application/json": JSON.parse(text) as unknown, "text/plain": text };
}

/** The bundle each display shortcut sends; usable to build one without showing it. */
export const displayBundles = {
  html: (s: string): MimeBundle => ({ "text/html": requireString("html", s), "text/plain": htmlToText(s) }),
  markdown: (s: string): MimeBundle => ({ "text/markdown": requireString("markdown", s), "text/plain": s }),
  svg: (s: string): MimeBundle => {
    if (!/<svg[\s>]/i.test(requireString("svg", s))) {
      throw new UsageError(`display.svg: expected SVG markup containing <svg ...>, got '${s.slice(0, 40)}'`);
    }
    return { "image/svg+xml": s, "text/plain": "[SVG image]" };
  },
  png: makePngBundle,
  json: makeJsonBundle,
  text: (s: string): MimeBundle => ({ "text/plain": requireString("text", s) }),
};

type Builder = keyof typeof displayBundles;
type Shortcut<K extends Builder> = (value: Parameters<(typeof displayBundles)[K]>[0], options?: DisplayOptions) => DisplayHandle;

export interface Display {
  (obj: unknown, options?: DisplayCallOptions): DisplayHandle;
  html: Shortcut<"html">;
  markdown: Shortcut<"markdown">;
  svg: Shortcut<"svg">;
  png: Shortcut<"png">;
  json: Shortcut<"json">;
  text: Shortcut<"text">;
}

function shortcut<K extends Builder>(kind: K): Shortcut<K> {
  return (value, options) => show((displayBundles[kind] as (v: unknown) => MimeBundle)(value), { ...options, raw: true });
}

/**
 * Shows `obj` as an output of the current cell, rendered through the display protocol
 * (`[Symbol.for("Jupyter.display")]()`), and returns a handle to update it in place.
 */
export const display: Display = Object.assign(show, {
  html: shortcut("html"),
  markdown: shortcut("markdown"),
  svg: shortcut("svg"),
  png: shortcut("png"),
  json: shortcut("json"),
  text: shortcut("text"),
});

/** Replaces the content of the output with this display id (update_display_data). */
export function updateDisplay(displayId: string, obj: unknown, options: { raw?: boolean } = {}): DisplayHandle {
  return new OutputHandle(displayId, getDisplaySink()).update(obj, options);
}

/**
 * Clears the cell's outputs (clear_output). With `wait`, the frontend clears only when the
 * next output arrives, which avoids flicker in animations.
 */
export function clearOutput(wait = false): void {
  const sink = getDisplaySink();
  if (sink) sink.clear(wait);
  else if (process.stdout.isTTY) process.stdout.write("\x1b[2J\x1b[H");
}
