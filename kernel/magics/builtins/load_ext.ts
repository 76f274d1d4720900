/** %load_ext and %reload_ext: load magics from an npm package or a local module (see ../extensions.ts). */
import { loadExtension, reloadExtension } from "../extensions.ts";
import { registerMagic } from "../registry.ts";

const moduleArg = {
  name: "module",
  help: "an npm package name, or a local module path starting with ./ (resolved from the notebook's folder)",
  required: true,
};

const apiHelp = [
  "The module exports a function — default export or `load_symtune_extension` — that receives",
  "{ registerMagic, display, UsageError } and registers its magics:",
  "",
  "  export default function (api) {",
  '    api.registerMagic({ name: "hello", mode: "line", summary: "Says hello",',
  '      args: [{ name: "who", help: "whom to greet", required: true }],',
  "      run: (args) => `hello ${args.who}` });",
  "  }",
].join("\n");

registerMagic({
  name: "load_ext",
  mode: "line",
  summary: "Load an extension that registers magics",
  help: apiHelp,
  args: [moduleArg],
  async run(args, ctx) {
    await loadExtension(args.module as string, ctx, ctx.cwd);
  },
});

registerMagic({
  name: "reload_ext",
  mode: "line",
  summary: "Load an extension again (after editing it)",
  help: "Re-imports the extension's own module (not its dependencies) and runs its loader again.",
  args: [moduleArg],
  async run(args, ctx) {
    await reloadExtension(args.module as string, ctx, ctx.cwd);
  },
});
