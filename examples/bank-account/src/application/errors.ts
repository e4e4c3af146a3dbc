/**
 * Errors of the application layer (the domain's are in `../domain/errors.ts`; a reused request id
 * is `@dynamo-es/aggregate`'s `IdempotencyKeyReusedError`). Same shape as the domain's: a stable
 * `code` the HTTP layer maps to a status.
 */
export const ApplicationErrorCode = {
  InvalidAccountId: 'INVALID_ACCOUNT_ID',
  InvalidTransferId: 'INVALID_TRANSFER_ID',
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

/** A transfer id that cannot name a transfer (so no such transfer can exist). */
export class InvalidTransferIdError extends Error {
  readonly code = ApplicationErrorCode.InvalidTransferId;

  constructor(readonly transferId: unknown) {
    super(
      `Transfer id ${JSON.stringify(transferId) ?? String(transferId)} is not "tr-" and 1-100 letters, digits, "_" or "-" (as a transfer's answer names it)`,
    );
    this.name = 'InvalidTransferIdError';
  }
}

/** True for an error of this layer (by its `code`). */
export const isApplicationError = (error: unknown): error is InvalidAccountIdError | InvalidTransferIdError =>
  typeof error === 'object' &&
  error !== null &&
  Object.values(ApplicationErrorCode).includes((error as { code?: unknown }).code as ApplicationErrorCode);
