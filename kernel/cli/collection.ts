/**
 * `symtune collection list | generate NAME | stats PATH`: the registry and collections from a
 * shell, one library call each (lib/collections/registry.ts, load.ts).
 */
import { UsageError } from "../../lib/errors.ts";
import { JSONL_LAYOUTS, type JsonlLayout } from "../../lib/prompts/format.ts";
import type { CommandSpec } from "./command.ts";

export const collectionCommand: CommandSpec = {
  name: "collection",
  summary: "the built-in task families (list), one as JSONL (generate), a file's statistics (stats)",
  args: [
    { name: "action", help: "list, generate or stats", choices: ["list", "generate", "stats"], required: true },
    { name: "target", help: "generate: the family name; stats: the file or folder" },
    { name: "json", option: true, flag: true, help: "list, stats: print JSON" },
    { name: "n", option: true, type: "integer", min: 0, default: 100, help: "generate: rows" },
    { name: "seed", option: true, type: "integer", default: 0, help: "generate: seed" },
    { name: "out", option: true, help: "generate: the JSONL file to write (default: standard output)" },
    { name: "force", option: true, flag: true, help: "generate: replace the file --out names if it exists" },
    { name: "layout", option: true, choices: JSONL_LAYOUTS, default: "rows", help: "generate: JSONL layout" },
  ],
  async run(args) {
    const registry = await import("../../lib/collections/registry.ts");
    const target = args.target as string | undefined;
    if (args.action === "list") {
      const infos = registry.listFamilies();
      const width = Math.max(...infos.map((i) => i.name.length));
      const text = args.json ? JSON.stringify(infos, null, 2) : infos.map((i) => `${i.name.padEnd(width)}  ${i.domain} · ${i.form} · ${i.checker}`).join("\n");
      process.stdout.write(`${text}\n`);
      return 0;
    }
    if (!target) throw new UsageError(args.action === "generate" ? "generate needs a family name" : "stats needs a file or folder");
    if (args.action === "generate") {
      const collection = registry.generateCollection(target, args.n as number, args.seed as number);
      const layout = args.layout as JsonlLayout;
      if (typeof args.out !== "string") {
        process.stdout.write(collection.toJSONL(layout));
        return 0;
      }
      const written = await collection.export(args.out, layout, { force: args.force === true });
      process.stderr.write(`wrote ${written.rows} rows (${written.bytes} bytes) to ${written.file}\n`);
      return 0;
    }
    const { loadCollection } = await import("../../lib/collections/load.ts");
    const collection = await loadCollection(target);
    process.stdout.write(args.json ? `${JSON.stringify(collection.stats(), null, 2)}\n` : `${collection.statsTable().text()}\n`);
    return 0;
  },
};
