import {
  isAggregateNotFoundError,
  isIdempotencyKeyReusedError,
  isRetriesExhaustedError,
} from '@dynamo-es/aggregate';
import { isConcurrencyError, isInvalidInputError, isTransientError } from '@dynamo-es/event-store';
import { ApplicationErrorCode, isApplicationError } from '../application/errors.js';
import { BankErrorCode, isBankError } from '../domain/errors.js';
import { HttpError } from './http-error.js';
import { isDynamoDBUnavailable } from './unavailable.js';

/**
 * HTTP status of every domain and application error code. 400: the request itself is wrong,
 * whatever the state of the bank; 404: no such account; 409: it conflicts with what exists; 422:
 * well-formed, but a rule of the bank refuses it in the account's current state.
 */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  [BankErrorCode.InvalidAmount]: 400,
  [BankErrorCode.InvalidCurrency]: 400,
  [BankErrorCode.InvalidOwner]: 400,
  [BankErrorCode.SameAccountTransfer]: 400,
  [ApplicationErrorCode.InvalidAccountId]: 400,
  [ApplicationErrorCode.InvalidTransferId]: 400,
  [BankErrorCode.TransferRequestNotFound]: 404,
  [BankErrorCode.TransferAlreadyDecided]: 409,
  [BankErrorCode.HoldExists]: 409,
  [BankErrorCode.HoldNotFound]: 422,
  [BankErrorCode.AccountNotOpen]: 404,
  [BankErrorCode.AccountAlreadyOpen]: 409,
  [BankErrorCode.AccountClosed]: 422,
  [BankErrorCode.InsufficientFunds]: 422,
  [BankErrorCode.CurrencyMismatch]: 422,
  [BankErrorCode.NonZeroBalance]: 422,
  [BankErrorCode.BalanceLimitExceeded]: 422,
};

/** `Retry-After` of a 503 when DynamoDB cannot be reached: long enough for a blip to pass. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** What an error becomes on the wire: `{ error: { code, message, details? } }` with a status. */
export interface ErrorReply {
  readonly status: number;
  readonly body: {
    readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
  };
  readonly headers?: Readonly<Record<string, string>>;
  /** True for a 5xx: the caller should log it. */
  readonly unexpected: boolean;
}

interface ReplyOptions {
  readonly details?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const reply = (status: number, code: string, message: string, options: ReplyOptions = {}): ErrorReply => ({
  status,
  body: { error: { code, message, ...(options.details === undefined ? {} : { details: options.details }) } },
  ...(options.headers === undefined ? {} : { headers: options.headers }),
  unexpected: status >= 500,
});

/**
 * Maps an error thrown while handling a request to its reply. Only errors nobody expected become a
 * 500, with a generic message (details go to the log, not to the client).
 */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof HttpError) {
    return reply(error.status, error.code, error.message, {
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(error.headers === undefined ? {} : { headers: error.headers }),
    });
  }
  if (isBankError(error) || isApplicationError(error)) {
    return reply(STATUS_BY_CODE[error.code] ?? 422, error.code, error.message);
  }
  if (isIdempotencyKeyReusedError(error)) {
    // Request ids are idempotency keys, unique bank-wide: one used for another command, another
    // account or other arguments is a client bug, not a retry.
    return reply(
      422,
      'REQUEST_ID_REUSED',
      `Request id "${error.key}" was already used for another request; use a new id for a new request`,
    );
  }
  if (isRetriesExhaustedError(error) || isConcurrencyError(error)) {
    return reply(
      409,
      'CONCURRENCY_CONFLICT',
      `${error.message} Retry the request (with the same requestId).`,
    );
  }
  if (isAggregateNotFoundError(error)) return reply(404, 'ACCOUNT_NOT_FOUND', error.message);
  if (isInvalidInputError(error)) return reply(400, 'INVALID_REQUEST', error.message);
  if (isTransientError(error)) {
    return reply(503, 'TRY_AGAIN', 'DynamoDB is busy; retry the request (with the same requestId)', {
      headers: { 'retry-after': '1' },
    });
  }
  if (isDynamoDBUnavailable(error)) {
    return reply(
      503,
      'SERVICE_UNAVAILABLE',
      'The database cannot be reached right now; retry in a few seconds',
      {
        headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
      },
    );
  }
  return reply(500, 'INTERNAL_ERROR', 'Something went wrong on our side; it has been logged');
}
