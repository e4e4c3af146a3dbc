/** Codes of the fields of a request; anything else wrong with one is `INVALID_REQUEST`. */
export const FieldErrorCode = {
  InvalidAmount: 'INVALID_AMOUNT',
  InvalidCurrency: 'INVALID_CURRENCY',
  InvalidOwner: 'INVALID_OWNER',
  InvalidAccountId: 'INVALID_ACCOUNT_ID',
  InvalidRequest: 'INVALID_REQUEST',
} as const;
export type FieldErrorCode = (typeof FieldErrorCode)[keyof typeof FieldErrorCode];

/**
 * One problem with a request, e.g.
 * `{ field: 'amount', code: 'INVALID_AMOUNT', message: 'must be a whole number…' }`.
 */
export interface FieldIssue {
  readonly field: string;
  readonly code: FieldErrorCode;
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

/**
 * 400 with the list of fields that are wrong. Its code is the fields' code when they all have the
 * same one (`INVALID_AMOUNT` for a bad amount), else `INVALID_REQUEST`; each detail has its own.
 */
export const invalidRequest = (issues: readonly FieldIssue[]): HttpError =>
  new HttpError(
    400,
    new Set(issues.map((issue) => issue.code)).size === 1
      ? (issues[0]?.code ?? FieldErrorCode.InvalidRequest)
      : FieldErrorCode.InvalidRequest,
    issues.length === 1
      ? `${issues[0]?.field} ${issues[0]?.message}`
      : `${issues.length} fields are invalid: ${issues.map((issue) => issue.field).join(', ')}`,
    issues,
  );
