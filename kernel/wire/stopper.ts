/**
 * Stopping the main thread's cell from the socket worker, whatever the cell is doing.
 *
 * An interrupt first asks nicely: the shared flag is raised (compiled loops and awaits throw
 * KeyboardInterrupt at once) and the main thread is told, so the cell's AbortSignal aborts
 * (a trainer saves and stops between steps). That needs the main thread's event loop. When
 * the main thread has not taken the interrupt in after ESCALATE_MS, it is stuck in code that
 * never yields — a loop in an imported module, a catastrophic regex, a long library call —
 * and the worker stops its JavaScript by force with V8's TerminateExecution, reached through
 * the inspector protocol (`Runtime.terminateExecution` on a session connected to the main
 * thread: the message is dispatched through a V8 interrupt, so it lands while the thread
 * spins; DevTools stops a runaway page the same way, and the isolate lives on). This is our
 * form of ipykernel's "interrupt_request becomes a real SIGINT": Node gives JavaScript no
 * other way to stop a busy thread from outside.
 *
 * Force is used only while the executor says user code may be running (`flag.running`),
 * never while TypeScript checks a cell or the kernel runs its own code.
 *
 * SIGINT takes the same path. A JavaScript SIGINT handler on the main thread cannot run while
 * that thread is stuck, so the worker watches for the signal itself through Node's SIGINT
 * watchdog (the one the REPL uses to break evaluation), polled every SIGINT_POLL_MS.
 */
import { Session } from "node:inspector";
import type { InterruptFlag } from "../protocol.ts";

/** How long the main thread may leave a ping unanswered before its cell is stopped by force. */
const ESCALATE_MS = 700;
/** How often to ping while the interrupted cell runs. */
const PING_MS = 100;
const SIGINT_POLL_MS = 100;
/** Work that outlives its cell forever (an await that never settles) is watched this long. */
const LOOK_LIMIT_MS = 10 * 60_000;

export class MainThreadStopper {
  private readonly session = new Session();
  private sigintTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly flag: InterruptFlag,
    /**
     * Tells the main thread: `interrupt` (ask nicely), `ping` (answer when your event loop
     * turns), `terminated` (your cell's JavaScript was stopped).
     */
    private readonly notify: (kind: "interrupt" | "ping" | "terminated", cell?: number) => void,
  ) {
    this.session.connectToMainThread();
  }

  /**
   * interrupt_request or SIGINT. Until the interrupted cell ends, the worker pings the main
   * thread; a ping unanswered for ESCALATE_MS while user code runs means the cell never
   * yields, and its JavaScript is stopped. A cell that stops slowly but keeps its event loop
   * turning (a trainer saving a checkpoint) is left to the executor's grace period.
   */
  interrupt(): void {
    this.flag.raise();
    const cell = this.flag.cell;
    const started = Date.now();
    const ping = { id: this.flag.ping(), sent: started };
    this.notify("interrupt"); // answered like a ping
    if (cell === 0) return; // no cell yet: the raised flag stops it before it starts
    const look = () => {
      const outlived = this.flag.outlived === cell;
      if (this.flag.cell !== cell && !outlived) return; // the cell and all its work ended
      if (this.flag.answered(ping.id)) {
        ping.id = this.flag.ping();
        ping.sent = Date.now();
        this.notify("ping");
      } else if (Date.now() - ping.sent >= ESCALATE_MS && (this.flag.running || (outlived && this.flag.cell === 0))) {
        // Work that outlived its cell is stopped only between cells: during a later cell the
        // stuck code may be that cell's module loading, which must not be cut (see protect()).
        this.session.post("Runtime.terminateExecution", (error) => {
          if (error) console.error(`symtune kernel: could not stop the cell: ${error.message}`);
          else this.notify("terminated", cell);
        });
        return;
      }
      if (Date.now() - started < LOOK_LIMIT_MS) setTimeout(look, PING_MS).unref();
    };
    setTimeout(look, PING_MS).unref();
  }

  /**
   * Interrupts on SIGINT; false when this Node has no SIGINT watchdog. The watchdog's signal
   * handler must stay the process's: a `process.on("SIGINT")` registered later (libuv's
   * handler) would take SIGINT back to the main thread's event loop.
   */
  watchSigint(): boolean {
    let watchdog: { startSigintWatchdog(): void; stopSigintWatchdog(): boolean; watchdogHasPendingSigint(): boolean };
    try {
      // process.binding warns once (DEP0111); the warning would land in the kernel's log for nothing.
      const quiet = process.noDeprecation;
      process.noDeprecation = true;
      watchdog = (process as unknown as { binding(name: string): typeof watchdog }).binding("contextify");
      process.noDeprecation = quiet;
      watchdog.startSigintWatchdog();
    } catch {
      return false;
    }
    this.sigintTimer = setInterval(() => {
      if (!watchdog.watchdogHasPendingSigint()) return;
      watchdog.stopSigintWatchdog(); // forgets the pending signal
      watchdog.startSigintWatchdog();
      this.interrupt();
    }, SIGINT_POLL_MS);
    this.sigintTimer.unref();
    return true;
  }

  close(): void {
    clearInterval(this.sigintTimer);
    this.session.disconnect();
  }
}
