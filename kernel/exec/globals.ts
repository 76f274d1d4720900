/**
 * The names every cell starts with: `display` (lib/display), `input`/`prompt` (stdin
 * round trip), the magic call that `%name args` lines become, and whatever the kernel passes
 * (the comm API). Their types are the first entries of the declarations module, so a
 * user may redeclare any of them like any other name.
 */
import path from "node:path";

/** What `%name args` lines compile to (magiclines.ts). */
export const MAGIC_CALL = "__symtune_magic";

/** Names the user never needs to see in completions. */
export function isInternalName(name: string): boolean {
  return name.startsWith("__symtune");
}

export function globalsDeclarations(projectRoot: string, extra: readonly string[]): string {
  const displayModule = JSON.stringify(path.join(projectRoot, "lib", "display", "display.ts"));
  const lines = [
    `/** Shows a value as rich output (its mime bundle); display.html/markdown/svg/png/json for raw content. */`,
    `declare const display: typeof import(${displayModule}).display;`,
    `/** Asks the user for a line of text (Jupyter input_request); password hides what is typed. */`,
    `declare function input(prompt?: string, password?: boolean): Promise<string>;`,
    `/** Asks the user for a line of text (Jupyter input_request). */`,
    `declare function prompt(message?: string): Promise<string>;`,
    `/** The running cell's AbortSignal: aborted when the user interrupts (pass it to train()). */`,
    `declare let cellSignal: AbortSignal;`,
    `declare function ${MAGIC_CALL}(name: string, args: string): Promise<any>;`,
    ...extra.filter((name) => /^[A-Za-z_$][\w$]*$/.test(name)).map((name) => `declare const ${name}: any;`),
  ];
  return lines.join("\n") + "\n";
}
