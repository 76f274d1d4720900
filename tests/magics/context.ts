/**
 * A MagicContext for tests: `evaluate` runs JavaScript against `scope` (a stand-in for the
 * executor's TypeScript evaluation, which the magics only see through this function), and
 * print/display record what a user would see.
 */
import type { MagicContext } from "../../kernel/magics/types.ts";

export interface RecordingContext extends MagicContext {
  printed: string[];
  displayed: unknown[];
  evaluated: string[];
  controller: AbortController;
}

export function recordingContext(scope: Record<string, unknown> = {}): RecordingContext {
  const controller = new AbortController();
  const ctx: RecordingContext = {
    printed: [],
    displayed: [],
    evaluated: [],
    controller,
    signal: controller.signal,
    scope,
    async evaluate(code: string) {
      ctx.evaluated.push(code);
      // Direct eval inside `with` sees the scope's variables and returns the last value.
      const run = new Function("scope", "code", "with (scope) { return eval(code); }") as (
        s: Record<string, unknown>,
        c: string,
      ) => unknown;
      return await run(scope, code);
    },
    display(value) {
      ctx.displayed.push(value);
    },
    print(text) {
      ctx.printed.push(text);
    },
  };
  return ctx;
}
