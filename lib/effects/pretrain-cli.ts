/** `symtune pretrain --seed N [--steps S] [--out DIR]`: makes one shipped base (lib/effects/base.ts). */
import { parseArgs } from "node:util";
import { initBackend } from "../backend/ladder.ts";
import { UsageError } from "../errors.ts";
import { formatGates } from "../eval/probes.ts";
import { BASE_RECIPE, pretrainBase } from "./base.ts";

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { seed: { type: "string" }, steps: { type: "string" }, out: { type: "string" } }, strict: true }));
  } catch (error) {
    throw new UsageError(`symtune pretrain: ${(error as Error).message.split(".")[0]}; the options are --seed N, --steps S, --out DIR`);
  }
  const int = (name: string, v: string | undefined, fallback?: number) => {
    const n = v === undefined ? fallback : Number(v);
    if (n === undefined || !Number.isInteger(n) || n < 0) throw new UsageError(`symtune pretrain: --${name} must be a whole number ≥ 0, not ${JSON.stringify(v)}`);
    return n;
  };
  const seed = int("seed", values.seed as string | undefined);
  const steps = int("steps", values.steps as string | undefined, BASE_RECIPE.steps);
  await initBackend();
  const started = Date.now();
  const { dir, report } = await pretrainBase({
    seed, out: values.out as string | undefined, recipe: { steps },
    onStep: (m) => {
      if (m.step % 50 === 0 || m.step === m.steps) console.log(`step ${m.step}/${m.steps} loss ${m.loss.toFixed(3)} ${((Date.now() - started) / 1000).toFixed(0)}s`);
    },
  });
  console.log(formatGates(report.gates));
  for (const [k, a] of [...Object.entries(report.general), ...Object.entries(report.icl)]) console.log(`${k}: ${(100 * a.accuracy).toFixed(1)}% (n ${a.n}, chance ${(100 * a.chance).toFixed(0)}%)`);
  console.log(`base written to ${dir}`);
  return 0;
}
