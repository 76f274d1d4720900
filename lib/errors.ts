/**
 * Errors a user can cause. The kernel renders these as one line (ename + message, no stack);
 * any other Error is our bug and is shown with its full traceback.
 */

/** A mistake in how something was called: a magic argument, a config key, an option value. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Where in a data file a problem was found. */
export interface DataLocation {
  file?: string;
  line?: number;
  field?: string;
}

/** Bad input data. The message already names file:line:field; `where` keeps them for tests. */
export class DataError extends Error {
  override name = "DataError";
  constructor(message: string, readonly where: DataLocation = {}) {
    super(DataError.locate(message, where));
  }

  static locate(message: string, where: DataLocation): string {
    const place = [where.file, where.line].filter((p) => p !== undefined).join(":");
    const field = where.field ? ` field "${where.field}"` : "";
    return place || field ? `${place}${field}: ${message}` : message;
  }
}

/** A training run stopped for a reason the user can act on (NaN loss, heap exhausted). */
export class TrainingError extends Error {
  override name = "TrainingError";
}

/** True for errors that are the user's to fix and render as one line. */
export function isUserError(error: unknown): error is UsageError | DataError | TrainingError {
  return error instanceof UsageError || error instanceof DataError || error instanceof TrainingError;
}
