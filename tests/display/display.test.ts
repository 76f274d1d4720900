import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearOutput, display, updateDisplay } from "../../lib/display/display.ts";
import { displaySymbol, setDisplaySink } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";
import { recordingSink } from "./sink.ts";

// A 1×1 PNG.
const png1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

let sink = recordingSink();
beforeEach(() => {
  sink = recordingSink();
  setDisplaySink(sink);
});
afterEach(() => setDisplaySink(null));

describe("display()", () => {
  it("sends a self-rendering object at once, with a generated display id", () => {
    const handle = display({ [displaySymbol]: () => ({ "text/plain": "me", "text/html": "<b>me</b>" }) });
    expect(handle.displayId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sink.events).toEqual([
      { kind: "display", bundle: { "text/plain": "me", "text/html": "<b>me</b>" }, options: { displayId: handle.displayId } },
    ]);
  });

  it("renders other values through toMimeBundle, keeping the order of calls", async () => {
    const first = display({ a: 1 });
    const second = display.text("after");
    await first.ready;
    await second.ready;
    expect(sink.events.map((e) => e.kind === "display" && e.bundle["text/plain"])).toEqual(["{ a: 1 }", "after"]);
    expect(new Set(sink.events.map((e) => e.kind === "display" && e.options?.displayId)).size).toBe(2);
  });

  it("updates in place through the handle and clears it", async () => {
    const handle = display.text("step 1", { displayId: "run-7" });
    expect(handle.displayId).toBe("run-7");
    handle.update({ [displaySymbol]: () => ({ "text/plain": "step 2" }) });
    handle.update("step 3");
    await handle.ready;
    handle.clear();
    expect(sink.events.slice(1)).toEqual([
      { kind: "update", displayId: "run-7", bundle: { "text/plain": "step 2" }, metadata: undefined },
      { kind: "update", displayId: "run-7", bundle: { "text/plain": "'step 3'" }, metadata: undefined },
      { kind: "update", displayId: "run-7", bundle: { "text/plain": "" }, metadata: undefined },
    ]);
    updateDisplay("run-7", { "text/plain": "by id" }, { raw: true });
    expect(sink.events.at(-1)).toEqual({ kind: "update", displayId: "run-7", bundle: { "text/plain": "by id" } });
  });

  it("shows nothing more when a handle is a cell's last value", async () => {
    const { toMimeBundle } = await import("../../lib/display/mime.ts");
    expect(await toMimeBundle(display.text("once"))).toEqual({});
  });

  it("sends a ready bundle as it is with raw, and passes metadata", () => {
    display({ "text/latex": "$x$" }, { raw: true, metadata: { isolated: true } });
    expect(sink.events[0]).toMatchObject({
      bundle: { "text/latex": "$x$" },
      options: { metadata: { isolated: true } },
    });
  });

  it("reports an object whose async rendering fails, without crashing", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const handle = display({ [displaySymbol]: async () => Promise.reject(new Error("no bundle")) });
    await expect(handle.ready).rejects.toThrow("no bundle");
    expect(spy).toHaveBeenCalledWith("display failed:", expect.any(Error));
    spy.mockRestore();
  });
});

describe("display shortcuts", () => {
  it("decode named and numeric character references in the text/plain of HTML", () => {
    display.html("<p>a &#60;b&#62; &#x26; &amp;#60; &lt;c&gt; &#99999999;</p>");
    expect(sink.events.map((e) => e.kind === "display" && e.bundle["text/plain"])).toEqual(["a <b> & &#60; <c> &#99999999;"]);
  });

  it("build the bundle for each kind, with a text/plain for plain frontends", () => {
    display.html("<p>Hello &amp; <b>welcome</b></p><script>x()</script>");
    display.html("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>");
    display.markdown("# Title");
    display.svg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>');
    display.png(png1x1);
    display.png(Buffer.from(png1x1, "base64"));
    display.json({ a: [1, 2], skip: undefined });
    expect(sink.events.map((e) => e.kind === "display" && e.bundle)).toEqual([
      { "text/html": "<p>Hello &amp; <b>welcome</b></p><script>x()</script>", "text/plain": "Hello & welcome" },
      { "text/html": "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "text/plain": "a b\n1 2" },
      { "text/markdown": "# Title", "text/plain": "# Title" },
      { "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>', "text/plain": "[SVG image]" },
      { "image/png": png1x1, "text/plain": "[PNG image 1×1]" },
      { "image/png": png1x1, "text/plain": "[PNG image 1×1]" },
      { "application/json": { a: [1, 2] }, "text/plain": '{\n  "a": [\n    1,\n    2\n  ]\n}' },
    ]);
  });

  it("refuse data that is not what they show, in one sentence", () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(message(() => display.png(Buffer.from("GIF89a......................")))).toBe(
      "display.png: the data is not a PNG (it does not start with the PNG signature \\x89PNG)",
    );
    expect(message(() => display.png("not base64!"))).toBe(
      "display.png: the string is not base64 (pass the PNG's bytes or their base64)",
    );
    expect(message(() => display.svg("<div/>"))).toBe("display.svg: expected SVG markup containing <svg ...>, got '<div/>'");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(message(() => display.json(cyclic))).toMatch(/^display\.json: the value cannot be written as JSON \(/);
    expect(message(() => display.html(42 as unknown as string))).toBe("display.html: expected a string, got number");
    expect(message(() => display("<b>x</b>", { raw: true }))).toBe(
      'display: with raw: true, pass a mime bundle such as { "text/html": "<b>hi</b>" }',
    );
    expect(sink.events).toEqual([]);
  });
});

describe("clearOutput", () => {
  it("asks the frontend to clear, now or when the next output arrives", () => {
    clearOutput();
    clearOutput(true);
    expect(sink.events).toEqual([
      { kind: "clear", wait: false },
      { kind: "clear", wait: true },
    ]);
  });
});

describe("outside a kernel", () => {
  it("prints text/plain to stdout", async () => {
    setDisplaySink(null);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      display.html("<h1>Results</h1>");
      const handle = display({ n: 3 });
      await handle.ready;
      handle.update("next");
      await handle.ready;
    } finally {
      spy.mockRestore();
    }
    expect(writes).toEqual(["Results\n", "{ n: 3 }\n", "'next'\n"]);
  });
});
