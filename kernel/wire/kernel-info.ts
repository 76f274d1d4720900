/** The kernel_info_reply content; static, so the socket worker answers it without the main thread. */
import { createRequire } from "node:module";
import type { ReplyContents } from "../protocol.ts";
import { PROTOCOL_VERSION } from "./message.ts";

const require = createRequire(import.meta.url);

/** Read from package.json files: loading typescript itself costs ~0.5 s of start-up. */
export function typescriptVersion(): string {
  return (require("typescript/package.json") as { version: string }).version;
}

export function symtuneVersion(): string {
  return (require("../../package.json") as { version: string }).version;
}

export function kernelInfo(): ReplyContents["kernel_info_reply"] {
  const ts = typescriptVersion();
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "symtune",
    implementation_version: symtuneVersion(),
    language_info: {
      name: "typescript",
      version: ts,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
    },
    banner: `symtune ${symtuneVersion()}: TypeScript ${ts} on Node.js ${process.versions.node}. %lsmagic lists the magics.`,
    debugger: false,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/api/" },
      { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
    ],
  };
}
