import { createHash } from 'node:crypto';
import { assertIdempotencyKey, assertJsonValue, type IdempotencyKey } from '@dynamo-es/event-store';
import { assertObject } from './internal/validation.js';

/**
 * Makes a command idempotent: a retry with the same `key` (a client's request id), from any
 * process, after a lost answer or a crash, returns the original result and writes nothing; it does
 * not run the command's decision again. The key is recorded in the same transaction as the events,
 * in the store's idempotency table, so keys are unique table-wide: the same key with another
 * command name, other streams or another `payload` is refused with `IdempotencyKeyReusedError`.
 *
 * @example
 * await accounts.update('account-1', (account) => account.deposit(500), {
 *   idempotency: { key: requestId, command: 'DepositMoney', payload: { amount: 500 } },
 * });
 */
export interface IdempotencyOptions {
  /** The key: 1-512 characters, no control characters. */
  readonly key: string;
  /**
   * The command's name. Required for aggregate commands (a function cannot be told from another);
   * a decider's command defaults to its `type`.
   */
  readonly command?: string;
  /**
   * The command's arguments, as JSON (compared by a SHA-256 of their canonical form). A decider's
   * command defaults to the command itself. Without one, a key reused with other arguments for the
   * same command and streams is not noticed.
   */
  readonly payload?: unknown;
}

/**
 * What the core records for a key: the command's name and a fingerprint of its payload.
 *
 * @throws InvalidInputError for a malformed key or command name; UnsupportedValueError (with its
 * path) for a payload that is not JSON.
 */
export function idempotencyKeyOf(
  options: IdempotencyOptions,
  defaults: { readonly command?: string; readonly payload?: unknown },
): IdempotencyKey {
  assertObject(options, 'options.idempotency', '{ key, command?, payload? }');
  const command = options.command ?? defaults.command;
  const payload = options.payload === undefined ? defaults.payload : options.payload;
  const fingerprint = payload === undefined ? '' : hashPayload(payload);
  const key = { key: options.key, command: command as string, fingerprint };
  assertIdempotencyKey(key, 'options.idempotency');
  return key;
}

/** SHA-256 (base64url) of a JSON value in canonical form: object keys sorted, at every level. */
function hashPayload(payload: unknown): string {
  assertJsonValue(payload, 'options.idempotency.payload');
  return createHash('sha256').update(canonical(payload)).digest('base64url');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value)
    .filter(([, child]) => child !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
}
