/** %backend: show the tensor backend in use (and what the ladder found), or switch to another. */
import { backendReport } from "../../lib/backend/doctor.ts";
import { BACKEND_NAMES, initBackend, parseBackendName } from "../../lib/backend/ladder.ts";
import { displaySymbol } from "../../lib/display/protocol.ts";
import { registerMagic } from "./registry.ts";

/** A plain-text result that displays as its text. */
function shown(text: string): { text: string } {
  const value = { text };
  Object.defineProperty(value, displaySymbol, { enumerable: false, value: () => ({ "text/plain": text }) });
  return value;
}

registerMagic({
  name: "backend",
  mode: "line",
  summary: "Show the tensor backend (and why others are missing), or switch: %backend wasm",
  help: [
    "%backend           the active backend, its threads, and each rung of the ladder",
    `%backend NAME      switch to NAME (${BACKEND_NAMES.join(", ")}); a missing one is refused and the current kept`,
    "Models and tensors made on one backend move to the next on first use.",
  ].join("\n"),
  args: [{ name: "name", help: `backend to switch to: ${BACKEND_NAMES.join(", ")}`, choices: BACKEND_NAMES }],
  async run(args) {
    const requested = args.name as string | undefined;
    if (requested) {
      const info = await initBackend(parseBackendName(requested, "%backend"));
      return shown(`using ${info.name} with ${info.threads || "library-chosen"} thread(s)${info.note ? ` (${info.note})` : ""}`);
    }
    return shown((await backendReport()).text);
  },
});
