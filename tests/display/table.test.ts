import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { escapeHtml } from "../../lib/display/html.ts";
import { toMimeBundle } from "../../lib/display/mime.ts";
import { displaySymbol } from "../../lib/display/protocol.ts";
import { formatNumber, table } from "../../lib/display/table.ts";

/** The cells of the first body row of an HTML table, as [style, text] pairs. */
function firstRow(html: string): [string, string][] {
  const row = html.split("<tbody>")[1]!.split("</tr>")[0]!;
  return [...row.matchAll(/<t[dh](?: style="([^"]*)")?>([^<]*)<\/t[dh]>/g)].map((m) => [m[1] ?? "", m[2]!]);
}

describe("the one table", () => {
  const rows = [
    { task: "scan", accuracy: 52.282722502999995, n: 191, lr: 0.0003 },
    { task: "malls <b>", accuracy: 100, n: 12, lr: null },
  ];

  it("rounds floats, keeps integers and small values readable, and writes the unit on the number", () => {
    const t = table(rows, { units: { accuracy: "%" } });
    expect(t.cells()).toEqual([
      ["scan", "52.28%", "191", "0.0003"],
      ["malls <b>", "100%", "12", ""],
    ]);
    expect(formatNumber(1 / 3, 1)).toBe("0.3");
    expect(formatNumber(-0.000012345)).toBe("-0.000012");
  });

  it("aligns text left and numbers right, in HTML and in text", () => {
    const t = table(rows, { caption: "eval", units: { accuracy: "%" } });
    expect(firstRow(t.html())).toEqual([
      ["text-align:left;white-space:pre-wrap", "scan"],
      ["text-align:right", "52.28%"],
      ["text-align:right", "191"],
      ["text-align:right", "0.0003"],
    ]);
    expect(t.text().split("\n")).toEqual([
      "eval",
      "task       accuracy    n      lr",
      "---------  --------  ---  ------",
      "scan         52.28%  191  0.0003",
      "malls <b>      100%   12",
    ]);
  });

  it("escapes markup once, in cells, headers and caption", () => {
    const html = table([{ "<i>": "a & b" }], { caption: `"quoted"` }).html();
    expect(html).toContain("<th style=\"text-align:left\">&lt;i&gt;</th>");
    expect(html).toContain(">a &amp; b</td>");
    expect(html).toContain("&quot;quoted&quot;");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("cuts long tables and says how many rows are not shown", () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ i }));
    const t = table(many, { maxRows: 5, index: true });
    expect(t.text().split("\n").slice(-2)).toEqual(["4  4", "… 2 more rows"]);
    expect(t.html()).toContain("<p>… 2 more rows</p>");
    expect(table([], { columns: ["a"] }).text()).toContain("(no rows)");
  });

  it("is what an array of records displays as", async () => {
    const bundle = await toMimeBundle([{ word: "ok", n: 1.23456 }]);
    expect(bundle["text/plain"]).toBe("word     n\n----  ----\nok    1.23");
    expect(bundle["text/html"]).toContain('<td style="text-align:right">1.23</td>');
  });

  it("gives its rows as a danfojs DataFrame", async () => {
    const frame = await table(rows).dataFrame();
    expect(frame.shape).toEqual([2, 4]);
    expect(frame.columns).toEqual(["task", "accuracy", "n", "lr"]);
  });
});

describe("reprs", () => {
  it("shows a tensor's dtype, shape and a preview table, reading back only the preview", async () => {
    const t = tf.tidy(() => tf.reshape(tf.range(0, 200, 1, "float32"), [20, 10]));
    const bundle = await toMimeBundle(t);
    expect(bundle["text/plain"]).toMatch(/^Tensor float32 \[20, 10\] · 200 values\n +0 +1 +2 +3 +4 +5 +6 +7 +…\n[- ]+\n0 +0 +1 +2 /);
    const html = bundle["text/html"] as string;
    expect(html).toContain("<caption style=\"text-align:left\">Tensor float32 [20, 10] · 200 values</caption>");
    expect(firstRow(html).slice(0, 3)).toEqual([["", "0"], ["text-align:right", "0"], ["text-align:right", "1"]]);
    expect(html).toContain(">…</td>");
    expect(html.match(/<tr>/g)!.length).toBe(1 + 8 + 1); // header, 8 preview rows, the "…" row
    t.dispose();
    const small = tf.tensor1d([1.5, 2, 0.125]);
    expect((await toMimeBundle(small))["text/plain"]).toBe("Tensor float32 [3] · 3 values\n    0  1      2\n-----  -  -----\n1.500  2  0.125");
    small.dispose();
    expect((await toMimeBundle(t))["text/plain"]).toBe("Tensor float32 [20, 10] (disposed)");
  });

  it("shows a danfojs DataFrame as a table under its own index", async () => {
    const dfd = (await import("danfojs")) as unknown as { DataFrame: new (d: unknown, o?: unknown) => object };
    const frame = new dfd.DataFrame({ name: ["a", "b"], score: [0.51234, 2] }, { index: ["x", "y"] });
    const bundle = await toMimeBundle(frame);
    expect(bundle["text/plain"]).toBe("DataFrame 2 × 2\n   name   score\n-  ----  ------\nx  a     0.5123\ny  b          2");
    expect(firstRow(bundle["text/html"] as string)).toEqual([["", "x"], ["text-align:left;white-space:pre-wrap", "a"], ["text-align:right", "0.5123"]]);
  });

  it("shows a model's preset, parameter count and weights", async () => {
    const { createGPT, gptConfig } = await import("../../lib/model/gpt.ts");
    const model = createGPT(gptConfig("tiny", { vocabSize: 40 }), 0);
    const bundle = model[displaySymbol]();
    const text = bundle["text/plain"] as string;
    const thousands = (model.paramCount() / 1000).toFixed(2);
    expect(text.split("\n")[0]).toBe(`GPT "tiny": ${thousands}k parameters (vocabSize 40, blockSize 64, nLayer 2, nHead 2, nEmbd 64)`);
    const listed = text.split("\n").slice(3).map((line) => Number(line.trim().split(/\s+/).at(-1)));
    expect(listed.reduce((a, b) => a + b, 0)).toBe(model.paramCount());
  });
});
