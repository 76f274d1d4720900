/** %backend as a notebook user meets it: show, switch, refuse a missing backend. */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import "../../kernel/magics/backend.ts";
import { runLineMagic } from "../../kernel/magics/registry.ts";
import type { MagicContext } from "../../kernel/magics/types.ts";
import { displaySymbol } from "../../lib/display/protocol.ts";
import { UsageError } from "../../lib/errors.ts";

const ctx: MagicContext = {
  signal: new AbortController().signal,
  evaluate: async () => undefined,
  display: () => undefined,
  print: () => undefined,
  scope: {},
};

const text = (value: unknown) => (value as { [displaySymbol](): { "text/plain": string } })[displaySymbol]()["text/plain"];

describe("%backend", () => {
  it("shows the active backend and why the native ones are missing", async () => {
    const out = text(await runLineMagic("backend", "", ctx));
    expect(out).toMatch(/^active\s+wasm/m);
    expect(out).toMatch(/^missing node-gpu @tensorflow\/tfjs-node-gpu is not installed/m);
    expect(out).toMatch(/using wasm with \d+ thread/);
  });

  it("switches to cpu and back", async () => {
    expect(text(await runLineMagic("backend", "cpu", ctx))).toMatch(/^using cpu/);
    expect(tf.getBackend()).toBe("cpu");
    expect(text(await runLineMagic("backend", "wasm", ctx))).toMatch(/^using wasm/);
    expect(tf.getBackend()).toBe("wasm");
  });

  it("refuses a backend that is not installed, keeping the current one", async () => {
    await expect(runLineMagic("backend", "node", ctx)).rejects.toThrow(UsageError);
    await expect(runLineMagic("backend", "node", ctx)).rejects.toThrow(/backend "node" is not available/);
    expect(tf.getBackend()).toBe("wasm");
  });

  it("names the choices for an unknown backend", async () => {
    await expect(runLineMagic("backend", "tpu", ctx)).rejects.toThrow(/node-gpu.*node.*wasm.*cpu/);
  });
});
