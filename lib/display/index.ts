// The display library: the protocol, display()/handles, and the progress bar.
export * from "./protocol.ts";
export * from "./display.ts";
export * from "./progress.ts";
