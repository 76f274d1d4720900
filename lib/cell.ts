/**
 * The running notebook cell, as library code sees it without importing the kernel: its
 * AbortSignal, aborted when the user interrupts. A training loop started from a cell uses it
 * when the caller passes no signal of its own, so an interrupt always reaches the loop (an
 * interrupted cell never leaves training running in the background). Outside a kernel there
 * is no cell and no signal.
 */
let current: AbortSignal | undefined;

/** The kernel's executor, when a cell starts. */
export function setCellSignal(signal: AbortSignal | undefined): void {
  current = signal;
}

/** The running cell's signal, or undefined outside a kernel. */
export function cellSignal(): AbortSignal | undefined {
  return current;
}
