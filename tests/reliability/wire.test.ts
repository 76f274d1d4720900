/**
 * Issue 11 item 6, as an attacker on the network would act: a genuine signed message captured
 * and sent again must not run twice (jupyter_client's Session refuses duplicate signatures);
 * message types named like Object.prototype members are unknown types, not dispatched.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelProcess } from "../../kernel/runner/launch.ts";
import { makeHeader, serialize, Signer, type Message } from "../../kernel/wire/message.ts";
import { startToyKernel, textOf, until } from "../kernel/helpers.ts";

describe("wire refuses replays and prototype names", () => {
  let kernel: KernelProcess;
  let signer: Signer;

  beforeAll(async () => {
    kernel = await startToyKernel();
    const connection = JSON.parse(readFileSync(kernel.connectionFile, "utf8"));
    signer = new Signer(connection.key, connection.signature_scheme);
  });
  afterAll(async () => {
    await kernel?.kill();
  });

  it("runs a captured execute_request once, however often it is replayed", async () => {
    const captured = serialize({ ids: [], msg: kernel.client.message("execute_request", { code: "globalThis.runs = (globalThis.runs ?? 0) + 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false }) }, signer);
    await kernel.client.sendFrames("shell", captured);
    await kernel.client.sendFrames("shell", captured);
    await kernel.client.sendFrames("shell", captured);
    await until(() => ((kernel.stderr.match(/duplicate signature/g) ?? []).length === 2 ? true : undefined), "the kernel to log two replays");
    const { outputs } = await kernel.client.execute("globalThis.runs");
    expect(textOf(outputs, "execute_result")).toBe("1");
  });

  it("treats constructor, toString, __proto__ and hasOwnProperty as unknown message types and lives on", async () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      const msg: Message = { header: makeHeader(type, "attacker"), parent_header: {}, metadata: {}, content: {}, buffers: [] };
      await kernel.client.sendFrames("shell", serialize({ ids: [], msg }, signer));
      await until(() => (kernel.stderr.includes(`unknown shell message type "${type}"`) ? true : undefined), `the kernel to ignore ${type}`);
    }
    expect(kernel.stderr).not.toMatch(/failed:/);
    const { reply, outputs } = await kernel.client.execute("6 * 7");
    expect(reply.content.status).toBe("ok");
    expect(textOf(outputs, "execute_result")).toBe("42");
  });
});
