/** %evol: Symbol-evol over a collection variable (lib/transforms/evol.ts). */
import { asMagic, collectionFromScope, storeAs } from "./scope.ts";
import { registerMagic } from "./registry.ts";

registerMagic({
  name: "evol",
  mode: "line",
  summary: "Rename the symbols instructions define with random names (Symbol-evol)",
  help: [
    "Renames the symbols each selected row's instruction defines (meta.symbols, or found as",
    '"X means ..." / "X: ...") consistently in instruction, input and output; the mapping is',
    "kept in meta.evol. --rate is the fraction of rows renamed (the paper: ~6%).",
    "",
    "%evol scan --rate 1 --seed 3 --as scan_evol",
    "%evol scan_evol --invert --as scan_back      restores the original symbols",
  ].join("\n"),
  args: [
    { name: "collection", help: "the collection variable", required: true },
    { name: "rate", option: true, type: "number", min: 0, max: 1, default: 0.06, help: "fraction of rows to rename" },
    { name: "seed", option: true, type: "integer", default: 0, help: "seed for row selection and names" },
    { name: "length", option: true, type: "integer", min: 1, default: 6, help: "characters per generated name" },
    { name: "invert", option: true, flag: true, help: "undo Symbol-evol (rows without meta.evol stay as they are)" },
    { name: "as", option: true, help: "variable to store the result in" },
  ],
  async run(args, ctx) {
    const collection = await collectionFromScope("%evol", args.collection, ctx.scope);
    const { symbolEvol, invertEvol, describeEvolReport } = await import("../../lib/transforms/evol.ts");
    if (args.invert) return storeAs("%evol", args.as, collection.map(invertEvol, `${collection.name}:inverted`), ctx.scope);
    const { collection: evolved, report } = await asMagic("%evol", () =>
      symbolEvol(collection, { seed: args.seed as number, rate: args.rate as number, length: args.length as number }),
    );
    ctx.print(`${describeEvolReport(report)}\n`);
    return storeAs("%evol", args.as, evolved, ctx.scope);
  },
});
