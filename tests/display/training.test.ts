/**
 * The training view (progress bar + eval table + live curve) as a kernel would send it, the
 * interrupt promise (an interrupted run's final curve never waits for Chromium), the static
 * exporter's early stop, and figures sent by mime type only.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROGRESS_METADATA } from "../../lib/display/progress.ts";
import { displaySymbol, setDisplaySink } from "../../lib/display/protocol.ts";
import { trainingCurves } from "../../lib/plot/builders.ts";
import { figureOutput, PLOTLY_MIME } from "../../lib/plot/figure.ts";
import { LiveCurve } from "../../lib/plot/live.ts";
import { chromiumPath, closeStaticExport, renderStatic } from "../../lib/plot/static.ts";
import { TrainingView } from "../../lib/plot/training.ts";
import { recordingSink, type SinkEvent } from "./sink.ts";

let sink = recordingSink();
beforeEach(() => {
  sink = recordingSink();
  setDisplaySink(sink);
});
afterEach(() => setDisplaySink(null));
afterAll(() => closeStaticExport());

const bundles = (events: SinkEvent[], id: string) =>
  events.flatMap((e) => (e.kind === "display" && e.options?.displayId === id) || (e.kind === "update" && e.displayId === id) ? [e] : []);

describe("TrainingView", () => {
  it("shows one bar updated in place with step/total, rate, ETA, tokens/s, loss and an eval table", async () => {
    const view = new TrainingView({ title: "injection", total: 4, curve: false });
    view.step({ step: 1, loss: 3.25, tokensPerSecond: 1234.4 });
    view.eval(1, { eval_loss: 3.1, accuracy: 12.5 });
    view.step({ step: 4, loss: 2.5, tokensPerSecond: 1500 });
    await view.finish();
    const barId = (sink.events[0] as { options: { displayId: string } }).options.displayId;
    const shown = bundles(sink.events, barId);
    expect(shown.length).toBe(sink.events.length); // one output, everything else is an update of it
    const last = shown.at(-1)!;
    const text = (last.kind === "update" ? last.bundle : {})["text/plain"] as string;
    const [line, ...table] = text.split("\n");
    expect(line).toMatch(/^injection: 100%\|█+\| 4\/4 \[\d\d:\d\d(<\d\d:\d\d)?, .+ (it\/s|s\/it)\] loss 2\.5 tokens\/s 1500$/);
    expect(table).toEqual(["eval", "step  eval_loss  accuracy", "----  ---------  --------", "   1      3.100    12.500"]);
    expect(last.kind === "update" && last.metadata).toEqual({ [PROGRESS_METADATA]: "final" });
    const html = (last.kind === "update" ? last.bundle : {})["text/html"] as string;
    expect(html).toContain('<progress value="4" max="4"');
    expect(html).toContain("symtune-progress-detail");
  });

  it("keeps the last five evals in the table and counts the rest", () => {
    const view = new TrainingView({ title: "t", total: 100, curve: false });
    for (let step = 10; step <= 70; step += 10) view.eval(step, { eval_loss: 1 / step });
    const last = sink.events.at(-1)!;
    const text = (last.kind === "update" ? last.bundle : {})["text/plain"] as string;
    expect(text.split("\n").slice(1, 2)).toEqual(["eval (last 5 of 7)"]);
    expect(text.split("\n").slice(-5).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([30, 40, 50, 60, 70]);
  });

  it("puts train and eval losses on the live curve", async () => {
    const view = new TrainingView({ title: "run", total: 2 });
    view.step({ step: 1, loss: 2 });
    view.eval(1, { eval_loss: 2.5, accuracy: 40 });
    view.step({ step: 2, loss: 1.5 });
    const figure = (await view.finish())!;
    expect(figure.data.map((t) => [t.name, t.y])).toEqual([
      ["train loss", [2, 1.5]],
      ["eval loss", [2.5]],
    ]);
  });
});

describe("an interrupted run's figure", () => {
  it("goes out at once without a static image, even with Chromium starting", async () => {
    const interrupt = new AbortController();
    const curve = new LiveCurve({ title: "stopped", signal: interrupt.signal });
    curve.add("train loss", 1, 3);
    interrupt.abort();
    const figure = await curve.finish();
    expect(figure.data[0]!.y).toEqual([3]);
    const final = sink.events.at(-1)!;
    const bundle = final.kind === "update" || final.kind === "display" ? final.bundle : {};
    expect(Object.keys(bundle)).toContain(PLOTLY_MIME);
    expect(Object.keys(bundle)).not.toContain("image/svg+xml");
  });

  it.skipIf(chromiumPath() === null)("static export gives up on an aborted signal or past its time limit", async () => {
    await closeStaticExport(); // cold, as after a kernel start
    const fig = trainingCurves([{ name: "loss", steps: [1, 2], values: [2, 1] }]).toJSON();
    const aborted = AbortSignal.abort();
    expect(await renderStatic(fig, "svg", { signal: aborted })).toBeNull();
    expect(await renderStatic(fig, "svg", { timeoutMs: 1 })).toBeNull();
    // The start goes on in the background: a later figure gets its image.
    expect(await renderStatic(fig, "svg")).toMatch(/^<svg/);
  });
});

describe("a training stage in a notebook", () => {
  it("shows the bar and the curve, and an interrupt keeps the model with its final curve", async () => {
    const { injectionStage } = await import("../../lib/train/stages.ts");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const rows = Array.from({ length: 40 }, (_, i) => ({
      task: "scan", domain: "scan", form: "SCAN actions", instruction: "Act:", input: `walk ${i}`, output: `I_WALK x${i % 5}`, split: "train" as const, meta: {},
    }));
    const interrupt = new AbortController();
    const result = await injectionStage({
      symbolic: rows, steps: 50, batchSize: 4, preset: "tiny", seed: 1, runs: mkdtempSync(join(tmpdir(), "symtune-view-")),
      signal: interrupt.signal,
      onStep: (step) => step === 3 && interrupt.abort(),
    });
    expect(result.train.stopped).toBe("interrupted");
    expect(result.train.step).toBe(3);
    expect(result.model.paramCount()).toBeGreaterThan(0);
    const texts = sink.events.flatMap((e) => (e.kind === "display" || e.kind === "update" ? [String(e.bundle["text/plain"])] : []));
    expect(texts.some((t) => /^injection: +\d+%\|.*\| 3\/50 /.test(t))).toBe(true);
    expect(texts.filter((t) => t.startsWith("injection:")).at(-1)).toMatch(/ 3\/50 \[.*\] loss [\d.]+ tokens\/s \d+ stopped interrupted$/);
    const curves = sink.events.flatMap((e) => (e.kind === "display" || e.kind === "update") && PLOTLY_MIME in e.bundle ? [e.bundle] : []);
    const final = curves.at(-1)!;
    expect((final[PLOTLY_MIME] as { data: { y: number[] }[] }).data[0]!.y).toHaveLength(3);
    expect(final).not.toHaveProperty("image/svg+xml");
    result.model.dispose();
  });
});

describe("figures by mime type", () => {
  it("leave out the HTML and plotly.js, keeping the Plotly JSON", async () => {
    figureOutput("mime");
    try {
      const bundle = await trainingCurves([{ name: "loss", steps: [1], values: [1] }]).mimeBundle({ staticImage: false });
      expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "text/plain"]);
    } finally {
      figureOutput("html");
    }
    expect(() => figureOutput("svg" as never)).toThrow('figureOutput: use "html" or "mime", got "svg"');
    const fig = trainingCurves([{ name: "loss", steps: [1], values: [1] }]);
    expect(Object.keys(await fig.mimeBundle({ staticImage: false }))).toContain("text/html");
    expect(fig[displaySymbol]).toBeTypeOf("function");
  });
});
