/** %cd, %pwd and %%writefile: the working directory and files, as in IPython. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../../../lib/errors.ts";
import { registerMagic } from "../registry.ts";

let previous: string | undefined;

registerMagic({
  name: "cd",
  mode: "line",
  summary: "Change the kernel's working directory",
  help: "%cd DIR (relative to the current one), %cd - (back to the previous one), %cd (home). Shell commands, relative file names and relative imports in later cells use it (imports made before keep their files).",
  args: [{ name: "dir", help: "where to go", raw: true }],
  run(args, ctx) {
    const wanted = String(args.dir ?? "").trim();
    const target = wanted === "" ? os.homedir() : wanted === "-" ? previous : path.resolve(wanted.replace(/^~(?=$|\/)/, os.homedir()));
    if (target === undefined) throw new UsageError("%cd -: there is no previous directory yet");
    if (!fs.existsSync(target)) throw new UsageError(`%cd: no such directory: ${wanted}`);
    if (!fs.statSync(target).isDirectory()) throw new UsageError(`%cd: not a directory: ${wanted}`);
    previous = process.cwd();
    process.chdir(target);
    ctx.print(process.cwd());
  },
});

registerMagic({
  name: "pwd",
  mode: "line",
  summary: "The kernel's working directory",
  args: [],
  run: () => process.cwd(),
});

registerMagic({
  name: "writefile",
  mode: "cell",
  summary: "Write the cell's body to a file",
  help: "%%writefile util.ts writes the body (relative names from the working directory); -a appends.",
  args: [
    { name: "append", short: "a", option: true, flag: true, help: "append instead of overwriting" },
    { name: "file", help: "the file to write", required: true },
  ],
  run(args, ctx) {
    const file = String(args.file);
    const target = path.resolve(file);
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new UsageError(`%%writefile: ${file} is a directory`);
    const existed = fs.existsSync(target);
    if (!fs.existsSync(path.dirname(target))) throw new UsageError(`%%writefile: the folder ${path.dirname(file)} does not exist`);
    const body = ctx.body ?? "";
    const text = body.endsWith("\n") || body === "" ? body : body + "\n";
    if (args.append) fs.appendFileSync(target, text);
    else fs.writeFileSync(target, text);
    ctx.print(`${args.append ? "Appending to" : existed ? "Overwriting" : "Writing"} ${file}`);
  },
});
