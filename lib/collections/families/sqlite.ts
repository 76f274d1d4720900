/** Runs SQL in a throwaway in-memory SQLite (sql.js) and compares result sets. */
import initSqlJs, { type SqlJsStatic, type SqlValue } from "sql.js";

let engine: Promise<SqlJsStatic> | undefined;

export function sqlite(): Promise<SqlJsStatic> {
  engine ??= initSqlJs();
  return engine;
}

export type ResultRows = SqlValue[][];

/**
 * Executes `setup` on a fresh database, makes it read-only, then runs each query; the rows of
 * each query's last result, or the Error it raised. One database serves all the queries,
 * which query_only makes safe.
 */
export async function runQueries(setup: string, queries: readonly string[]): Promise<(ResultRows | Error)[]> {
  const SQL = await sqlite();
  const db = new SQL.Database();
  try {
    db.exec(setup);
    db.exec("PRAGMA query_only = ON");
    return queries.map((query) => {
      try {
        const results = db.exec(query);
        return results.length === 0 ? [] : results[results.length - 1]!.values;
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });
  } finally {
    db.close();
  }
}

/** A value as compared: floats rounded so AVG computed two ways still agrees. */
function cell(value: SqlValue): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(6);
  if (value instanceof Uint8Array) return `blob:${Array.from(value).join(",")}`;
  return JSON.stringify(value);
}

/** Result sets are equal as multisets of rows, or as sequences when order matters. */
export function sameResult(a: ResultRows, b: ResultRows, ordered: boolean): boolean {
  if (a.length !== b.length) return false;
  const key = (rows: ResultRows) => rows.map((r) => r.map(cell).join("\u0001"));
  const ka = key(a);
  const kb = key(b);
  if (!ordered) {
    ka.sort();
    kb.sort();
  }
  return ka.every((row, i) => row === kb[i]);
}
