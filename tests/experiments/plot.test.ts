import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { displaySymbol, setDisplaySink, type DisplaySink, type MimeBundle } from "../../lib/display/protocol.ts";
import {
  ablationBars,
  flippedLabelBars,
  iclSettingsBars,
  symbolicVsGeneral,
  trainingCurves,
} from "../../lib/plot/builders.ts";
import { PLOTLY_MIME } from "../../lib/plot/figure.ts";
import { resetPlotlyBundleSent } from "../../lib/plot/html.ts";
import { LiveCurve } from "../../lib/plot/live.ts";
import { chromiumPath, closeStaticExport } from "../../lib/plot/static.ts";
import { table as makeTable } from "../../lib/display/table.ts";

afterAll(() => closeStaticExport());

const dir = mkdtempSync(join(tmpdir(), "symtune-plot-"));

describe("figure builders", () => {
  it("places each model of the two-stage figure at its mean with seed intervals", () => {
    const fig = symbolicVsGeneral([
      { model: "base", symbolic: 20, general: 40 },
      { model: "injection", symbolic: [70, 72, 74], general: [36, 38, 40] },
    ]);
    const [base, injection] = fig.data as Array<Record<string, any>>;
    expect(base!.name).toBe("base");
    expect(base!.x).toEqual([20]);
    expect(base!.error_x).toBeUndefined();
    expect(injection!.x).toEqual([72]);
    expect(injection!.y).toEqual([38]);
    expect(injection!.error_x.array[0]).toBeGreaterThan(0);
  });

  it("groups ICL bars by setting with one series per model, in the order given", () => {
    const fig = iclSettingsBars([
      { model: "instruction-tuned", setting: "no instruction, no relevant labels", accuracy: 51 },
      { model: "symbol-tuned", setting: "no instruction, no relevant labels", accuracy: 62 },
      { model: "instruction-tuned", setting: "instruction + relevant labels", accuracy: 80 },
    ]);
    expect(fig.data.map((t) => t.name)).toEqual(["instruction-tuned", "symbol-tuned"]);
    expect(fig.data[0]!.x).toEqual(["no instruction, no relevant labels", "instruction + relevant labels"]);
    expect(fig.data[1]!.y).toEqual([62, null]);
    expect(fig.layout.barmode).toBe("group");
  });

  it("draws the chance line on the flipped-label figure", () => {
    const fig = flippedLabelBars([{ model: "m", task: "average", accuracy: [30, 40] }]);
    const shapes = fig.layout.shapes as Array<Record<string, number>>;
    expect(shapes[0]!.y0).toBe(50);
    expect((fig.data[0]!.error_y as any).visible).toBe(true);
  });

  it("draws ablation bars and curves", () => {
    const fig = ablationBars([
      { variant: "evol off", value: [10, 12, 14] },
      { variant: "evol on", value: [20, 22, 24] },
    ]);
    expect(fig.data[0]!.y).toEqual([12, 22]);
    const curves = trainingCurves([{ name: "loss", steps: [1, 2], values: [3, 2] }], { logY: true });
    expect((curves.layout.yaxis as any).type).toBe("log");
  });

  it("says what is wrong with an empty result list", () => {
    expect(() => symbolicVsGeneral([])).toThrow("symbolicVsGeneral: no results to plot (the rows list is empty)");
  });
});

describe("mime bundle and export", () => {
  const hasChromium = chromiumPath() !== null;

  it("carries Plotly JSON, offline HTML and (with Chromium) a static SVG of the plot", async () => {
    resetPlotlyBundleSent();
    const fig = trainingCurves([{ name: "loss", steps: [0, 1, 2], values: [4, 3, 2.5] }], { title: "demo curve" });
    const first = (await fig[displaySymbol]()) as Record<string, any>;
    expect(first[PLOTLY_MIME].data[0].y).toEqual([4, 3, 2.5]);
    expect(first["text/plain"]).toBe('<Figure "demo curve": 1 trace>');
    // The first figure of a process carries plotly.js; the second relies on window.Plotly.
    // (booleans, not toContain: a failure would print megabytes of plotly.js)
    const html: string = first["text/html"];
    expect(html.includes("window.Plotly")).toBe(true);
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(/<script[^>]+src=/.test(html)).toBe(false); // nothing fetched: works offline
    const second = (await fig[displaySymbol]()) as Record<string, string>;
    expect(second["text/html"].length).toBeLessThan(200_000);
    if (hasChromium) {
      expect(first["image/svg+xml"]).toMatch(/^<svg[^>]*class="main-svg"/);
      expect(first["image/svg+xml"]).toContain("demo curve");
    } else {
      expect(first["image/svg+xml"]).toBeUndefined();
    }
  });

  it("saves .svg, .png, .html and .json", async () => {
    const fig = ablationBars([{ variant: "a", value: 1 }]);
    const html = await fig.save(join(dir, "fig.html"));
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/);
    expect(JSON.parse(readFileSync(await fig.save(join(dir, "fig.json")), "utf8")).data[0].type).toBe("bar");
    if (hasChromium) {
      expect(readFileSync(await fig.save(join(dir, "sub/fig.svg")), "utf8")).toContain("<svg");
      expect(readFileSync(await fig.save(join(dir, "fig.png"))).subarray(1, 4).toString()).toBe("PNG");
    } else {
      await expect(fig.save(join(dir, "fig.svg"))).rejects.toThrow("save as .html instead");
    }
    await expect(fig.save(join(dir, "fig.pdf"))).rejects.toThrow('cannot save a figure as "');
    expect(existsSync(join(dir, "fig.pdf"))).toBe(false);
  });
});

describe("without Chromium", () => {
  it("omits the static image, says so once, and refuses .svg with a way out", async () => {
    const previous = process.env.SYMTUNE_CHROMIUM;
    process.env.SYMTUNE_CHROMIUM = "none";
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const fig = ablationBars([{ variant: "a", value: 1 }]);
      const bundles = [await fig.mimeBundle({ plotlyJs: "none" }), await fig.mimeBundle({ plotlyJs: "none" })];
      expect(bundles.map((b) => Object.keys(b).sort())).toEqual([
        [PLOTLY_MIME, "text/html", "text/plain"],
        [PLOTLY_MIME, "text/html", "text/plain"],
      ]);
      expect(written.filter((w) => w.includes("no static image"))).toHaveLength(1);
      await expect(fig.save(join(dir, "none.svg"))).rejects.toThrow("save as .html instead");
    } finally {
      process.stderr.write = write;
      if (previous === undefined) delete process.env.SYMTUNE_CHROMIUM;
      else process.env.SYMTUNE_CHROMIUM = previous;
    }
  });
});

describe("live training curve", () => {
  it("shows one output and updates it in place, throttled, ending with every point", async () => {
    const events: Array<{ kind: string; bundle: MimeBundle; id?: string }> = [];
    const sink: DisplaySink = {
      display: (bundle, options) => events.push({ kind: "display", bundle, id: options?.displayId }),
      update: (id, bundle) => events.push({ kind: "update", bundle, id }),
      clear: () => undefined,
      stdout: () => undefined,
    };
    setDisplaySink(sink);
    try {
      const curve = new LiveCurve({ title: "loss", minIntervalMs: 60_000 });
      for (let step = 0; step < 200; step++) curve.add("train", step, 5 / (step + 1));
      const fig = await curve.finish();
      const mine = events.filter((e) => e.id === curve.displayId);
      expect(mine.map((e) => e.kind)).toEqual(["display", "update"]);
      const last = mine[1]!.bundle as Record<string, any>;
      expect(last[PLOTLY_MIME].data[0].y).toHaveLength(200);
      expect(fig.data[0]!.x).toHaveLength(200);
    } finally {
      setDisplaySink(null);
    }
  });
});

describe("results table", () => {
  it("renders rows as an HTML table and gives them as a danfojs DataFrame", async () => {
    const table = makeTable(
      [
        { model: "base", symbolic: 20.123456, general: 40 },
        { model: "infusion", symbolic: 71.9, general: 44.3, note: "<b>" },
      ],
      { caption: "two-stage", digits: 3 },
    );
    expect((await table.dataFrame()).shape).toEqual([2, 4]);
    const html = table[displaySymbol]()["text/html"] as string;
    expect(html.match(/<th[^>]*>([^<]*)<\/th>/g)!.map((th) => th.replace(/<[^>]*>/g, ""))).toEqual(["model", "symbolic", "general", "note"]);
    expect(html).toContain('<td style="text-align:right">20.123</td>');
    expect(html).toContain("&lt;b&gt;");
    expect(table.text().split("\n")[0]).toBe("two-stage");
  });
});
