/** %env: list, read or set environment variables of the kernel process (IPython's %env). */
import { displaySymbol } from "../../../lib/display/protocol.ts";
import { UsageError } from "../../../lib/errors.ts";
import { registerMagic } from "../registry.ts";

/** Names whose values %env lists as <hidden>, so a shared notebook does not leak secrets. */
const secretWords = ["KEY", "TOKEN", "SECRET", "PASS", "PWD", "CREDENTIAL"];

function isSecret(name: string): boolean {
  const upper = name.toUpperCase();
  return secretWords.some((w) => upper.includes(w));
}

/** The environment as a sorted object (secrets hidden), shown as NAME=value lines. */
export function environmentListing(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const listing: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) listing[name] = isSecret(name) ? "<hidden>" : (env[name] ?? "");
  Object.defineProperty(listing, displaySymbol, {
    enumerable: false,
    value: () => ({ "text/plain": Object.entries(listing).map(([k, v]) => `${k}=${v}`).join("\n") }),
  });
  return listing;
}

registerMagic({
  name: "env",
  mode: "line",
  summary: "List, get or set environment variables",
  help: [
    "%env              lists every variable (values of names with KEY, TOKEN, SECRET, PASS hidden)",
    "%env NAME         returns the value of NAME",
    "%env NAME=value   sets NAME (also: %env NAME value); the value is the rest of the line",
  ].join("\n"),
  args: [{ name: "assignment", help: "NAME to read, or NAME=value to set", raw: true }],
  run(args, ctx) {
    const text = (args.assignment as string | undefined) ?? "";
    if (!text) return environmentListing();
    const match = /^([^=\s]+)(?:\s*=\s*|\s+)?([\s\S]*)$/.exec(text)!;
    const [, name, value] = match as unknown as [string, string, string];
    const assigns = text.includes("=") || /\s/.test(text);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`%env: '${name}' is not a variable name (letters, digits and _, not starting with a digit)`);
    }
    if (!assigns) {
      const current = process.env[name];
      if (current === undefined) throw new UsageError(`%env: ${name} is not set; %env ${name}=value sets it`);
      return current;
    }
    process.env[name] = value;
    ctx.print(`env: ${name}=${value}\n`);
    return undefined;
  },
});
