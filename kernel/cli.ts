/**
 * The `symtune` command (the contract in docs/design.md). Each subcommand loads its module
 * only when called, so `symtune kernel` does not pay for the benchmark or collections code.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isUserError, UsageError } from "../lib/errors.ts";

const USAGE = `usage: symtune <command> [options]

  install [--user | --prefix DIR]                 write the Jupyter kernelspec "symtune"
  kernel --connection-file F                      run the kernel (what Jupyter starts)
  run NB.ipynb [--out OUT.ipynb] [--timeout S]    execute a notebook headless
  doctor [--json]                                 what symtune found on this machine
  bench [--config A|B] [--json]                   training throughput
  collection list [--json]                        the built-in task families
  pretrain --seed N [--steps S] [--out DIR]       make a base model (data/bases/seed-N)
  effects [--effect E] [--seeds 0,1,2] [--size quick|full] [--json]
                                                  run the papers' effects; --json writes results/effects.json`;

type Options = NonNullable<ParseArgsConfig["options"]>;

function parse(command: string, argv: string[], options: Options, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    const known = Object.keys(options).map((o) => `--${o}`).join(", ");
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    const what = unknown ? `unknown option ${unknown}` : (error as Error).message.split(".")[0];
    throw new UsageError(`symtune ${command}: ${what}; the options are ${known || "none"} (see symtune --help)`);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`symtune ${command}: unexpected argument "${parsed.positionals[positionals]}" (see symtune --help)`);
  }
  return parsed;
}

/** Commands owned by other areas: a module exporting main(argv) that returns the exit code. */
async function subcommand(command: string, path: string): Promise<{ main(argv: string[]): Promise<number> }> {
  const url = new URL(path, import.meta.url);
  if (!existsSync(url)) throw new UsageError(`symtune ${command} is not part of this checkout (${fileURLToPath(url)} is missing)`);
  return import(url.href);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "install": {
      const { values } = parse(command, rest, { user: { type: "boolean" }, prefix: { type: "string" } });
      if (values.user && values.prefix) throw new UsageError("symtune install: give --user or --prefix DIR, not both");
      const { install } = await import("./install.ts");
      const dir = install({ user: values.user as boolean | undefined, prefix: values.prefix as string | undefined });
      console.log(`Installed kernelspec symtune in ${dir}`);
      return 0;
    }
    case "kernel": {
      const { values } = parse(command, rest, { "connection-file": { type: "string" } });
      const file = values["connection-file"] as string | undefined;
      if (!file) throw new UsageError("symtune kernel: --connection-file F is required (Jupyter passes it from the kernelspec)");
      const [{ readConnectionFile }, { Kernel }] = await Promise.all([import("./wire/connection.ts"), import("./kernel.ts")]);
      await Kernel.start({ connection: readConnectionFile(file) });
      return -1; // keeps running
    }
    case "run": {
      const { values, positionals } = parse(command, rest, { out: { type: "string" }, timeout: { type: "string" } }, 1);
      if (!positionals[0]) throw new UsageError("symtune run: give the notebook to run, e.g. symtune run notebooks/quickstart.ipynb");
      const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
      if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`symtune run: --timeout must be a number of seconds > 0, not "${values.timeout}"`);
      const { runNotebookCommand } = await import("./runner/run.ts");
      return runNotebookCommand({ notebook: positionals[0], out: values.out as string | undefined, timeoutS: timeout });
    }
    case "doctor": {
      const { values } = parse(command, rest, { json: { type: "boolean" } });
      const { doctor } = await import("./doctor.ts");
      return doctor({ json: values.json === true });
    }
    case "bench":
      return (await subcommand(command, "../bench/bench.ts")).main(rest);
    case "collection":
      return (await subcommand(command, "../lib/collections/cli.ts")).main(rest);
    case "pretrain":
      return (await subcommand(command, "../lib/effects/pretrain-cli.ts")).main(rest);
    case "effects":
      return (await subcommand(command, "../lib/effects/cli.ts")).main(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    case "--version": {
      const { symtuneVersion } = await import("./wire/kernel-info.ts");
      console.log(symtuneVersion());
      return 0;
    }
    default:
      throw new UsageError(`symtune: unknown command "${command}"; the commands are install, kernel, run, doctor, bench, collection, pretrain, effects`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (isUserError(error)) {
    console.error(error.message);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
