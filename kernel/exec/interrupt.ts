/**
 * The one interrupt object of the executor: everything that says "this cell was interrupted"
 * lives here — the flag shared with the wire worker, the cell's AbortSignal, the epoch that
 * keeps an interrupted cell's awaits stopped after the next cell began, and the guard that
 * ends a cell which does not stop on its own.
 *
 * Compiled cells call `check()` at loop heads and `after(epoch, await x)` after awaits (via
 * the runtime, transform.ts). Library code watches `signal` (ambient: lib/cell.ts).
 */
import type { InterruptFlag } from "../protocol.ts";

/** Raised in cell code when the user interrupts, as IPython's KeyboardInterrupt. */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
  constructor() {
    super("Execution interrupted");
  }
}

/** How long an interrupted cell may take to stop on its own (a trainer saving a checkpoint). */
const GRACE_MS = 2000;

export class CellInterrupt {
  /** Incremented per execution; an `await` remembers the epoch it started in. */
  epoch = 0;
  private readonly interruptedEpochs = new Set<number>();
  private controller = new AbortController();
  /** Rejects the running cell's guard: set while a guarded piece of the cell runs. */
  private stop: ((error: Error) => void) | null = null;
  /** Guarded work of this execution that has not settled yet. */
  private pending = 0;

  constructor(readonly flag: InterruptFlag) {}

  /** A new execution: a fresh signal; the shared flag is cleared. */
  begin(): void {
    this.pending = 0;
    this.flag.clear();
    this.controller = new AbortController();
    this.epoch++;
    this.flag.cell = this.epoch;
  }

  /**
   * The execution ended. Work it left running (given up on after the grace period: a
   * library call that ignores the signal) stays stoppable by force as the flag's `outlived`
   * cell until it settles, so it cannot block the main thread for good after its cell ended.
   */
  end(): void {
    this.flag.running = false;
    this.flag.cell = 0;
    if (this.pending > 0) this.flag.outlived = this.epoch;
  }

  /**
   * Runs `work` as user code: while it runs, a stuck main thread may be stopped by force
   * (wire/stopper.ts). What it schedules runs under the mark too, until the cell ends.
   */
  userCode<T>(work: () => T): T {
    this.flag.running = true;
    return work();
  }

  /**
   * Runs `work` where force must not land — TypeScript's checker (its caches must stay
   * whole), a module's evaluation (a module stopped half-evaluated never settles its import
   * again) — and restores the mark when it settles.
   */
  async protect<T>(work: () => T | Promise<T>): Promise<T> {
    const running = this.flag.running;
    this.flag.running = false;
    try {
      return await work();
    } finally {
      this.flag.running = running;
    }
  }

  /** The running cell's signal: aborted (reason KeyboardInterrupt) when it is interrupted. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted || this.flag.raised;
  }

  /**
   * On the main thread. Cooperative: the signal aborts and the cell gets GRACE_MS to settle.
   * `terminatedCell`: that cell's JavaScript was stopped by force, its promises will never
   * settle; if it is the running one, it ends now.
   */
  interrupt(terminatedCell?: number): void {
    if (terminatedCell !== undefined) {
      if (this.flag.outlived === terminatedCell) this.flag.outlived = 0;
      if (terminatedCell !== this.epoch) return; // work of an earlier cell; this one runs on
      this.pending = 0;
    }
    this.interruptedEpochs.add(this.epoch);
    if (!this.controller.signal.aborted) this.controller.abort(new KeyboardInterrupt());
    if (terminatedCell !== undefined) this.stop?.(new KeyboardInterrupt());
  }

  /** At every loop head. Reads the shared flag, so it works while the main thread is blocked. */
  check(): void {
    if (this.interrupted) throw new KeyboardInterrupt();
  }

  /** After every await: `after(epochBefore, await x)`. */
  after<T>(epoch: number, value: T): T {
    if (this.interrupted || this.interruptedEpochs.has(epoch)) throw new KeyboardInterrupt();
    return value;
  }

  /**
   * Runs `work` in a microtask of its own (so stopping its JavaScript by force never unwinds
   * the caller) and settles as it does; once interrupted, it has the grace period, then
   * KeyboardInterrupt — a cell awaiting a promise that never settles, or a display that never
   * settles, still ends.
   */
  guard<T>(work: () => Promise<T>): Promise<T> {
    const signal = this.signal;
    const epoch = this.epoch;
    this.pending++;
    const settled = () => {
      if (this.epoch === epoch) this.pending = Math.max(0, this.pending - 1);
      if (this.flag.outlived === epoch) this.flag.outlived = 0;
    };
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        timer = setTimeout(() => reject(new KeyboardInterrupt()), GRACE_MS);
      };
      const done = () => {
        signal.removeEventListener("abort", onAbort);
        clearTimeout(timer);
        if (this.stop === reject) this.stop = null;
      };
      this.stop = reject;
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      Promise.resolve()
        .then(work)
        .finally(settled)
        .then(resolve, reject)
        .finally(done);
    });
  }
}
