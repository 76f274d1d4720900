/**
 * Shell commands, IPython's way: `!cmd` (a line of its own; it becomes `%system cmd`),
 * `%%bash` and `%%sh` (the body is the script). Output streams into the cell as it comes;
 * interrupting the cell stops the command. A non-zero exit is not an error for `!cmd` (as in
 * IPython); for the cell magics it is a one-line UsageError, so "run all" stops there.
 */
import { spawn } from "node:child_process";
import { UsageError } from "../../../lib/errors.ts";
import { registerMagic } from "../registry.ts";
import type { MagicContext } from "../types.ts";

/** Runs `shell` with `args`, `input` on its stdin; resolves with the exit code (or the signal's name). */
export function runShell(shell: string, args: string[], input: string | null, ctx: MagicContext): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, args, { cwd: process.cwd(), stdio: [input === null ? "ignore" : "pipe", "pipe", "pipe"] });
    const out = ctx.stdout ?? ((text: string) => ctx.print(text));
    const err = ctx.stderr ?? out;
    child.stdout!.setEncoding("utf8").on("data", (text: string) => out(text));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => err(text));
    const stop = () => child.kill("SIGINT");
    ctx.signal.addEventListener("abort", stop, { once: true });
    child.on("error", (error) => reject(new UsageError(`cannot run ${shell}: ${error.message}`)));
    child.on("close", (code, signal) => {
      ctx.signal.removeEventListener("abort", stop);
      resolve(code ?? signal ?? -1);
    });
    if (input !== null) child.stdin!.end(input);
  });
}

registerMagic({
  name: "system",
  mode: "line",
  summary: "Run a shell command (what `!cmd` does)",
  help: "!ls -la is %system ls -la: /bin/sh runs the line in the kernel's working directory (%cd changes it).",
  args: [{ name: "command", help: "the command line, passed to /bin/sh -c", raw: true, required: true }],
  async run(args, ctx) {
    await runShell("/bin/sh", ["-c", String(args.command)], null, ctx);
  },
});

for (const shell of ["bash", "sh"]) {
  registerMagic({
    name: shell,
    mode: "cell",
    summary: `Run the cell as a ${shell} script`,
    help: `The body goes to ${shell} on its standard input; a non-zero exit status stops the notebook like an error.`,
    args: [],
    async run(_args, ctx) {
      const status = await runShell(shell, [], ctx.body ?? "", ctx);
      if (ctx.signal.aborted) return;
      if (status !== 0) throw new UsageError(`%%${shell}: the script exited with status ${status}`);
    },
  });
}
