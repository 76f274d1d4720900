/**
 * IPython habits and editor help through the real kernel and our zeromq client: what a notebook receives on
 * iopub for `!cmd`, a trailing `;`, `clear_output()`, `%%capture` and `_`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelProcess } from "../../kernel/runner/launch.ts";
import { startKernel, textOf } from "./helpers.ts";

describe("IPython habits over the wire", () => {
  let kernel: KernelProcess;
  beforeAll(async () => {
    kernel = await startKernel();
  });
  afterAll(async () => {
    await kernel?.kill();
  });

  it("streams !cmd output, hides a result after ;, keeps _, and clears output", async () => {
    const shell = await kernel.client.execute("!echo from the shell");
    expect(textOf(shell.outputs, "stream", "stdout")).toBe("from the shell\n");
    expect(textOf((await kernel.client.execute("6 * 7")).outputs, "execute_result")).toBe("42");
    // As in IPython, a hidden result is not kept in _ either.
    const hidden = await kernel.client.execute("1000;");
    expect(hidden.outputs.filter((m) => m.header.msg_type === "execute_result")).toEqual([]);
    expect(textOf((await kernel.client.execute("_ + 0")).outputs, "execute_result")).toBe("42");
    const cleared = await kernel.client.execute("console.log('gone'); clear_output(true); 'kept'");
    expect(cleared.outputs.map((m) => m.header.msg_type).filter((t) => t !== "status" && t !== "execute_input")).toEqual(["stream", "clear_output", "execute_result"]);
  });

  it("%%capture sends nothing, then shows what it kept", async () => {
    const quiet = await kernel.client.execute("%%capture kept\nconsole.log('held back')");
    expect(quiet.outputs.filter((m) => m.header.msg_type === "stream")).toEqual([]);
    expect(textOf((await kernel.client.execute("kept.show()")).outputs, "stream", "stdout")).toBe("held back\n");
  });

  it("completes a magic's options and shows a call's signature on Shift-Tab", async () => {
    const code = "%train --stage inj";
    const completion = await kernel.client.request("shell", "complete_request", { code, cursor_pos: code.length });
    expect(completion.content).toMatchObject({ status: "ok", matches: ["injection"], cursor_start: 15, cursor_end: code.length });
    const call = "Math.max(";
    const inspected = await kernel.client.request("shell", "inspect_request", { code: call, cursor_pos: call.length, detail_level: 0 });
    expect(inspected.content).toMatchObject({ status: "ok", found: true });
    expect(inspected.content.data["text/plain"]).toMatch(/^max\(\.\.\.values: number\[\]\): number\n/);
  });
});
