/**
 * `symtune collection ...`: the registry and the collections from a shell.
 *
 *   symtune collection list [--json]
 *   symtune collection generate NAME [--n N] [--seed S] [--out FILE] [--layout L]
 *   symtune collection stats PATH [--json]
 */
import { parseArgs } from "node:util";
import { isUserError, UsageError } from "../errors.ts";
import { JSONL_LAYOUTS, type JsonlLayout } from "../prompts/format.ts";

const USAGE = `usage: symtune collection list [--json]
       symtune collection generate NAME [--n N] [--seed S] [--out FILE] [--layout ${JSONL_LAYOUTS.join("|")}]
       symtune collection stats PATH [--json]`;

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (!isUserError(error)) throw error;
    process.stderr.write(`symtune collection: ${error.message}\n`);
    return 2;
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        n: { type: "string", default: "100" },
        seed: { type: "string", default: "0" },
        out: { type: "string" },
        layout: { type: "string", default: "rows" },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const { listFamilies, generateCollection } = await import("./registry.ts");

  switch (command) {
    case "list": {
      const infos = listFamilies();
      if (values.json) {
        process.stdout.write(`${JSON.stringify(infos, null, 2)}\n`);
      } else {
        const width = Math.max(...infos.map((i) => i.name.length));
        for (const i of infos) process.stdout.write(`${i.name.padEnd(width)}  ${i.domain} · ${i.form} · ${i.checker}\n`);
      }
      return 0;
    }
    case "generate": {
      const name = positionals[0];
      if (!name) throw new UsageError(`generate needs a family name\n${USAGE}`);
      const layout = values.layout as JsonlLayout;
      if (!JSONL_LAYOUTS.includes(layout)) throw new UsageError(`--layout must be one of ${JSONL_LAYOUTS.join(", ")}, got "${layout}"`);
      const collection = generateCollection(name, integer("--n", values.n), integer("--seed", values.seed));
      if (values.out) {
        const written = await collection.export(values.out, layout);
        process.stderr.write(`wrote ${written.rows} rows (${written.bytes} bytes) to ${written.file}\n`);
      } else {
        process.stdout.write(collection.toJSONL(layout));
      }
      return 0;
    }
    case "stats": {
      const target = positionals[0];
      if (!target) throw new UsageError(`stats needs a file or folder\n${USAGE}`);
      const { loadCollection } = await import("./load.ts");
      const collection = await loadCollection(target);
      process.stdout.write(values.json ? `${JSON.stringify(collection.stats(), null, 2)}\n` : `${collection.statsTable().text()}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} expects an integer, got "${text}"`);
  return value;
}
