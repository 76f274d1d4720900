/**
 * The kernel with the real TypeScript executor, through our zeromq client: stdin, comms
 * registered from a TypeScript cell, stop_on_error, and errors from callbacks that outlive
 * their cell (the kernel must live on).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelProcess } from "../../kernel/runner/launch.ts";
import { startKernel, textOf, until } from "./helpers.ts";

describe("kernel (real executor)", () => {
  let kernel: KernelProcess;

  beforeAll(async () => {
    kernel = await startKernel();
  });
  afterAll(async () => {
    await kernel?.kill();
  });

  it("round-trips input through stdin into a typed cell", async () => {
    const { reply, outputs } = await kernel.client.execute('const who: string = await input("name? "); `hello ${who}`', {
      onInput: (prompt) => (prompt === "name? " ? "Ada" : "wrong prompt"),
    });
    expect(reply.content.status).toBe("ok");
    expect(textOf(outputs, "execute_result")).toBe("'hello Ada'");
  });

  it("answers a comm the client opens, through a handler registered in a TypeScript cell", async () => {
    const setup = await kernel.client.execute(`comms.register("symtune.echo", (comm: any, data: any) => {
  comm.onMsg((msg: any) => comm.send({ doubled: msg.value * 2, greeting: data.greeting }));
});`);
    expect(setup.reply.content.status).toBe("ok");
    const answers: unknown[] = [];
    const stop = kernel.client.onIopub((m) => {
      if (m.header.msg_type === "comm_msg" && m.content.comm_id === "c1") answers.push(m.content.data);
    });
    await kernel.client.send("shell", kernel.client.message("comm_open", { comm_id: "c1", target_name: "symtune.echo", data: { greeting: "hi" } }));
    await kernel.client.send("shell", kernel.client.message("comm_msg", { comm_id: "c1", data: { value: 21 } }));
    await until(() => (answers.length > 0 ? true : undefined), "the comm's answer");
    stop();
    expect(answers).toEqual([{ doubled: 42, greeting: "hi" }]);
  });

  it("evaluates user_expressions after the cell and returns them in the reply", async () => {
    const reply = await kernel.client.request("shell", "execute_request", {
      code: "const width = 6;",
      silent: false,
      store_history: true,
      allow_stdin: false,
      stop_on_error: true,
      user_expressions: { area: "width * 7", broken: "width.nope()" },
    });
    expect(reply.content.status).toBe("ok");
    expect(reply.content.user_expressions.area).toEqual({ status: "ok", data: { "text/plain": "42" }, metadata: {} });
    expect(reply.content.user_expressions.broken.status).toBe("error");
  });

  it("aborts cells queued behind an error (stop_on_error)", async () => {
    const results = await Promise.all([kernel.client.execute('throw new Error("first fails")'), kernel.client.execute("1"), kernel.client.execute("2")]);
    expect(results.map((r) => r.reply.content.status)).toEqual(["error", "aborted", "aborted"]);
    expect(textOf((await kernel.client.execute("3")).outputs, "execute_result")).toBe("3");
  });

  it("survives an error thrown by a callback after its cell ended, and shows it", async () => {
    const late: string[] = [];
    const stop = kernel.client.onIopub((m) => {
      if (m.header.msg_type === "stream" && m.content.name === "stderr") late.push(m.content.text);
    });
    const { reply } = await kernel.client.execute('setTimeout(() => { throw new Error("late failure") }, 10); "scheduled"');
    expect(reply.content.status).toBe("ok");
    await until(() => (late.join("").includes("late failure") ? true : undefined), "the late error on stderr");
    stop();
    // The cell's format: its line and caret, no kernel frames, no absolute paths.
    expect(late.join("")).toMatch(/^In \[\d+\], line 1(, in \S+)?\n    setTimeout\(\(\) => \{ throw new Error\("late failure"\) \}, 10\); "scheduled"\n {4}\s*\^\nError: late failure\n$/);
    expect(kernel.alive).toBe(true);
    expect(textOf((await kernel.client.execute("40 + 2")).outputs, "execute_result")).toBe("42");
  });

  it("exits with the code a cell passes to process.exit, closing its sockets first (no abort)", async () => {
    void kernel.client.execute("process.exit(3)").catch(() => {});
    // The kernel's stderr names the cause if it ever ends by a signal instead (seen once in CI).
    expect(await kernel.waitExit(), kernel.stderr).toBe(3);
    expect(kernel.stderr).not.toMatch(/terminate called|Napi::Error/);
  });
});
