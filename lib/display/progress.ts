/**
 * A progress bar in the manner of HF Trainer's notebook progress: one output, created with a
 * display id and updated in place, throttled to a few updates a second (the final one always
 * shows), HTML <progress> plus a text/plain line. Outside a kernel it falls back to text: one
 * line rewritten with \r on a terminal, occasional plain lines otherwise (logs, CI).
 *
 *   const bar = progress({ total: steps, label: "train" });
 *   for (let step = 1; step <= steps; step++) { ...; bar.update(step, { loss }); }
 *   bar.close();
 */
import { UsageError } from "../errors.ts";
import { escapeHtml } from "./html.ts";
import { type DisplayHandle, display } from "./display.ts";
import { type Displayable, type MimeBundle, displaySymbol, getDisplaySink } from "./protocol.ts";

export interface ProgressOptions {
  /** Number of steps; leave out for an open-ended count (no percentage, no ETA). */
  total?: number;
  label?: string;
  /** The count to start from (a resumed run): rate and ETA count only what happens after it. */
  initial?: number;
  /** Milliseconds between shown updates; 200 keeps it to 5 a second. */
  minIntervalMs?: number;
  /** Milliseconds between plain lines when the text fallback is not a terminal. */
  lineIntervalMs?: number;
  /** Current time in milliseconds; tests pass a fake clock. */
  clock?: () => number;
  /** Where the text fallback writes outside a kernel (default: stdout). */
  stream?: { write(text: string): unknown; isTTY?: boolean };
}

type Fields = Record<string, number | string>;

/** Output metadata that marks a progress bar, so `symtune run` can echo it to its log. */
export const PROGRESS_METADATA = "symtune/progress";

/** What a bar can show under its line: a small table (e.g. eval metrics as they arrive). */
export interface ProgressDetail {
  html(): string;
  text(): string;
}

const barWidth = 24;

export class ProgressBar implements Displayable {
  readonly total: number | undefined;
  readonly label: string;
  value = 0;
  private readonly initial: number;
  readonly fields: Fields = {};
  private closed = false;
  private readonly clock: () => number;
  private readonly started: number;
  private readonly minInterval: number;
  private readonly lineInterval: number;
  private readonly handle: DisplayHandle | null;
  private readonly stream: NonNullable<ProgressOptions["stream"]>;
  private lastShown = -Infinity;
  private lastLine = -Infinity;
  private finalShown = false;
  /** An update arrived that is not drawn yet (throttled). */
  private dirty = false;
  private detail: ProgressDetail | null = null;
  /** How many times the output was drawn (sink updates or text writes), for tests and tuning. */
  renders = 0;

  constructor(options: ProgressOptions = {}) {
    const { total } = options;
    if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
      throw new UsageError(`progress: total must be a number ≥ 0, got ${String(total)}`);
    }
    this.total = total;
    this.label = options.label ?? "";
    this.initial = options.initial ?? 0;
    this.value = this.initial;
    this.clock = options.clock ?? (() => performance.now());
    this.minInterval = options.minIntervalMs ?? 200;
    this.lineInterval = options.lineIntervalMs ?? 10_000;
    this.stream = options.stream ?? process.stdout;
    this.started = this.clock();
    this.lastShown = this.started;
    // The output belongs to the cell that created the bar, so the sink is read once, here.
    this.handle = getDisplaySink() ? display(this.bundle(), { raw: true, metadata: { [PROGRESS_METADATA]: "running" } }) : null;
    if (!this.handle) this.writeText(this.started, false);
    this.renders = 1;
  }

  /** Sets the count to `n` (not an increment) and merges `fields` (loss, lr, ...) into the line. */
  update(n: number, fields?: Fields): this {
    if (this.closed) return this;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
      throw new UsageError(`progress.update: n must be a number ≥ 0, got ${String(n)}`);
    }
    this.value = n;
    if (fields) Object.assign(this.fields, fields);
    this.dirty = true;
    const now = this.clock();
    const final = this.total !== undefined && n >= this.total && !this.finalShown;
    if (final || now - this.lastShown >= this.minInterval) this.render(now, final);
    return this;
  }

  /**
   * Shows `detail` under the bar from now on (null removes it), drawn at once: details such
   * as eval results arrive rarely and are worth seeing when they do. Outside a kernel the text
   * fallback prints the detail's text once per call.
   */
  setDetail(detail: ProgressDetail | null): this {
    this.detail = detail;
    if (this.closed) return this;
    const now = this.clock();
    if (this.handle) this.render(now, false);
    else if (detail) this.stream.write(`${this.stream.isTTY ? "\r\x1b[2K" : ""}${detail.text()}\n`);
    return this;
  }

  /** Draws the last state if it was throttled away and ends the bar; later updates are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.dirty) this.render(this.clock(), true);
    if (!this.handle && this.stream.isTTY) this.stream.write("\n");
  }

  [displaySymbol](): MimeBundle {
    return this.bundle();
  }

  /** `37/100 [00:12<00:20, 3.1 it/s] loss 1.234` */
  statusText(now = this.clock()): string {
    const elapsed = Math.max(0, (now - this.started) / 1000);
    const done = this.value - this.initial;
    const rate = elapsed > 0 && done > 0 ? done / elapsed : undefined;
    const count = this.total === undefined ? `${this.value}` : `${this.value}/${this.total}`;
    let times = formatClock(elapsed);
    if (this.total !== undefined && !this.closed) {
      const left = rate ? Math.max(0, this.total - this.value) / rate : undefined;
      times += `<${left === undefined ? "?" : formatClock(left)}`;
    }
    const fields = Object.entries(this.fields).map(([k, v]) => `${k} ${formatField(v)}`);
    return [`${count} [${times}, ${formatRate(rate)}]`, ...fields].join(" ");
  }

  /** The text/plain line: `label  37%|█████████          | 37/100 [...]`. */
  textLine(now = this.clock()): string {
    const head = this.label ? `${this.label}: ` : "";
    if (this.total === undefined) return `${head}${this.statusText(now)}`;
    const fraction = this.total === 0 ? 1 : Math.min(1, this.value / this.total);
    const filled = Math.round(fraction * barWidth);
    const bar = "█".repeat(filled) + " ".repeat(barWidth - filled);
    return `${head}${String(Math.floor(fraction * 100)).padStart(3)}%|${bar}| ${this.statusText(now)}`;
  }

  private bundle(now = this.clock()): MimeBundle {
    const max = this.total === undefined ? (this.closed ? 1 : undefined) : Math.max(this.total, 1e-9);
    const value = this.total === undefined ? (this.closed ? 1 : undefined) : Math.min(this.value, max!);
    const attrs = max === undefined ? "" : ` value="${value}" max="${max}"`;
    const label = this.label ? `<span>${escapeHtml(this.label)}</span> ` : "";
    const html =
      `<div class="symtune-progress">${label}` +
      `<progress${attrs} style="width: 240px; vertical-align: middle"></progress> ` +
      `<span style="font-family: monospace">${escapeHtml(this.statusText(now))}</span></div>` +
      (this.detail ? `<div class="symtune-progress-detail">${this.detail.html()}</div>` : "");
    const text = this.detail ? `${this.textLine(now)}\n${this.detail.text()}` : this.textLine(now);
    return { "text/html": html, "text/plain": text };
  }

  private render(now: number, final: boolean): void {
    this.lastShown = now;
    this.dirty = false;
    if (final) this.finalShown = true;
    this.renders++;
    if (this.handle) this.handle.update(this.bundle(now), { raw: true, metadata: { [PROGRESS_METADATA]: final ? "final" : "running" } });
    else this.writeText(now, final);
  }

  private writeText(now: number, final: boolean): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${this.textLine(now)}`);
    } else if (final || now - this.lastLine >= this.lineInterval) {
      this.lastLine = now;
      this.stream.write(`${this.textLine(now)}\n`);
    }
  }
}

/** A progress bar in the current cell's output (or on stdout outside a kernel). */
export function progress(options: ProgressOptions = {}): ProgressBar {
  return new ProgressBar(options);
}

/** 75 → "01:15", 3725 → "1:02:05". */
export function formatClock(seconds: number): string {
  const s = Math.floor(seconds);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (x: number) => String(x).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

function formatRate(rate: number | undefined): string {
  if (!rate) return "? it/s";
  const short = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  return rate >= 1 ? `${short(rate)} it/s` : `${short(1 / rate)} s/it`;
}

function formatField(value: number | string): string {
  if (typeof value !== "number" || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
