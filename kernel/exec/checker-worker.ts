/**
 * The type checker's thread (checker-client.ts starts it): a LocalChecker that builds the full
 * program as soon as it starts, then answers the main thread's requests in order. Loaded by
 * tsx's CommonJS hooks, like the socket worker: no top-level await here.
 */
import { parentPort, workerData } from "node:worker_threads";
import { LocalChecker, answer, type CheckerOptions, type CheckerRequest } from "./checker.ts";
import type { FromChecker } from "./checker-client.ts";

const port = parentPort!;
const post = (message: FromChecker) => port.postMessage(message);
const checker = new LocalChecker(workerData as CheckerOptions, (id, lines) => post({ kind: "late", id, lines }));

port.on("message", (request: CheckerRequest) => {
  try {
    const value = answer(checker, request);
    if (request.reply !== undefined) post({ kind: "result", reply: request.reply, value });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error ? error.stack : undefined;
    if (request.reply !== undefined) post({ kind: "error", reply: request.reply, message, stack });
    else post({ kind: "log", message: `the type checker failed on ${request.op}: ${stack ?? message}` });
  }
});

// Requests that arrive meanwhile wait: they are answered in order once the program is built.
setImmediate(() => {
  checker.warmUp();
  post({ kind: "warm" });
});
