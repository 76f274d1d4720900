import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toMimeBundle } from "../../lib/display/mime.ts";
import { formatClock, progress } from "../../lib/display/progress.ts";
import { setDisplaySink } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";
import { type SinkEvent, recordingSink } from "./sink.ts";

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(start = 0) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

let sink = recordingSink();
beforeEach(() => {
  sink = recordingSink();
  setDisplaySink(sink);
});
afterEach(() => setDisplaySink(null));

const updates = (events: SinkEvent[]) => events.filter((e) => e.kind === "update");
const displays = (events: SinkEvent[]) => events.filter((e) => e.kind === "display");
const plain = (e: SinkEvent | undefined) =>
  e && (e.kind === "update" || e.kind === "display") ? (e.bundle["text/plain"] as string) : undefined;

describe("progress in a notebook", () => {
  it("creates one output with a display id and updates that output in place", () => {
    const clock = fakeClock();
    const bar = progress({ total: 3, label: "train", clock: clock.read });
    for (let step = 1; step <= 3; step++) {
      clock.now += 1000;
      bar.update(step);
    }
    const [shown] = displays(sink.events);
    expect(displays(sink.events)).toHaveLength(1);
    const id = shown!.kind === "display" ? shown!.options?.displayId : undefined;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(updates(sink.events)).toHaveLength(3);
    for (const e of updates(sink.events)) expect(e.kind === "update" && e.displayId).toBe(id);
  });

  it("throttles 1000 quick updates to a handful, always showing the final one", () => {
    const clock = fakeClock();
    const bar = progress({ total: 1000, clock: clock.read });
    for (let i = 1; i <= 1000; i++) {
      clock.now += 1; // 1000 updates within one second
      bar.update(i, { loss: 1 / i });
    }
    // 5 a second at most: t = 200, 400, 600, 800 ms, and the final update at 1000.
    expect(updates(sink.events)).toHaveLength(5);
    expect(plain(updates(sink.events).at(-1))).toContain("1000/1000");
  });

  it("shows only the final update when the clock does not move at all", () => {
    const clock = fakeClock();
    const bar = progress({ total: 1000, clock: clock.read });
    for (let i = 1; i <= 1000; i++) bar.update(i);
    expect(updates(sink.events)).toHaveLength(1);
    bar.close(); // nothing new to draw
    bar.update(5); // ignored after close
    expect(updates(sink.events)).toHaveLength(1);
  });

  it("draws the last value on close even if it was throttled away", () => {
    const clock = fakeClock();
    const bar = progress({ total: 100, clock: clock.read });
    bar.update(10);
    bar.update(37);
    expect(updates(sink.events)).toHaveLength(0);
    bar.close();
    expect(plain(updates(sink.events).at(-1))).toContain(" 37/100 ");
  });

  it("shows count, elapsed<remaining, rate and fields, as HTML <progress> and text", async () => {
    const clock = fakeClock(5000);
    const bar = progress({ total: 100, label: "stage <1>", clock: clock.read });
    clock.now += 12_000;
    bar.update(37, { loss: 1.23449, lr: "3e-4" });
    expect(bar.statusText()).toBe("37/100 [00:12<00:20, 3.1 it/s] loss 1.234 lr 3e-4");
    const bundle = updates(sink.events).at(-1)!.kind === "update" ? (updates(sink.events).at(-1) as { bundle: Record<string, string> }).bundle : {};
    expect(bundle["text/html"]).toContain('<progress value="37" max="100"');
    expect(bundle["text/html"]).toContain("<span>stage &lt;1&gt;</span>");
    expect(bundle["text/html"]).toContain("37/100 [00:12&lt;00:20, 3.1 it/s] loss 1.234 lr 3e-4");
    expect(bundle["text/plain"]).toBe(
      "stage <1>:  37%|█████████               | 37/100 [00:12<00:20, 3.1 it/s] loss 1.234 lr 3e-4",
    );
    // It implements the display protocol, so it can also be a cell's result.
    expect((await toMimeBundle(bar))["text/plain"]).toBe(bundle["text/plain"]);
  });

  it("writes slow rates as seconds per step and counts without a total", () => {
    const clock = fakeClock();
    const slow = progress({ total: 10, clock: clock.read });
    clock.now += 5000;
    slow.update(2);
    expect(slow.statusText()).toBe("2/10 [00:05<00:20, 2.5 s/it]");
    const open = progress({ label: "rows", clock: clock.read });
    expect(open.statusText()).toBe("0 [00:00, ? it/s]");
    clock.now += 2000;
    open.update(50);
    expect(open.textLine()).toBe("rows: 50 [00:02, 25.0 it/s]");
    open.close();
    expect(plain(updates(sink.events).at(-1))).toBe("rows: 50 [00:02, 25.0 it/s]");
  });

  it("refuses a bad total or count in one sentence", () => {
    expect(() => progress({ total: -1 })).toThrow(new UsageError("progress: total must be a number ≥ 0, got -1"));
    const bar = progress({ total: 3 });
    expect(() => bar.update(Number.NaN)).toThrow(new UsageError("progress.update: n must be a number ≥ 0, got NaN"));
  });
});

describe("progress outside a notebook", () => {
  function stream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, isTTY, write: (text: string) => writes.push(text) };
  }

  it("rewrites one line with \\r on a terminal, throttled, and ends it on close", () => {
    setDisplaySink(null);
    const clock = fakeClock();
    const tty = stream(true);
    const bar = progress({ total: 50, clock: clock.read, stream: tty });
    for (let i = 1; i <= 50; i++) {
      clock.now += 10;
      bar.update(i);
    }
    bar.close();
    // Start, t = 200 and 400 ms, the final update at 500 ms, then close ends the line.
    expect(tty.writes).toHaveLength(5);
    expect(tty.writes.slice(0, -1).every((w) => w.startsWith("\r\x1b[2K"))).toBe(true);
    expect(tty.writes.at(-2)).toContain("100%|████████████████████████| 50/50 [00:00<00:00, 100 it/s]");
    expect(tty.writes.at(-1)).toBe("\n");
    expect(sink.events).toEqual([]);
  });

  it("prints occasional whole lines elsewhere (logs, CI)", () => {
    setDisplaySink(null);
    const clock = fakeClock();
    const log = stream(false);
    const bar = progress({ total: 100, label: "eval", clock: clock.read, stream: log, lineIntervalMs: 10_000 });
    for (let i = 1; i <= 100; i++) {
      clock.now += 500; // 50 s in all: a line at start, at 10, 20, 30, 40 s, and the final one
      bar.update(i);
    }
    bar.close(); // the final line is already out: no duplicate
    expect(log.writes).toHaveLength(6);
    expect(log.writes.every((w) => w.startsWith("eval: ") && w.endsWith("\n"))).toBe(true);
    expect(log.writes.at(-1)).toContain("100/100");
  });
});

describe("formatClock", () => {
  it("writes mm:ss, and h:mm:ss from an hour on", () => {
    expect(formatClock(75)).toBe("01:15");
    expect(formatClock(3725)).toBe("1:02:05");
  });
});
