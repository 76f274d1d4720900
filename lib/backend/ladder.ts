/**
 * The backend ladder: tfjs-node-gpu (installed, CUDA usable) → tfjs-node → wasm → cpu.
 * The first rung that loads wins; each rung skipped says why, so `symtune doctor` and
 * `%backend` can tell the user what to install. A missing backend never throws out of here
 * unless the caller asked for it by name.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.ts";
import { probeNodeBackend, type NodeRung } from "./node-probe.ts";
import { nativeMatmulStatus } from "./native-matmul.ts";
import { ortFfi, ortFfiUnavailable } from "./ort-ffi.ts";
import { activeWasmThreads, prepareWasm } from "./wasm-node.ts";

export const BACKEND_NAMES = ["node-gpu", "node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  /** Our name for the rung: node-gpu, node, wasm or cpu. */
  name: BackendName;
  /** tfjs's name for the active backend (tfjs-node registers "tensorflow"). */
  tfBackend: string;
  /** Threads the matrix kernels use (wasm: MLAS's, or XNNPACK's without it; others: the library's, 0 = unknown). */
  threads: number;
  /** Rungs above the chosen one and why each was not used. */
  skipped: { name: BackendName; reason: string }[];
  /** Anything else worth knowing (e.g. why wasm runs on one thread). */
  note?: string;
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** Parses a backend name from a user (env var, magic argument); throws UsageError otherwise. */
export function parseBackendName(value: string, where: string): BackendName {
  const name = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new UsageError(`${where}: unknown backend "${value}"; choose one of ${BACKEND_NAMES.join(", ")}`);
}

/** Tries one rung; resolves to the active tfjs backend name, or rejects with the reason. */
async function activate(name: BackendName): Promise<{ tfBackend: string; threads: number; note?: string }> {
  if (name === "node-gpu" || name === "node") {
    const probe = await probeNodeBackend(name as NodeRung, { load: true });
    if (!probe.available) throw new Error(probe.reason);
    if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node loaded but its backend did not start");
    return { tfBackend: "tensorflow", threads: 0 };
  }
  if (name === "wasm") {
    const setup = await prepareWasm();
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
    const native = nativeMatmulStatus();
    const matmul = native.available
      ? `matrix products on native ONNX Runtime MLAS (${native.threads} thread${native.threads === 1 ? "" : "s"}, ` +
        (ortFfi() ? "through its C API)" : `through onnxruntime-node's binding: ${ortFfiUnavailable()})`)
      : `matrix products on XNNPACK in wasm (native MLAS: ${native.reason})`;
    const threads = native.available ? native.threads : activeWasmThreads() || setup.threads;
    return { tfBackend: "wasm", threads, note: [matmul, setup.threadNote].filter(Boolean).join("; ") };
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not start");
  return { tfBackend: "cpu", threads: 1, note: "pure-JavaScript kernels: 150–175× slower than PyTorch, a last resort" };
}

async function climb(preferred: BackendName | undefined, strict: boolean): Promise<BackendInfo> {
  const order = preferred ? [preferred, ...BACKEND_NAMES.filter((n) => n !== preferred)] : [...BACKEND_NAMES];
  const skipped: BackendInfo["skipped"] = [];
  for (const name of order) {
    if (preferred && name !== preferred && BACKEND_NAMES.indexOf(name) < BACKEND_NAMES.indexOf(preferred)) {
      continue; // asked for a lower rung: don't climb above it on failure
    }
    try {
      const { tfBackend, threads, note } = await activate(name);
      await tf.ready();
      return { name, tfBackend, threads, skipped, note };
    } catch (error) {
      const reason = (error as Error).message ?? String(error);
      if (strict && name === preferred) {
        throw new UsageError(`backend "${name}" is not available: ${reason}`);
      }
      skipped.push({ name, reason });
    }
  }
  throw new Error(`no tfjs backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

/**
 * Chooses and activates a backend. `preferred` (a name from BACKEND_NAMES) must be available
 * or UsageError is thrown; without it SYMTUNE_BACKEND is a preference that falls through
 * (with a note), and without either the ladder picks the fastest available. Idempotent:
 * calling again returns the active backend unless a different one is asked for.
 */
export async function initBackend(preferred?: string): Promise<BackendInfo> {
  const requested = preferred !== undefined ? parseBackendName(preferred, "initBackend") : undefined;
  if (current && (!requested || requested === current.name)) return current;
  if (pending && !requested) return pending;
  const envName = process.env.SYMTUNE_BACKEND?.trim()
    ? parseBackendName(process.env.SYMTUNE_BACKEND, "SYMTUNE_BACKEND")
    : undefined;
  const run = (async () => {
    const previous = pending;
    if (previous) await previous.catch(() => undefined);
    const info = await climb(requested ?? envName, requested !== undefined);
    if (!requested && envName && info.name !== envName) {
      const why = info.skipped.find((s) => s.name === envName)?.reason ?? "unavailable";
      info.note = [`SYMTUNE_BACKEND=${envName} is not available (${why}); using ${info.name}`, info.note]
        .filter(Boolean)
        .join("; ");
    }
    current = info;
    return info;
  })();
  pending = run;
  run.catch(() => {
    if (pending === run) pending = null;
  });
  return run;
}

/** The active backend, or null before initBackend. */
export function currentBackend(): BackendInfo | null {
  return current;
}
