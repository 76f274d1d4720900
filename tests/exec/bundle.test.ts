import { describe, expect, it } from "vitest";
import { toMimeBundle } from "../../lib/display/mime.ts";

describe("toMimeBundle", () => {
  it("uses an object's own display method (the one protocol)", async () => {
    const figure = { [Symbol.for("Jupyter.display")]: async () => ({ "image/svg+xml": "<svg/>" }) };
    expect(await toMimeBundle(figure)).toEqual({ "image/svg+xml": "<svg/>" });
  });

  it("shows strings, numbers and objects as uncoloured text", async () => {
    expect(await toMimeBundle("hi")).toEqual({ "text/plain": "'hi'" });
    expect(await toMimeBundle(3.5)).toEqual({ "text/plain": "3.5" });
    expect(await toMimeBundle({ a: [1, 2] })).toEqual({ "text/plain": "{ a: [ 1, 2 ] }" });
  });

  it("adds an escaped HTML table for an array of plain records", async () => {
    const bundle = await toMimeBundle([{ word: "<b>", n: 1 }, { word: "ok", extra: true }]);
    const html = (bundle["text/html"] as string).replace(/ style="[^"]*"/g, "");
    expect(html).toContain("<th>word</th><th>n</th><th>extra</th>");
    expect(html).toContain("<td>&lt;b&gt;</td><td>1</td><td></td>");
    expect(html).toContain("<td>ok</td><td></td><td>true</td>");
  });

  it("keeps other arrays as text only", async () => {
    expect(await toMimeBundle([1, 2])).toEqual({ "text/plain": "[ 1, 2 ]" });
    expect(await toMimeBundle([new Date(0)])).not.toHaveProperty("text/html");
  });
});
