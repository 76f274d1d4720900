/** The connection file Jupyter writes for a kernel: where to bind and how to sign. */
import { readFileSync } from "node:fs";
import { UsageError } from "../../lib/errors.ts";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = "shell" | "control" | "stdin" | "iopub" | "hb";

export function readConnectionFile(path: string): ConnectionInfo {
  let info: Partial<ConnectionInfo>;
  try {
    info = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read connection file ${path}: ${(error as Error).message}`);
  }
  for (const field of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const) {
    if (typeof info[field] !== "number") {
      throw new UsageError(`${path}: field "${field}" must be a port number`);
    }
  }
  return {
    transport: info.transport ?? "tcp",
    ip: info.ip ?? "127.0.0.1",
    key: info.key ?? "",
    signature_scheme: info.signature_scheme ?? "hmac-sha256",
    ...info,
  } as ConnectionInfo;
}

export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  // ipc endpoints are files named <ip>-<port>, as jupyter_client names them.
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
