/**
 * Errors of the application layer (the domain's are in `../domain/errors.ts`; a reused request id
 * is `@dynamo-es/aggregate`'s `IdempotencyKeyReusedError`). Same shape as the domain's: a stable
 * `code` the HTTP layer maps to a status.
 */
export const ApplicationErrorCode = {
  InvalidAccountId: 'INVALID_ACCOUNT_ID',
} as const;
export type ApplicationErrorCode = (typeof ApplicationErrorCode)[keyof typeof ApplicationErrorCode];

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
export const isApplicationError = (error: unknown): error is InvalidAccountIdError =>
  typeof error === 'object' &&
  error !== null &&
  Object.values(ApplicationErrorCode).includes((error as { code?: unknown }).code as ApplicationErrorCode);
