// The display library: the protocol, display()/handles, and the progress bar.
export * from "./protocol.ts";
export * from "./display.ts";
export * from "./progress.ts";
export * from "./table.ts";
export * from "./html.ts";
export { toMimeBundle } from "./mime.ts";
export { tensorView, modelView } from "./reprs.ts";
