/** The `symtune` executable: the command table of kernel/cli/commands.ts, run as a process. */
import { runCommandLine } from "./cli/commands.ts";

const code = await runCommandLine(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
