/**
 * The TypeScript language service over a notebook's cells.
 *
 * Each cell is checked as a module file in the user's working directory (so `./util.ts` and
 * `node_modules` resolve from there). What earlier cells declared lives in one virtual
 * declaration module (declarations.ts; the compiler's own .d.ts output, so inferred types
 * are kept exactly). The cell being checked gets a synthetic tail that imports every live
 * name from it and exports the cell's own top-level names; appending (not prepending) keeps
 * the user's positions unchanged. A module's own declarations shadow imports, so a cell may
 * declare `let x` again; committing it replaces x's entry for later cells.
 */
import fs from "node:fs";
import path from "node:path";
import type * as TS from "typescript";
import ts from "./ts.ts";
import { CellDeclarations, DECLARATIONS_MODULE } from "./declarations.ts";
import { topLevelNames } from "./names.ts";
import { isDeclarableName } from "./storable.ts";
import type { CellDiagnostic } from "./outcome.ts";

export const CELL_PREFIX = "__symtune_cell";

interface VirtualFile {
  text: string;
  version: number;
}


export class CellService {
  /** In the directory relative imports resolve from: the notebook's, or where `%cd` went. */
  cellFile: string;
  private readonly files = new Map<string, VirtualFile>();
  private readonly declarations: CellDeclarations;
  private declarationsFile: string;
  /** Changes whenever a cell's declarations are committed; compile caches key on it. */
  generation = 0;
  private readonly service: TS.LanguageService;
  private readonly options: TS.CompilerOptions;
  private userLength = 0;
  private versions = 0;

  constructor(
    readonly dir: string,
    projectRoot: string,
    globalsDeclarations: string,
  ) {
    this.cellFile = path.join(dir, `${CELL_PREFIX}.ts`);
    this.options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [path.join(projectRoot, "node_modules", "@types")],
      paths: { symtune: [path.join(projectRoot, "lib", "index.ts")] },
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
      declaration: true,
      inlineSourceMap: true,
      newLine: ts.NewLineKind.LineFeed,
    };
    this.declarations = new CellDeclarations(globalsDeclarations);
    this.declarationsFile = path.join(dir, `${DECLARATIONS_MODULE}.d.ts`);
    this.setFile(this.declarationsFile, this.declarations.text());
    this.setFile(this.cellFile, "export {};\n");
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      // Only the cell is a root; the declarations module is reached through its import.
      getScriptFileNames: () => [this.cellFile],
      getScriptVersion: (file) => String(this.files.get(file)?.version ?? diskVersion(file)),
      getScriptSnapshot: (file) => {
        const virtual = this.files.get(file);
        return virtual ? ts.ScriptSnapshot.fromString(virtual.text) : disk.snapshot(file);
      },
      getCurrentDirectory: () => dir,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => this.files.has(file) || disk.fileExists(file),
      readFile: (file) => this.files.get(file)?.text ?? disk.readFile(file),
      readDirectory: ts.sys.readDirectory,
      directoryExists: disk.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: disk.realpath,
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSourceFile) =>
        literals.map((literal) => {
          const resolve = () =>
            ts.resolveModuleName(literal.text, containingFile, options, host, undefined, redirected,
              ts.getModeForUsageLocation(containingSourceFile, literal, options));
          // @types/node imports ambient modules ("node:fs") that never resolve to a file, and
          // TypeScript retries failed resolutions on every update; installed files keep theirs.
          if (!containingFile.includes("/node_modules/")) return resolve();
          const key = `${containingFile}\0${literal.text}`;
          let known = installedResolutions.get(key);
          if (!known) installedResolutions.set(key, (known = resolve()));
          return known;
        }),
    };
    // Keeps package.json lookups (module format of every file) across program updates.
    const resolutionCache = ts.createModuleResolutionCache(dir, (f) => f, this.options);
    Object.assign(host, { getModuleResolutionCache: () => resolutionCache });
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** True once lib and @types are parsed and checked: cells are type-checked from then on. */
  warm = false;
  private light: TS.Program | undefined;

  /**
   * Parses lib and @types once, so a cell does not pay for it. With `library`, also symtune's
   * own sources and their packages' types (the first `import … from "symtune"` cell's cost),
   * kept in every later program through a type-only import in the declarations module.
   */
  warmUp(library = false): void {
    if (this.warm) return;
    if (library) {
      const preload = 'import type * as __symtune_library from "symtune";\n';
      this.setCell(preload, new Set(["__symtune_library"]));
      this.service.getSemanticDiagnostics(this.cellFile);
      this.commit(preload, new Set(["__symtune_library"]));
    }
    this.setCell("");
    this.service.getSemanticDiagnostics(this.cellFile);
    this.warm = true;
    this.light = undefined;
  }

  /**
   * The cell and the declarations module alone: no lib, no @types, no imports followed. Its
   * checker still knows every top-level name (all the cell transformer needs), so a cell can
   * run before the full program is built; names it cannot resolve (globals, imports) are left
   * as written. Only syntax errors are meaningful here.
   */
  lightProgram(): TS.Program {
    const host = ts.createCompilerHost(LIGHT_OPTIONS, true);
    host.getSourceFile = (file, languageVersion) => {
      const virtual = this.files.get(file);
      return virtual ? ts.createSourceFile(file, virtual.text, languageVersion, true) : undefined;
    };
    host.fileExists = (file) => this.files.has(file);
    host.readFile = (file) => this.files.get(file)?.text;
    host.getCurrentDirectory = () => this.dir;
    host.resolveModuleNameLiterals = (literals) =>
      literals.map((literal) =>
        literal.text === `./${DECLARATIONS_MODULE}`
          ? { resolvedModule: { resolvedFileName: this.declarationsFile, extension: ts.Extension.Dts } }
          : { resolvedModule: undefined },
      );
    this.light = ts.createProgram({ rootNames: [this.cellFile], options: { ...this.options, ...LIGHT_OPTIONS }, host, oldProgram: this.light });
    return this.light;
  }

  /** Syntax errors of the current cell in `program` (the light one), in the user's coordinates. */
  syntaxDiagnostics(program: TS.Program): CellDiagnostic[] {
    const sf = program.getSourceFile(this.cellFile)!;
    return program.getSyntacticDiagnostics(sf).map((d) => ({ ...this.userDiagnostic(sf, d, ts.flattenDiagnosticMessageText(d.messageText, " ")), syntax: true }));
  }

  /**
   * Makes `code` the current cell. `declared` are its own top-level names (not imported
   * from earlier cells); every other live name is imported from its owner.
   */
  setCell(code: string, declared: ReadonlySet<string> = topLevelNames(code)): void {
    // The import line is the same in every cell (only its names change), so the program's
    // structure is reused from cell to cell.
    const live = this.declarations.names().filter((name) => !declared.has(name));
    const exports = declared.size > 0 ? `export { ${[...declared].join(", ")} };` : "export {};";
    this.userLength = code.length;
    this.setFile(this.cellFile, `${code}\n;import { ${live.join(", ")} } from "./${DECLARATIONS_MODULE}";\n${exports}\n`);
  }

  /** Length of the user's code in the current cell file; everything after is synthetic. */
  get codeLength(): number {
    return this.userLength;
  }

  program(): TS.Program {
    const program = this.service.getProgram();
    if (!program) throw new Error("TypeScript language service has no program");
    return program;
  }

  sourceFile(): TS.SourceFile {
    const sf = this.program().getSourceFile(this.cellFile);
    if (!sf) throw new Error("the current cell is missing from the program");
    return sf;
  }

  /** Syntax and type errors of the current cell, in the user's coordinates. */
  diagnostics(): CellDiagnostic[] {
    const syntax = this.service.getSyntacticDiagnostics(this.cellFile);
    // Type errors after a syntax error are its consequences, not more mistakes.
    const all = syntax.length > 0 ? syntax : this.service.getSemanticDiagnostics(this.cellFile);
    const sf = this.sourceFile();
    const checker = this.program().getTypeChecker();
    const out: CellDiagnostic[] = [];
    for (const d of all) {
      if (d.category !== ts.DiagnosticCategory.Error || d.code === UNTYPED_MODULE) continue;
      let message = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (d.code === ASSIGN_TO_IMPORT && d.start !== undefined) {
        // Earlier cells' names reach this cell as imports; assigning a `let` from an
        // earlier cell is fine, assigning a `const` keeps TypeScript's usual wording.
        const kind = earlierDeclarationKind(checker, sf, d.start);
        if (kind === "mutable") continue;
        if (kind === "const") message = message.replace("because it is an import", "because it is a constant");
      }
      out.push({ ...this.userDiagnostic(sf, d, message), syntax: syntax.length > 0 });
    }
    return out;
  }

  private userDiagnostic(sf: TS.SourceFile, d: TS.Diagnostic, message: string): CellDiagnostic {
    const pos = d.start === undefined ? { line: 0, character: 0 } : sf.getLineAndCharacterOfPosition(Math.min(d.start, this.userLength));
    return { line: pos.line + 1, column: pos.character + 1, message, code: d.code };
  }

  /** Records the current cell's declarations (the compiler's .d.ts output) for later cells. */
  commit(dts: string, declared: ReadonlySet<string>): void {
    if (declared.size === 0) return;
    this.declarations.commit(dts.replace(/^\/\/# sourceMappingURL=.*$/m, ""), declared);
    this.setFile(this.declarationsFile, this.declarations.text());
    this.generation++;
  }

  /** Declares (or redeclares) names with the given types: what magics stored, once known. */
  declareTyped(entries: [name: string, type: string][]): void {
    if (entries.length === 0) return;
    this.commit(entries.map(([name, type]) => `declare let ${name}: ${type};`).join("\n"), new Set(entries.map(([name]) => name)));
  }

  /** Everything declared so far, as one declarations text (seeds another service). */
  declarationsText(): string {
    return this.declarations.text();
  }

  /**
   * Relative imports resolve from `dir` from now on (the kernel's working directory after
   * `%cd`, as IPython's imports follow it): the cell and declaration files move there, and the
   * declarations' own relative imports are pinned to where they were written.
   */
  setBase(dir: string): void {
    const from = path.dirname(this.cellFile);
    if (dir === from) return;
    this.declarations.pin(from);
    const cell = this.files.get(this.cellFile);
    this.files.delete(this.cellFile);
    this.files.delete(this.declarationsFile);
    this.cellFile = path.join(dir, `${CELL_PREFIX}.ts`);
    this.declarationsFile = path.join(dir, `${DECLARATIONS_MODULE}.d.ts`);
    this.setFile(this.declarationsFile, this.declarations.text());
    this.setFile(this.cellFile, cell?.text ?? "export {};\n");
    this.generation++;
  }

  /** Did an earlier cell (or the kernel) declare `name`? */
  declares(name: string): boolean {
    return this.declarations.names().includes(name);
  }

  /** Names that are in the scope without a declaration (a magic's `--as name`), typed `any`. */
  declareUntyped(scopeNames: Iterable<string>): void {
    const known = new Set(this.declarations.names());
    // A reserved or internal name (`await`, `__symtune_magic`) declared here would break every later cell.
    const added = [...scopeNames].filter((name) => !known.has(name) && isDeclarableName(name));
    if (added.length === 0) return;
    this.commit(added.map((name) => `declare let ${name}: any;`).join("\n"), new Set(added));
  }

  completions(position: number): TS.CompletionInfo | undefined {
    return this.service.getCompletionsAtPosition(this.cellFile, position, {
      includeCompletionsWithInsertText: false,
      includeExternalModuleExports: false,
    });
  }

  signatureHelp(position: number): TS.SignatureHelpItems | undefined {
    return this.service.getSignatureHelpItems(this.cellFile, position, undefined);
  }

  quickInfo(position: number): TS.QuickInfo | undefined {
    return this.service.getQuickInfoAtPosition(this.cellFile, position);
  }

  private setFile(file: string, text: string): void {
    const old = this.files.get(file);
    if (old?.text === text) return;
    // One counter for all files: a file that moves away and back never repeats a version.
    this.files.set(file, { text, version: ++this.versions });
  }
}

const LIGHT_OPTIONS: TS.CompilerOptions = { noLib: true, types: [], lib: undefined, skipDefaultLibCheck: true };

const installedResolutions = new Map<string, TS.ResolvedModuleWithFailedLookupLocations>();

/** A JavaScript package without types is usable in a notebook, typed `any`. */
const UNTYPED_MODULE = 7016;
const ASSIGN_TO_IMPORT = 2632; // "Cannot assign to 'x' because it is an import."

function earlierDeclarationKind(checker: TS.TypeChecker, sf: TS.SourceFile, start: number): "mutable" | "const" | "other" {
  const token = findIdentifierAt(sf, start);
  if (!token) return "other";
  const symbol = checker.getSymbolAtLocation(token);
  if (!symbol || !(symbol.flags & ts.SymbolFlags.Alias)) return "other";
  const target = checker.getAliasedSymbol(symbol);
  const decl = target.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl)) return "other";
  return ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const ? "const" : "mutable";
}

function findIdentifierAt(sf: TS.SourceFile, position: number): TS.Identifier | undefined {
  const visit = (node: TS.Node): TS.Identifier | undefined => {
    if (position < node.getStart(sf) || position >= node.end) return undefined;
    if (ts.isIdentifier(node)) return node;
    return ts.forEachChild(node, visit);
  };
  return visit(sf);
}

/**
 * Every program update re-resolves modules and re-reads package.json files; installed
 * packages do not change while a notebook runs, so lookups under node_modules are memoized.
 */
function memoizeInstalled<T>(read: (file: string) => T): (file: string) => T {
  const memo = new Map<string, T>();
  return (file) => {
    if (!file.includes("/node_modules/")) return read(file);
    if (!memo.has(file)) memo.set(file, read(file));
    return memo.get(file)!;
  };
}

/** The language service asks for every file's snapshot on every update; read each version once. */
const snapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot | undefined }>();
function diskSnapshot(file: string): TS.IScriptSnapshot | undefined {
  const version = diskVersion(file);
  const known = snapshots.get(file);
  if (known?.version === version) return known.snapshot;
  const text = ts.sys.readFile(file);
  const snapshot = text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
  snapshots.set(file, { version, snapshot });
  return snapshot;
}

const disk = {
  snapshot: diskSnapshot,
  fileExists: memoizeInstalled((file) => ts.sys.fileExists(file)),
  readFile: memoizeInstalled((file) => ts.sys.readFile(file)),
  directoryExists: memoizeInstalled((dir) => ts.sys.directoryExists(dir)),
  realpath: memoizeInstalled((file) => (ts.sys.realpath ? ts.sys.realpath(file) : file)),
};

/** Files outside node_modules and the TypeScript lib can change between cells. */
function diskVersion(file: string): string {
  if (file.includes("/node_modules/")) return "0";
  try {
    return String(fs.statSync(file).mtimeMs);
  } catch {
    return "missing";
  }
}
