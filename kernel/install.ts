/** `symtune install`: writes the kernelspec Jupyter uses to start this kernel. */
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../lib/errors.ts";
import { logoPng } from "./logo.ts";

export const KERNEL_NAME = "symtune";
export const DISPLAY_NAME = "TypeScript (symtune)";

export interface InstallOptions {
  user?: boolean;
  prefix?: string;
}

/** Where jupyter itself would put a kernelspec: --prefix, --user, else the system dir. */
export function kernelsDir(options: InstallOptions): string {
  if (options.prefix) return join(resolve(options.prefix), "share", "jupyter", "kernels");
  if (options.user) {
    const data = process.env.JUPYTER_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
    return join(data, "kernels");
  }
  return "/usr/local/share/jupyter/kernels";
}

export function kernelSpec(): Record<string, unknown> {
  const bin = fileURLToPath(new URL("../bin/symtune.js", import.meta.url));
  return {
    argv: [process.execPath, bin, "kernel", "--connection-file", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

/** Returns the directory written. */
export function install(options: InstallOptions): string {
  const dir = join(kernelsDir(options), KERNEL_NAME);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
    // Jupyter shows these beside the kernel's name (launcher, kernel picker).
    writeFileSync(join(dir, "logo-32x32.png"), logoPng(32));
    writeFileSync(join(dir, "logo-64x64.png"), logoPng(64));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
      throw new UsageError(`symtune install: cannot write ${dir} (${code}); install for yourself with --user, or choose a place with --prefix DIR`);
    }
    throw error;
  }
  return dir;
}
