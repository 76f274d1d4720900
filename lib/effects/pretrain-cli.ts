/**
 * `symtune pretrain --seed N [--out DIR] [--init DIR --from PHASE]`: makes one shipped base
 * (lib/effects/base.ts). With --init, the weights of an earlier base are continued with the
 * phases after PHASE. `--recipe bytes` makes the byte-level base instead (lib/effects/base-bytes.ts,
 * data/bases/bytes/seed-N), which Symbol-evol and two-stage start from.
 */
import { parseArgs } from "node:util";
import { initBackend } from "../backend/ladder.ts";
import { UsageError } from "../errors.ts";
import { formatGates } from "../eval/probes.ts";
import { pretrainBase, type PhaseName } from "./base.ts";
import { pretrainBytes } from "./base-bytes.ts";

const OPTIONS = "--seed N, --out DIR, --init DIR, --from PHASE, --recipe word|bytes";

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { seed: { type: "string" }, recipe: { type: "string", default: "word" }, out: { type: "string" }, init: { type: "string" }, from: { type: "string" } }, strict: true }));
  } catch (error) {
    throw new UsageError(`symtune pretrain: ${(error as Error).message.split(".")[0]}; the options are ${OPTIONS}`);
  }
  const seed = Number(values.seed);
  if (values.seed === undefined || !Number.isInteger(seed) || seed < 0) throw new UsageError(`symtune pretrain: --seed must be a whole number ≥ 0, not ${JSON.stringify(values.seed)}`);
  if ((values.init === undefined) !== (values.from === undefined)) throw new UsageError("symtune pretrain: give --init DIR and --from PHASE together (the base to continue and the last phase it completed)");
  if (values.recipe !== "word" && values.recipe !== "bytes") throw new UsageError(`symtune pretrain: --recipe must be word or bytes, not ${JSON.stringify(values.recipe)}`);
  await initBackend();
  const started = Date.now();
  if (values.recipe === "bytes") {
    const { dir, report } = await pretrainBytes({
      seed, out: values.out as string | undefined, init: values.init as string | undefined, from: values.from as string | undefined,
      onStep: (m, _model, _tokenizer, phase) => {
        if (m.step % 50 === 0 || m.step === m.steps) console.log(`${phase} step ${m.step}/${m.steps} loss ${m.loss.toFixed(3)} ${((Date.now() - started) / 1000).toFixed(0)}s`);
      },
    });
    console.log(formatGates(report.gates));
    console.log(`unseen general rows: token accuracy ${report.general.tokenAccuracy.toFixed(1)}%, NLL ${report.general.nll.toFixed(2)} (n ${report.general.n})`);
    console.log(`base written to ${dir}`);
    return 0;
  }
  const { dir, report } = await pretrainBase({
    seed, out: values.out as string | undefined, init: values.init as string | undefined, from: values.from as PhaseName | undefined,
    onStep: (phase, m) => {
      if (m.step % 50 === 0 || m.step === m.steps) console.log(`${phase} step ${m.step}/${m.steps} loss ${m.loss.toFixed(3)} ${((Date.now() - started) / 1000).toFixed(0)}s`);
    },
  });
  console.log(formatGates(report.gates));
  for (const [k, a] of [...Object.entries(report.general), ...Object.entries(report.icl)]) console.log(`${k}: ${(100 * a.accuracy).toFixed(1)}% (n ${a.n}, chance ${(100 * a.chance).toFixed(0)}%)`);
  console.log(`base written to ${dir}`);
  return 0;
}
