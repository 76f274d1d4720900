/**
 * The wire, dispatcher, comms, stdin and history, driven by our zeromq client against the
 * kernel process (with a toy JavaScript executor, so these tests do not depend on the
 * TypeScript executor).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelProcess } from "../../kernel/runner/launch.ts";
import { makeHeader, serialize, Signer } from "../../kernel/wire/message.ts";
import { startToyKernel, tempHistory, textOf, until } from "./helpers.ts";

describe("kernel wire (toy executor)", () => {
  let kernel: KernelProcess;
  const history = tempHistory();

  beforeAll(async () => {
    kernel = await startToyKernel(history);
  });
  afterAll(async () => {
    await kernel?.kill();
  });

  it("answers kernel_info with the TypeScript language info and echoes heartbeats", async () => {
    const reply = await kernel.client.request("shell", "kernel_info_request");
    expect(reply.content.status).toBe("ok");
    expect(reply.content.protocol_version).toBe("5.3");
    expect(reply.content.language_info).toMatchObject({ name: "typescript", file_extension: ".ts", mimetype: "text/typescript" });
    expect(reply.content.help_links.length).toBeGreaterThan(0);
    expect(await kernel.client.heartbeat()).toBe(true);
  });

  it("publishes busy, execute_input, outputs and idle around an execution", async () => {
    const seen: string[] = [];
    const stop = kernel.client.onIopub((m) => seen.push(m.header.msg_type));
    const { reply, outputs } = await kernel.client.execute("console.log('hello'); 6 * 7");
    stop();
    expect(reply.content.status).toBe("ok");
    expect(textOf(outputs, "stream", "stdout")).toBe("hello\n");
    expect(textOf(outputs, "execute_result")).toBe("42");
    expect(seen[0]).toBe("status");
    expect(seen).toContain("execute_input");
    expect(seen.at(-1)).toBe("status");
  });

  it("drops a message with a bad HMAC signature, never runs it, and still answers good ones", async () => {
    const forged = kernel.client.message("execute_request", { code: "globalThis.pwned = 'yes'", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const frames = serialize({ ids: [], msg: forged }, new Signer("not-the-kernel-key"));
    await kernel.client.sendFrames("shell", frames);
    await until(() => (kernel.stderr.includes("bad HMAC signature") ? true : undefined), "the kernel to log the bad signature");
    const { outputs } = await kernel.client.execute("typeof globalThis.pwned");
    expect(textOf(outputs, "execute_result")).toBe("undefined");
  });

  it("reports an error as an error message and an error reply, and lives on", async () => {
    const { reply, outputs } = await kernel.client.execute("null.x");
    expect(reply.content.status).toBe("error");
    expect(reply.content.ename).toBe("TypeError");
    expect(outputs.map((m) => m.header.msg_type)).toEqual(["error"]);
    const after = await kernel.client.execute("1 + 1");
    expect(textOf(after.outputs, "execute_result")).toBe("2");
  });

  it("asks the client for input on stdin and gets the answer back into the cell", async () => {
    const prompts: string[] = [];
    const { reply, outputs } = await kernel.client.execute("input('your name? ').then((n) => 'hi ' + n)", {
      onInput: (prompt) => {
        prompts.push(prompt);
        return "Ada";
      },
    });
    expect(reply.content.status).toBe("ok");
    expect(prompts).toEqual(["your name? "]);
    expect(textOf(outputs, "execute_result")).toBe("hi Ada");
  });

  it("refuses input when the client does not allow stdin", async () => {
    const { reply } = await kernel.client.execute("input('x')", { allowStdin: false });
    expect(reply.content.status).toBe("error");
    expect(reply.content.evalue).toMatch(/allow_stdin/);
  });

  it("opens a comm from the client and answers through a handler registered in a cell", async () => {
    await kernel.client.execute(`comms.register("echo", (comm, data) => {
      comm.send({ opened: data.greeting });
      comm.onMsg((msg) => comm.send({ echo: msg.n * 2 }));
    })`);
    const received: Record<string, unknown>[] = [];
    const stop = kernel.client.onIopub((m) => {
      if (m.header.msg_type === "comm_msg") received.push(m.content.data);
    });
    const commId = "comm-from-test";
    await kernel.client.send("shell", kernel.client.message("comm_open", { comm_id: commId, target_name: "echo", data: { greeting: "hello" } }));
    await until(() => (received.length >= 1 ? true : undefined), "the comm's first message");
    const info = await kernel.client.request("shell", "comm_info_request", { target_name: "echo" });
    expect(info.content.comms).toEqual({ [commId]: { target_name: "echo" } });
    await kernel.client.send("shell", kernel.client.message("comm_msg", { comm_id: commId, data: { n: 21 } }));
    await until(() => (received.length >= 2 ? true : undefined), "the comm's answer");
    stop();
    expect(received).toEqual([{ opened: "hello" }, { echo: 42 }]);
    await kernel.client.send("shell", kernel.client.message("comm_close", { comm_id: commId, data: {} }));
    const after = await kernel.client.request("shell", "comm_info_request", {});
    expect(after.content.comms).toEqual({});
  });

  it("opens a comm from a cell", async () => {
    const { outputs } = await kernel.client.execute(`comms.open("plot-sync", { x: 1 }); 0`);
    const open = outputs.find((m) => m.header.msg_type === "comm_open");
    expect(open?.content).toMatchObject({ target_name: "plot-sync", data: { x: 1 } });
  });

  it("adds a pager payload to the execute_reply", async () => {
    const { reply } = await kernel.client.execute("page('Help text')");
    expect(reply.content.payload).toEqual([{ source: "page", data: { "text/plain": "Help text" }, start: 0 }]);
  });

  it("answers history tail, range and search from the history file", async () => {
    for (const code of ["'alpha'", "'beta'", "'alpha'"]) await kernel.client.execute(code);
    const tail = await kernel.client.request("shell", "history_request", { output: true, raw: true, hist_access_type: "tail", n: 2 });
    const rows = tail.content.history as [number, number, [string, string]][];
    expect(rows.map((r) => r[2])).toEqual([
      ["'beta'", "beta"],
      ["'alpha'", "alpha"],
    ]);
    const [session, line] = rows[0]!;
    const range = await kernel.client.request("shell", "history_request", { output: false, raw: true, hist_access_type: "range", session, start: line, stop: line + 1 });
    expect(range.content.history).toEqual([[session, line, "'beta'"]]);
    const search = await kernel.client.request("shell", "history_request", { output: false, raw: true, hist_access_type: "search", pattern: "'al*", unique: true });
    expect(search.content.history.map((r: unknown[]) => r[2])).toEqual(["'alpha'"]);
  });

  it("shuts down on request, and a restarted kernel continues the history in a new session", async () => {
    const before = await kernel.client.request("shell", "history_request", { output: false, raw: true, hist_access_type: "tail", n: 1 });
    const [oldSession] = before.content.history[0];
    const reply = await kernel.client.shutdown(true);
    expect(reply.content).toEqual({ status: "ok", restart: true });
    expect(await kernel.waitExit()).toBe(0);
    await kernel.kill();

    kernel = await startToyKernel(history);
    await kernel.client.execute("'after restart'");
    const tail = await kernel.client.request("shell", "history_request", { output: false, raw: true, hist_access_type: "tail", n: 2 });
    const [previous, latest] = tail.content.history;
    expect(previous[0]).toBe(oldSession);
    expect(latest).toEqual([oldSession + 1, 1, "'after restart'"]);
  });

  it("signs what it sends with the connection key", async () => {
    // Our client drops unsigned or mis-signed messages, so a reply proves the kernel signs.
    const header = makeHeader("kernel_info_request", kernel.client.session);
    expect(header.version).toBe("5.3");
    const reply = await kernel.client.request("control", "kernel_info_request");
    expect(reply.content.implementation).toBe("symtune");
  });
});
