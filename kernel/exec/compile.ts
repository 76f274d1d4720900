/**
 * One cell from TypeScript text to a runnable script: type-check against earlier cells,
 * emit through the cell transformer, record the cell's declarations for later cells, wrap
 * the JavaScript in an async function and compile it with vm (main realm, so objects from
 * cells and from the library share one set of built-ins; `instanceof` works across them).
 */
import path from "node:path";
import vm from "node:vm";
import { topLevelNames } from "./names.ts";
import { CompileError, registerCell } from "./outcome.ts";
import type { CellService } from "./service.ts";
import { parseSourceMap } from "./sourcemap.ts";
import { RUNTIME, SCOPE, cellTransformer } from "./transform.ts";

interface ColdCell {
  code: string;
  declared: ReadonlySet<string>;
  label: string;
  serial: number;
  late?: (lines: string[]) => void;
}

/** A compiled cell; `run` may be called again (timeit) without compiling again. */
export interface CompiledCell {
  run(scope: Record<string, unknown>, runtime: unknown): Promise<unknown>;
}

/**
 * Where the script reads its arguments: set right before it runs, read at once. One array
 * for the process, never deleted: deleting a global property makes V8 drop optimised code
 * that depends on the global object (all of TypeScript), which cost milliseconds per cell.
 */
const cellArgs: unknown[] = ((globalThis as Record<symbol, unknown[]>)[Symbol.for("symtune.cell.args")] ??= []);
const CACHE_LIMIT = 200;
silenceLoaderWarning();

export class CellCompiler {
  private readonly cache = new Map<string, { generation: number; cell: CompiledCell }>();
  private scripts = 0;

  constructor(private readonly service: CellService) {}

  /** Cells run before the type checker was warm, to check once it is (catchUp). */
  private cold: ColdCell[] = [];
  /** Which compile last declared each name, so catch-up never overwrites a newer declaration. */
  private owners = new Map<string, number>();
  private serial = 0;

  /**
   * `label` names the cell in tracebacks, e.g. "In [3]". Before the service is warm the cell
   * is only parsed (light program) and `late` later receives its type errors, if any.
   */
  compile(code: string, label = "cell", late?: (lines: string[]) => void): CompiledCell {
    const cached = this.cache.get(code);
    if (cached && cached.generation === this.service.generation) return cached.cell;

    const declared = topLevelNames(code);
    this.service.setCell(code, declared);
    const light = !this.service.warm;
    const program = light ? this.service.lightProgram() : this.service.program();
    const diagnostics = light ? this.service.syntaxDiagnostics(program) : this.service.diagnostics();
    if (diagnostics.length > 0) throw new CompileError(diagnostics, label, code);

    const sf = program.getSourceFile(this.service.cellFile)!;
    let js = "";
    let dts = "";
    const result = program.emit(
      sf,
      (file, text) => {
        if (file.endsWith(".d.ts")) dts = text;
        else if (file.endsWith(".js")) js = text;
      },
      undefined,
      false,
      { before: [cellTransformer(program.getTypeChecker(), this.service.codeLength)] },
    );
    if (!js) throw new Error(`TypeScript emitted no JavaScript for the cell (${result.diagnostics.length} emit diagnostics)`);
    this.service.commit(dts, declared);
    const serial = ++this.serial;
    for (const name of declared) this.owners.set(name, serial);
    if (light) this.cold.push({ code, declared, label, serial, late });

    const cell = this.toScript(js, label, code);
    if (declared.size === 0 && !light) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(code, { generation: this.service.generation, cell });
    }
    return cell;
  }

  /** Was `name` last declared by a cell's code (rather than stored by a magic)? */
  declaredByCell(name: string): boolean {
    return this.owners.has(name);
  }

  /** `name` is now declared by someone else (a magic's typed variable). */
  release(name: string): void {
    this.owners.delete(name);
  }

  /**
   * Once the service is warm: type-checks the cells that ran unchecked, reports their errors
   * through `late`, and replaces their light declarations (types the light program could not
   * know, such as anything from lib or an import) with the checked ones.
   */
  catchUp(): void {
    if (!this.service.warm) return;
    const cold = this.cold;
    this.cold = [];
    for (const cell of cold) {
      const still = new Set([...cell.declared].filter((name) => this.owners.get(name) === cell.serial));
      this.service.setCell(cell.code, cell.declared);
      const diagnostics = this.service.diagnostics();
      if (diagnostics.length > 0) cell.late?.(new CompileError(diagnostics, cell.label, cell.code).lines);
      if (still.size === 0) continue;
      let dts = "";
      this.service.program().emit(this.service.sourceFile(), (file, text) => void (file.endsWith(".d.ts") && (dts = text)), undefined, true);
      this.service.commit(dts, still);
    }
  }

  private toScript(js: string, label: string, source: string): CompiledCell {
    const mapComment = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(js);
    const body = (mapComment ? js.slice(0, mapComment.index) : js).replace(/^export \{\};?\s*$/m, "");
    const n = ++this.scripts;
    // Same line as the first line of code, so line numbers (and the source map) still match.
    const prefix = `(async function (${SCOPE}, ${RUNTIME}) { "use strict"; `;
    const text = `${prefix}${body}\n})(globalThis[Symbol.for("symtune.cell.args")][0], globalThis[Symbol.for("symtune.cell.args")][1])`;
    // The loader resolves the cell's imports relative to this name: the user's directory.
    const filename = path.join(this.service.dir, `__symtune_cell_${n}.js`);
    const map = mapComment ? parseSourceMap(mapComment[1]!) : undefined;
    if (map) registerCell(filename, { map, label, prefixLength: prefix.length, source });
    const script = new vm.Script(text, {
      filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    // breakOnSigint starts and joins a watchdog thread per run (~0.1 ms idle, several ms on a
    // busy machine). Only code that calls, constructs or loops can run long enough to need it.
    const breakOnSigint = /[(`]|\b(?:for|while|do|new)\b/.test(body);
    return {
      run(scope, runtime) {
        cellArgs[0] = scope;
        cellArgs[1] = runtime;
        return script.runInThisContext({ breakOnSigint }) as Promise<unknown>;
      },
    };
  }
}

/**
 * Node flags USE_MAIN_CONTEXT_DEFAULT_LOADER as experimental the first time a cell imports;
 * in a notebook's log that line is noise, so only that warning is dropped.
 */
function silenceLoaderWarning(): void {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("USE_MAIN_CONTEXT_DEFAULT_LOADER")) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}
