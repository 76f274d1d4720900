/**
 * One cell from TypeScript text to JavaScript: type-check against earlier cells, emit
 * through the cell transformer, record the cell's declarations for later cells. Runs wherever
 * its service is: on the kernel's main thread over a light program (cells that run before the
 * type checker is warm), in the checker (checker.ts, usually a worker thread) over the full one.
 * Everything it returns is plain data, so it crosses threads; script.ts turns the JavaScript
 * into something the main thread runs.
 */
import type { CellDiagnostic } from "./outcome.ts";
import type { CellService } from "./service.ts";
import { cellTransformer } from "./transform.ts";

/** The cell's JavaScript (with an inline source map) and declarations, or why it cannot run. */
export type Emitted = { js: string; dts: string } | { diagnostics: CellDiagnostic[] };

/**
 * Compiles the service's program for `code`: the full program (syntax and type errors) once
 * the service is warm, before that the light one (syntax errors only). On success the cell's
 * declarations are committed for later cells.
 */
export function emitCell(service: CellService, code: string, declared: ReadonlySet<string>): Emitted {
  service.setCell(code, declared);
  const light = !service.warm;
  const program = light ? service.lightProgram() : service.program();
  const diagnostics = light ? service.syntaxDiagnostics(program) : service.diagnostics();
  if (diagnostics.length > 0) return { diagnostics };

  const sf = program.getSourceFile(service.cellFile)!;
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
    { before: [cellTransformer(program.getTypeChecker(), service.codeLength)] },
  );
  if (!js) throw new Error(`TypeScript emitted no JavaScript for the cell (${result.diagnostics.length} emit diagnostics)`);
  service.commit(dts, declared);
  return { js, dts };
}

/**
 * Type-checks a cell that already ran (before the checker was warm): its errors, and its
 * checked declarations for the names in `keep` (those no later cell declared again).
 */
export function checkLate(service: CellService, code: string, declared: ReadonlySet<string>, keep: ReadonlySet<string>): CellDiagnostic[] {
  service.setCell(code, declared);
  const diagnostics = service.diagnostics();
  if (keep.size > 0) {
    let dts = "";
    service.program().emit(service.sourceFile(), (file, text) => void (file.endsWith(".d.ts") && (dts = text)), undefined, true);
    service.commit(dts, keep);
  }
  return diagnostics;
}
