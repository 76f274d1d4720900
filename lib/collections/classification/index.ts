/**
 * Classification tasks with natural-language labels for symbol tuning, split like the paper
 * (tasks tuned on / tasks held out). Binary held-out tasks serve the flipped-label test.
 */
import type { ClassificationTask } from "../types.ts";
import { lexicalTasks } from "./lexical.ts";
import { syntheticTasks } from "./synthetic.ts";

export { classificationTask, type TaskSpec } from "./task.ts";

export const classificationTasks: ClassificationTask[] = [...lexicalTasks(), ...syntheticTasks()];

