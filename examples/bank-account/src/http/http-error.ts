/** One problem with a request, e.g. `{ field: 'amount', message: 'must be a whole number…' }`. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * A request the HTTP layer refuses before any command runs (malformed JSON, a wrong field, an
 * unknown route). Nothing has been read or written when it is thrown.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly FieldIssue[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 with the list of fields that are wrong. */
export const invalidRequest = (issues: readonly FieldIssue[]): HttpError =>
  new HttpError(
    400,
    'INVALID_REQUEST',
    issues.length === 1
      ? `${issues[0]?.field} ${issues[0]?.message}`
      : `${issues.length} fields are invalid: ${issues.map((issue) => issue.field).join(', ')}`,
    issues,
  );
