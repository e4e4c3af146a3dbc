/**
 * Errors of the application layer (the domain's are in `../domain/errors.ts`). Same shape as the
 * domain's: a stable `code` the HTTP layer maps to a status.
 */
export const ApplicationErrorCode = {
  RequestIdReused: 'REQUEST_ID_REUSED',
  InvalidAccountId: 'INVALID_ACCOUNT_ID',
} as const;
export type ApplicationErrorCode = (typeof ApplicationErrorCode)[keyof typeof ApplicationErrorCode];

/** A request id came back with a different command: refusing beats applying or ignoring it silently. */
export class RequestIdReusedError extends Error {
  readonly code = ApplicationErrorCode.RequestIdReused;

  constructor(readonly requestId: string) {
    super(
      `Request id "${requestId}" was already used for a different command; use a new id for a new command`,
    );
    this.name = 'RequestIdReusedError';
  }
}

export const isRequestIdReusedError = (error: unknown): error is RequestIdReusedError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === ApplicationErrorCode.RequestIdReused;

/** An account id that cannot name an account (so no such account can exist). */
export class InvalidAccountIdError extends Error {
  readonly code = ApplicationErrorCode.InvalidAccountId;

  constructor(readonly accountId: unknown) {
    super(
      `Account id ${JSON.stringify(accountId) ?? String(accountId)} is not 1-64 letters, digits, "_" or "-"`,
    );
    this.name = 'InvalidAccountIdError';
  }
}

/** True for an error of this layer (by its `code`). */
export const isApplicationError = (error: unknown): error is RequestIdReusedError | InvalidAccountIdError =>
  typeof error === 'object' &&
  error !== null &&
  Object.values(ApplicationErrorCode).includes((error as { code?: unknown }).code as ApplicationErrorCode);
