/**
 * Finds the native tfjs backends without crashing when they are absent. tfjs-node and
 * tfjs-node-gpu download libtensorflow 2.9.1 in their install script, which npm 11 runs only
 * for packages listed in package.json's `allowScripts`; the GPU build also needs CUDA 11.2 and
 * cuDNN 8.1 on the machine.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export type NodeRung = "node-gpu" | "node";

export const NODE_PACKAGES: Record<NodeRung, string> = {
  "node-gpu": "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
};

export interface NodeProbe {
  available: boolean;
  /** Why not, in one sentence (when not available). */
  reason?: string;
  /** How to get it. */
  howTo: string;
  packageDir?: string;
}

export function howToInstall(rung: NodeRung): string {
  const pkg = NODE_PACKAGES[rung];
  const gpu = rung === "node-gpu" ? " and an NVIDIA GPU with CUDA 11.2 + cuDNN 8.1 (libtensorflow 2.9.1's GPU build)" : "";
  return (
    `npm install --save-exact ${pkg}@4.22.0, with "allowScripts": { "${pkg}": true } in package.json ` +
    `(or \`npm install-scripts approve ${pkg}\`) so npm 11 runs its install script, which downloads ` +
    `libtensorflow 2.9.1 (needs network access)${gpu}`
  );
}

function packageDir(pkg: string): string | undefined {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** The native addon the install script builds: lib/napi-v*\/tfjs_binding.node. */
function hasBinding(dir: string): boolean {
  const lib = join(dir, "lib");
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((d) => d.startsWith("napi-v") && existsSync(join(lib, d, "tfjs_binding.node")));
}

function cudaProblem(): string | undefined {
  if (!existsSync("/proc/driver/nvidia/version")) {
    return "no NVIDIA driver is loaded (/proc/driver/nvidia/version is missing), so CUDA cannot be used";
  }
  return undefined;
}

/** Checks a rung; with load: true also imports the package (which registers "tensorflow"). */
export async function probeNodeBackend(rung: NodeRung, options: { load?: boolean } = {}): Promise<NodeProbe> {
  const pkg = NODE_PACKAGES[rung];
  const howTo = howToInstall(rung);
  const dir = packageDir(pkg);
  if (!dir) return { available: false, reason: `${pkg} is not installed`, howTo };
  if (!hasBinding(dir)) {
    return {
      available: false,
      reason: `${pkg} is installed but its native binding is missing (its install script did not run or could not download libtensorflow)`,
      howTo,
      packageDir: dir,
    };
  }
  if (rung === "node-gpu") {
    const problem = cudaProblem();
    if (problem) return { available: false, reason: problem, howTo, packageDir: dir };
  }
  if (options.load) {
    try {
      await import(pkg);
    } catch (error) {
      const first = String((error as Error).message ?? error).split("\n")[0];
      return { available: false, reason: `${pkg} failed to load: ${first}`, howTo, packageDir: dir };
    }
  }
  return { available: true, howTo, packageDir: dir };
}
