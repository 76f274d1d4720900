/** The built-in text-to-symbol families, one per module, covering Symbol-LLM's 12 domains. */
import { algorithmicFamilies } from "../algorithmic/index.ts";
import { generalFamily, generalHeldOutFamily } from "../general/general.ts";
import type { TaskFamily } from "../types.ts";
import { amr } from "./amr.ts";
import { bash } from "./bash.ts";
import { blocksworld } from "./blocksworld.ts";
import { clevr } from "./clevr.ts";
import { fol } from "./fol.ts";
import { kgquery } from "./kgquery.ts";
import { math } from "./math.ts";
import { regex } from "./regex.ts";
import { scan } from "./scan.ts";
import { smiles } from "./smiles.ts";
import { sql } from "./sql.ts";
import { top } from "./top.ts";
import { triples } from "./triples.ts";

export { amr, bash, blocksworld, clevr, fol, kgquery, math, regex, scan, smiles, sql, top, triples };

/** Symbolic families only; algorithmic and general data live in their own lists. */
export const families: TaskFamily[] = [blocksworld, sql, kgquery, amr, triples, top, scan, bash, regex, fol, clevr, math, smiles];


/**
 * Every built-in generator with a checker: the symbolic families, symbol tuning's algorithmic
 * tasks (list_functions, simple_turing_concepts) and the general instruction data ("general",
 * and "general_heldout" on disjoint inputs for measuring forgetting).
 */
export const builtinFamilies: TaskFamily[] = [...families, ...algorithmicFamilies, generalFamily, generalHeldOutFamily];
