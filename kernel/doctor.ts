/**
 * `symtune doctor`: what symtune found on this machine, so a failing notebook can be traced to
 * a missing piece (no Jupyter, no kernelspec, no Chromium, no GPU backend) in one look.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import { KERNEL_NAME } from "./install.ts";
import { symtuneVersion, typescriptVersion } from "./wire/kernel-info.ts";

const require = createRequire(import.meta.url);

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function run(file: string, args: string[]): string | null {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 15_000 }).trim();
  } catch {
    return null;
  }
}

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The directories jupyter searches for kernelspecs (jupyter --paths, data section). */
export function kernelspecDirs(): string[] {
  const dirs = (process.env.JUPYTER_PATH ?? "").split(":").filter(Boolean);
  const data = process.env.JUPYTER_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
  dirs.push(data, "/usr/local/share/jupyter", "/usr/share/jupyter");
  return dirs.map((d) => join(d, "kernels", KERNEL_NAME));
}

export async function checks(): Promise<Check[]> {
  const out: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, ok, detail });
  add("symtune", true, symtuneVersion());
  add("node", true, `${process.version} (${availableParallelism()} threads available)`);
  const npm = run("npm", ["--version"]);
  add("npm", npm !== null, npm ?? "not found on PATH");
  add("typescript", true, typescriptVersion());
  const zmq = packageVersion("zeromq");
  add("zeromq", zmq !== null, zmq ?? "not installed: run npm ci");
  const jupyter = run("/usr/bin/python3", ["-c", "import jupyter_client; print(jupyter_client.__version__)"]);
  add("jupyter_client", jupyter !== null, jupyter ? `${jupyter} (/usr/bin/python3)` : "not importable by /usr/bin/python3: apt-get install jupyter-client");
  const spec = kernelspecDirs().find((dir) => existsSync(join(dir, "kernel.json")));
  add("kernelspec", spec !== undefined, spec ?? "not installed: run symtune install --user");
  const chromium = existsSync("/usr/bin/chromium");
  add("chromium", chromium, chromium ? "/usr/bin/chromium" : "not found: apt-get install chromium (static figure export and the browser test need it)");
  const playwright = packageVersion("playwright-core");
  add("playwright-core", playwright !== null, playwright ?? "not installed: run npm ci");
  return out;
}

/** The tfjs backend ladder's own report; loaded lazily (it starts tfjs). A failure is reported, not thrown. */
async function backendReport(): Promise<{ text: string; error?: string }> {
  try {
    const { backendReport: report } = await import("../lib/backend/doctor.ts");
    return await report();
  } catch (error) {
    return { text: `the backend report failed: ${(error as Error).message}`, error: (error as Error).message };
  }
}

export async function doctor(options: { json: boolean }): Promise<number> {
  const [found, backends] = await Promise.all([checks(), backendReport()]);
  if (options.json) {
    console.log(JSON.stringify({ checks: found, backends }, null, 2));
  } else {
    const width = Math.max(...found.map((c) => c.name.length));
    for (const c of found) console.log(`${c.ok ? "ok  " : "MISS"} ${c.name.padEnd(width)}  ${c.detail}`);
    console.log("\nbackends:");
    console.log(backends.text);
  }
  return 0;
}
