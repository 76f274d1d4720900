/** %runs: the run registry (lib/runs): list every run, show one, compare several. */
import { UsageError } from "../../lib/errors.ts";
import { registerMagic } from "./registry.ts";

registerMagic({
  name: "runs",
  mode: "line",
  summary: "List, show and compare recorded training runs",
  help: [
    "%runs list                 every run in SYMTUNE_RUNS_DIR (default ./runs)",
    "%runs show RUN_ID          one run's config, summary and evaluations",
    "%runs compare ID ID ...    runs side by side (ids or unique prefixes)",
  ].join("\n"),
  args: [
    { name: "action", help: "what to do", choices: ["list", "show", "compare"], required: true },
    { name: "ids", help: "run ids (show: one; compare: several)", variadic: true },
  ],
  async run(args) {
    const views = await import("../../lib/runs/views.ts");
    const ids = (args.ids as string[] | undefined) ?? [];
    switch (args.action) {
      case "list":
        return views.runsListTable();
      case "show":
        if (ids.length !== 1) throw new UsageError("%runs show needs exactly one run id (see %runs list)");
        return views.showRunTable(ids[0]!);
      default:
        return views.compareRunsTable(ids);
    }
  },
});
