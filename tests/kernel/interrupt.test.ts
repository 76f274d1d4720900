/**
 * Interrupts against the real TypeScript kernel: a synchronous `while (true) {}` and an async
 * training-shaped loop stop on interrupt_request and on SIGINT; state defined before survives
 * and the kernel keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResult } from "../../kernel/runner/client.ts";
import type { KernelProcess } from "../../kernel/runner/launch.ts";
import { startKernel, textOf, until } from "./helpers.ts";

const SYNC_LOOP = "while (true) {}";
// Prints once it has stepped, so the test interrupts a loop that is really running (a slow
// first compile on a busy machine must not pass for a loop that never advanced).
const ASYNC_LOOP = "let announced = false;\nwhile (true) { await new Promise((r) => setTimeout(r, 10)); steps++; if (!announced) { announced = true; console.log('stepping'); } }";

describe("interrupt (real executor)", () => {
  let kernel: KernelProcess;

  beforeAll(async () => {
    kernel = await startKernel();
  });
  afterAll(async () => {
    await kernel?.kill();
  });

  /** Starts `code`, waits until the kernel is running it, interrupts it with `how`. */
  async function runAndInterrupt(code: string, how: () => unknown): Promise<ExecuteResult> {
    let started = false;
    const waitFor = code.includes("console.log('stepping')") ? "stepping" : null;
    const stop = kernel.client.onIopub((m) => {
      if (waitFor === null && m.header.msg_type === "execute_input" && m.content.code === code) started = true;
      if (waitFor !== null && m.header.msg_type === "stream" && String(m.content.text).includes(waitFor)) started = true;
    });
    const running = kernel.client.execute(code);
    await until(() => (started ? true : undefined), "the cell to start");
    stop();
    await new Promise((r) => setTimeout(r, 300)); // let the loop spin
    await how();
    return running;
  }

  async function value(code: string): Promise<string> {
    const { reply, outputs } = await kernel.client.execute(code);
    expect(reply.content.status).toBe("ok");
    return textOf(outputs, "execute_result");
  }

  it("stops the first cell when the interrupt comes while TypeScript is still loading", async () => {
    // No pause: the executor is still starting when the interrupt arrives.
    let started = false;
    const stop = kernel.client.onIopub((m) => {
      if (m.header.msg_type === "execute_input") started = true;
    });
    const running = kernel.client.execute("let spins = 0; while (true) { spins++ }");
    await until(() => (started ? true : undefined), "the cell to start");
    stop();
    await kernel.client.interrupt();
    const { reply } = await running;
    expect(reply.content.ename).toBe("KeyboardInterrupt");
    const setup = await kernel.client.execute("const kept = 41; let steps = 0;");
    expect(setup.reply.content.status).toBe("ok");
  });

  const viaMessage = () => kernel.client.interrupt();
  const viaSigint = () => kernel.signal("SIGINT");

  for (const [name, how] of [
    ["interrupt_request", viaMessage],
    ["SIGINT", viaSigint],
  ] as const) {
    it(`stops a synchronous infinite loop on ${name}; earlier state survives`, async () => {
      const { reply, outputs } = await runAndInterrupt(SYNC_LOOP, how);
      expect(reply.content.status).toBe("error");
      expect(reply.content.ename).toBe("KeyboardInterrupt");
      expect(outputs.filter((m) => m.header.msg_type === "error")).toHaveLength(1);
      expect(await value("kept + 1")).toBe("42");
      expect(kernel.alive).toBe(true);
    });

    it(`stops an async loop on ${name} within one iteration; its progress survives`, async () => {
      const before = Number(await value("steps"));
      const { reply } = await runAndInterrupt(ASYNC_LOOP, how);
      expect(reply.content.ename).toBe("KeyboardInterrupt");
      const after = Number(await value("steps"));
      expect(after).toBeGreaterThan(before);
      // Stopped for good: a later look finds the same count.
      await new Promise((r) => setTimeout(r, 100));
      expect(Number(await value("steps"))).toBe(after);
    });
  }

  it("answers heartbeats and kernel_info while a cell blocks the main thread", async () => {
    let started = false;
    const stop = kernel.client.onIopub((m) => {
      if (m.header.msg_type === "execute_input" && m.content.code === SYNC_LOOP) started = true;
    });
    const running = kernel.client.execute(SYNC_LOOP);
    await until(() => (started ? true : undefined), "the cell to start");
    stop();
    expect(await kernel.client.heartbeat()).toBe(true);
    const info = await kernel.client.request("control", "kernel_info_request");
    expect(info.content.status).toBe("ok");
    await kernel.client.interrupt();
    expect((await running).reply.content.ename).toBe("KeyboardInterrupt");
  });
});
