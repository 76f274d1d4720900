/**
 * %%capture [name]: runs the body with its output held back; `name` then holds it
 * (`.stdout`, `.stderr`, `.outputs`, and `.show()` to display it after all), as in IPython.
 */
import { UsageError } from "../../../lib/errors.ts";
import { unstorableReason } from "../../exec/storable.ts";
import { registerMagic } from "../registry.ts";
import type { CapturedOutput } from "../types.ts";

registerMagic({
  name: "capture",
  mode: "cell",
  summary: "Run the cell without showing its output; keep it in a variable",
  help: "%%capture out runs the body silently; out.stdout, out.stderr and out.outputs hold what it printed and displayed, out.show() shows it. --no-stdout / --no-stderr / --no-display let that part through.",
  args: [
    { name: "no-stdout", option: true, flag: true, help: "let stdout through" },
    { name: "no-stderr", option: true, flag: true, help: "let stderr through" },
    { name: "no-display", option: true, flag: true, help: "let rich displays through" },
    { name: "name", help: "variable to keep the output in" },
  ],
  async run(args, ctx) {
    if (!ctx.capture) throw new UsageError("%%capture: this kernel cannot capture output");
    const name = args.name as string | undefined;
    const reason = name === undefined ? null : unstorableReason(name);
    if (reason !== null) throw new UsageError(`%%capture: the name ${reason}`);
    const pass = { stdout: Boolean(args.noStdout), stderr: Boolean(args.noStderr), display: Boolean(args.noDisplay) };
    const captured: CapturedOutput = await ctx.capture(() => ctx.evaluate(ctx.body ?? ""), pass);
    if (name !== undefined) ctx.scope[name] = captured;
  },
});
