/**
 * Starts Debian's classic Jupyter Notebook (jupyter-notebook 6) on a free port with its own
 * Jupyter directories, for browser tests. `stop()` shuts it (and its kernels) down.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";

export interface NotebookServer {
  base: string;
  token: string;
  log(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Jupyter's directories under `dir`, so a test never touches the user's. */
export function jupyterEnv(dir: string, jupyterPath?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(jupyterPath ? { JUPYTER_PATH: jupyterPath } : {}),
    JUPYTER_DATA_DIR: join(dir, "data"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    JUPYTER_CONFIG_DIR: join(dir, "config"),
    SYMTUNE_HISTORY: join(dir, "history.jsonl"),
  };
}

export async function startNotebookServer(notebookDir: string, env: NodeJS.ProcessEnv): Promise<NotebookServer> {
  const token = randomBytes(12).toString("hex");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = "";
  const server: ChildProcess = spawn(
    "/usr/bin/python3",
    ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`,
      ...(process.getuid?.() === 0 ? ["--allow-root"] : [])],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout!.on("data", (c) => (log += c));
  server.stderr!.on("data", (c) => (log += c));
  const stop = async (): Promise<void> => {
    if (server.exitCode !== null) return;
    // A second Ctrl-C confirms the shutdown without a prompt; kernels go down with the server.
    server.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    server.kill("SIGINT");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (server.kill("SIGKILL"), resolve()), 5000);
      server.on("exit", () => (clearTimeout(timer), resolve()));
    });
  };
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited:\n${log}`);
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) return { base, token, log: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`jupyter notebook did not start:\n${log}`);
}
