/**
 * The commands of `symtune` (the contract in docs/design.md), in one table. Declared commands
 * parse their options like magics and generate `symtune NAME --help`; delegated commands
 * (bench, pretrain, effects) are modules of other rooms that parse their own options. Each
 * command loads its module only when called, so `symtune kernel` pays for nothing else.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isUserError, UsageError } from "../../lib/errors.ts";
import { collectionCommand } from "./collection.ts";
import { commandHelp, parseCommandArgs, usage, type CommandSpec, type DelegatedCommand } from "./command.ts";

const declared: CommandSpec[] = [
  {
    name: "install",
    summary: 'write the Jupyter kernelspec "symtune" (interrupt_mode: "message")',
    args: [
      { name: "user", option: true, flag: true, help: "install for this user (~/.local/share/jupyter)" },
      { name: "prefix", option: true, help: "install under PREFIX/share/jupyter" },
    ],
    async run(args) {
      if (args.user && args.prefix) throw new UsageError("give --user or --prefix DIR, not both");
      const { install } = await import("../install.ts");
      console.log(`Installed kernelspec symtune in ${install({ user: args.user as boolean, prefix: args.prefix as string | undefined })}`);
      return 0;
    },
  },
  {
    name: "kernel",
    summary: "run the kernel (what Jupyter starts from the kernelspec)",
    args: [{ name: "connection-file", option: true, required: true, help: "the connection file Jupyter passes" }],
    async run(args) {
      const [{ readConnectionFile }, { Kernel }] = await Promise.all([import("../wire/connection.ts"), import("../kernel.ts")]);
      await Kernel.start({ connection: readConnectionFile(args.connectionFile as string) });
      return -1; // keeps running
    },
  },
  {
    name: "run",
    summary: "execute a notebook headless through the kernel; exit code 1 on a cell error",
    args: [
      { name: "notebook", required: true, help: "the .ipynb to run" },
      { name: "out", option: true, help: "where to write the executed notebook" },
      { name: "timeout", option: true, type: "number", help: "seconds a cell may take" },
    ],
    async run(args) {
      const timeout = args.timeout as number | undefined;
      if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a number of seconds > 0, not ${timeout}`);
      const { runNotebookCommand } = await import("../runner/run.ts");
      return runNotebookCommand({ notebook: args.notebook as string, out: args.out as string | undefined, timeoutS: timeout });
    },
  },
  {
    name: "doctor",
    summary: "backends found, threads, Jupyter and Chromium, versions",
    args: [{ name: "json", option: true, flag: true, help: "print JSON" }],
    async run(args) {
      const { doctor } = await import("../doctor.ts");
      return doctor({ json: args.json === true });
    },
  },
  collectionCommand,
];

const delegated: DelegatedCommand[] = [
  { name: "bench", summary: "training throughput, one JSON object per config with --json", usage: "symtune bench [--config A|B|notebook|small] [--json] [--steps N] [--no-torch]", module: "../../bench/bench.ts" },
  { name: "pretrain", summary: "make a base model (data/bases/seed-N)", usage: "symtune pretrain --seed N [--steps S] [--out DIR]", module: "../../lib/effects/pretrain-cli.ts" },
  { name: "effects", summary: "run the papers' effects; --json writes results/effects.json", usage: "symtune effects [--effect E] [--seeds 0,1,2] [--size quick|full] [--json]", module: "../../lib/effects/cli.ts" },
];

const ALL = [...declared, ...delegated];

/** Runs `symtune ARGV...`; returns the exit code (-1: the process keeps running). */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${usage(ALL)}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    const { symtuneVersion } = await import("../wire/kernel-info.ts");
    console.log(symtuneVersion());
    return 0;
  }
  const command = ALL.find((c) => c.name === name);
  if (!command) throw new UsageError(`symtune: unknown command "${name}"; the commands are ${ALL.map((c) => c.name).join(", ")}`);
  if ("module" in command) {
    const url = new URL(command.module, import.meta.url);
    if (!existsSync(url)) throw new UsageError(`symtune ${name} is not part of this checkout (${fileURLToPath(url)} is missing)`);
    const module = (await import(url.href)) as { main(argv: string[]): Promise<number> };
    return module.main(rest);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest));
  } catch (error) {
    // One sentence naming the command, as the magics name themselves.
    if (error instanceof UsageError && !error.message.startsWith("symtune")) throw new UsageError(`symtune ${name}: ${error.message}`);
    throw error;
  }
}

/**
 * `symtune ARGV...` as a process runs it: a user mistake is one line on stderr and exit code
 * 2 (1 for bad data); anything else is a stack trace and exit code 1.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    if (!isUserError(error)) {
      console.error(error);
      return 1;
    }
    process.stderr.write(`${error.message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** The declared commands (for tests and docs). */
export const COMMANDS: readonly CommandSpec[] = declared;
