/** Small hand-made rows for the collections-core tests (no dependency on the families). */
import type { Row } from "../../lib/collections/types.ts";

export function makeRow(task: string, i: number, extra: Partial<Row> = {}): Row {
  return {
    task,
    domain: task === "scan" ? "action command" : "table query",
    form: task === "scan" ? "actions" : "SQL",
    instruction: `Do ${task} number ${i}.`,
    input: `input ${i}`,
    output: `output ${i}`,
    split: "train",
    meta: { source: task, index: i },
    ...extra,
  };
}

export function makeRows(task: string, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => makeRow(task, i));
}

const SCAN_DEFS: Record<string, string> = {
  I_TURN_RIGHT: "turning right",
  I_TURN_LEFT: "turning left",
  I_TURN: "turning around",
  I_JUMP: "jump",
  I_WALK: "walk",
  I_RUN: "run",
  I_LOOK: "look",
};

/** SCAN-like rows whose symbols share prefixes (I_TURN, I_TURN_LEFT, I_TURN_RIGHT). */
export function scanLikeRow(i: number, withMeta = true): Row {
  const names = Object.keys(SCAN_DEFS);
  const pick = (k: number) => names[(i * 7 + k * 3) % names.length]!;
  const actions = Array.from({ length: 2 + (i % 5) }, (_, k) => pick(k));
  return {
    task: "scan",
    domain: "action command",
    form: "actions",
    instruction: `Translate the command. ${names.map((n) => `${n} means ${SCAN_DEFS[n]}.`).join(" ")} Answer with actions only.`,
    input: `command ${i}: ${actions.map((a) => a.toLowerCase().slice(2)).join(" and ")}`,
    output: actions.join(" "),
    split: "train",
    meta: withMeta ? { symbols: names, source: "scan-like" } : { source: "scan-like" },
  };
}
