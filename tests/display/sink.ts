/** A DisplaySink that records what the kernel would send on iopub, in order. */
import type { DisplayOptions, DisplaySink, MimeBundle } from "../../lib/display/protocol.ts";

export type SinkEvent =
  | { kind: "display"; bundle: MimeBundle; options?: DisplayOptions }
  | { kind: "update"; displayId: string; bundle: MimeBundle; metadata?: Record<string, unknown> }
  | { kind: "clear"; wait: boolean }
  | { kind: "stdout"; text: string };

export function recordingSink(): DisplaySink & { events: SinkEvent[] } {
  const events: SinkEvent[] = [];
  return {
    events,
    display: (bundle, options) => events.push({ kind: "display", bundle, options }),
    update: (displayId, bundle, metadata) => events.push({ kind: "update", displayId, bundle, metadata }),
    clear: (wait) => events.push({ kind: "clear", wait }),
    stdout: (text) => events.push({ kind: "stdout", text }),
  };
}
