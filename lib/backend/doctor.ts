/**
 * What `symtune doctor` says about tensor backends: each rung of the ladder, found or missing,
 * why, and how to get it; which one runs and with how many threads.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendInfo, type BackendName, currentBackend, initBackend } from "./ladder.ts";
import { howToInstall, probeNodeBackend } from "./node-probe.ts";

export interface RungReport {
  name: BackendName;
  available: boolean;
  /** Why it is not available (absent when it is). */
  reason?: string;
  /** How to get it (for the native rungs). */
  howTo?: string;
}

export interface BackendReport {
  /** The rung the ladder picks (or the one already active in this process). */
  active: BackendName | null;
  threads: number;
  note?: string;
  tfjs: string;
  rungs: RungReport[];
  /** Human-readable summary, one line per rung. */
  text: string;
}

/** Probes every rung without loading the native ones (a missing backend never throws here). */
export async function backendReport(): Promise<BackendReport> {
  const rungs: RungReport[] = [];
  for (const name of ["node-gpu", "node"] as const) {
    const probe = await probeNodeBackend(name);
    rungs.push({ name, available: probe.available, reason: probe.reason, howTo: probe.available ? undefined : howToInstall(name) });
  }
  let info: BackendInfo | null = currentBackend();
  let error: string | undefined;
  if (!info) {
    try {
      info = await initBackend();
    } catch (e) {
      error = (e as Error).message;
    }
  }
  const skippedWasm = info?.skipped.find((s) => s.name === "wasm");
  rungs.push({ name: "wasm", available: !skippedWasm && !error, reason: skippedWasm?.reason ?? error });
  rungs.push({ name: "cpu", available: true });
  const lines = rungs.map((r) => {
    const mark = r.name === info?.name ? "active" : r.available ? "ok" : "missing";
    return `${mark.padEnd(7)} ${r.name.padEnd(8)} ${r.available ? "" : `${r.reason}${r.howTo ? `. To get it: ${r.howTo}` : ""}`}`.trimEnd();
  });
  if (info) lines.push(`using ${info.name} with ${info.threads || "library-chosen"} thread(s)${info.note ? ` (${info.note})` : ""}`);
  return {
    active: info?.name ?? null,
    threads: info?.threads ?? 0,
    note: info?.note,
    tfjs: tf.version.tfjs,
    rungs,
    text: lines.join("\n"),
  };
}
