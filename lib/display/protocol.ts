/**
 * The one display protocol (as in Deno's kernel): any object with a method under
 * `Symbol.for("Jupyter.display")` returning a mime bundle renders itself. DataFrames, figures,
 * progress bars and collections all implement it; the kernel uses it for last-expression
 * results too.
 *
 * The library never imports the kernel. The kernel installs a DisplaySink for the cell being
 * executed; outside a kernel there is no sink and callers fall back to text on stdout.
 */

export type MimeBundle = Record<string, unknown>;

export const displaySymbol: unique symbol = Symbol.for("Jupyter.display") as never;

export interface Displayable {
  [displaySymbol](): MimeBundle | Promise<MimeBundle>;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Record<symbol, unknown>)[displaySymbol] === "function"
  );
}

export interface DisplayOptions {
  /** Set to make the output updatable later (update_display_data). */
  displayId?: string;
  metadata?: Record<string, unknown>;
}

/** Where display output goes: in the kernel, the current cell's iopub stream. */
export interface DisplaySink {
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  update(displayId: string, bundle: MimeBundle, metadata?: Record<string, unknown>): void;
  clear(wait: boolean): void;
  stdout(text: string): void;
}

let sink: DisplaySink | null = null;

/** Called by the kernel at the start of each execution; null outside a kernel. */
export function setDisplaySink(next: DisplaySink | null): void {
  sink = next;
}

export function getDisplaySink(): DisplaySink | null {
  return sink;
}
