/** Symbol tuning's algorithmic tasks: List Functions and Simple Turing Concepts. */
import type { TaskFamily } from "../types.ts";
import { listFunctionsFamily } from "./list-functions.ts";
import { simpleTuringConceptsFamily } from "./turing-concepts.ts";

export type { HiddenFunction, Pair } from "./induction.ts";
export { listFunctionPairs, listFunctions, listFunctionsFamily } from "./list-functions.ts";
export { simpleTuringConceptsFamily, turingConceptPairs, turingConcepts } from "./turing-concepts.ts";

export const algorithmicFamilies: TaskFamily[] = [listFunctionsFamily, simpleTuringConceptsFamily];
