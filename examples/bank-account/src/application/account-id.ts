import { createHash, randomUUID } from 'node:crypto';
import { InvalidAccountIdError, InvalidTransferIdError } from './errors.js';

/** Account ids (and request ids): 1-64 letters, digits, `_` or `-`, starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Throws {@link InvalidAccountIdError} unless `id` matches {@link ID_PATTERN}. */
export function assertAccountId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new InvalidAccountIdError(id);
}

/** Transfer ids: `tr-` and the request id (or a UUID) the transfer was made with. */
export const TRANSFER_ID_PATTERN = /^tr-[A-Za-z0-9_-]{1,100}$/;

/** Throws {@link InvalidTransferIdError} unless `id` matches {@link TRANSFER_ID_PATTERN}. */
export function assertTransferId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !TRANSFER_ID_PATTERN.test(id)) throw new InvalidTransferIdError(id);
}

/**
 * The id of a new account. Derived from the request id when there is one, so that a retried
 * "open account" request names the same account instead of opening a second one.
 *
 * @example
 * newAccountId('req-42'); // 'acc-…' (always the same for 'req-42')
 */
export function newAccountId(requestId?: string): string {
  if (requestId === undefined) return `acc-${randomUUID()}`;
  return `acc-${createHash('sha256').update(requestId).digest('hex').slice(0, 32)}`;
}
