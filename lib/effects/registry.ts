/**
 * Every effect `symtune effects` knows, in the order it runs them. An effect module adds its
 * entries here (one line), nothing else.
 */
import type { Effect } from "./harness.ts";
import { symbolEvolEffect } from "./symbol-evol.ts";
import { twoStageEffects } from "./two-stage.ts";
import { symbolTuningEffects } from "./symbol-tuning.ts";

export const EFFECTS: readonly Effect[] = [...twoStageEffects, ...symbolTuningEffects, symbolEvolEffect];

export function effectNames(): string[] {
  return EFFECTS.map((e) => e.name);
}
