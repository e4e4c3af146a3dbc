import type { CommandShape } from './saga.js';

const REJECTION = Symbol.for('dynamo-es.saga.rejection');

/** A domain's "no" to a command (insufficient funds, account closed): see {@link rejected}. */
export interface CommandRejection {
  readonly [REJECTION]: true;
  readonly reason: string;
}

/**
 * What a command handler returns when the domain refuses the command: the saga records a
 * `SagaCommandRejected` step and its `onResult` decides what to do (compensate). Anything thrown
 * instead is a failure: retried, then dead-lettered.
 *
 * @example
 * PlaceHold: async (command, { idempotencyKey }) => {
 *   try { await accounts.handle(command.data.accountId, command, { idempotency: { key: idempotencyKey } }); }
 *   catch (error) { if (error instanceof InsufficientFunds) return rejected('InsufficientFunds'); throw error; }
 * },
 */
export function rejected(reason: string): CommandRejection {
  if (typeof reason !== 'string' || reason === '')
    throw new TypeError('rejected(reason): expected a non-empty reason');
  return { [REJECTION]: true, reason };
}

/**
 * True for what {@link rejected} returns (checked by a symbol of the global registry, so it works
 * across duplicated installs).
 *
 * @example
 * if (isRejection(outcome)) console.log(outcome.reason);
 */
export const isRejection = (value: unknown): value is CommandRejection =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REJECTION] === true;

/** What a command handler is given besides the command. */
export interface CommandHandlerContext {
  /**
   * `saga:<name>:<sagaId>:<version>:<index>`: pass it as the command's idempotency key (e.g.
   * `idempotency: { key }` of `@dynamo-es/aggregate`), so that sending the command again (a crash
   * before its result was recorded, a redelivery) never applies it twice.
   */
  readonly idempotencyKey: string;
  readonly sagaId: string;
  readonly saga: string;
}

/**
 * The handlers of the commands a saga sends, one per command type: they run the command (typically
 * through an idempotent `@dynamo-es/aggregate` command) and return `rejected(reason)` for a domain
 * refusal; whatever else they return is success.
 *
 * @example
 * const commands: CommandHandlers<AccountCommand> = {
 *   PlaceHold: (command, { idempotencyKey }) => holds.place(command.data, idempotencyKey),
 * };
 */
export type CommandHandlers<C extends CommandShape> = {
  readonly [K in C['type']]: (
    command: Extract<C, { readonly type: K }>,
    context: CommandHandlerContext,
  ) => Promise<unknown>;
};

/** Retries of a command handler that throws, before its failure counts as a failed attempt of the step. */
export interface CommandRetry {
  /** Calls in all (default 3). */
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

/** 3 calls, 50 ms base, 1 s cap. @example new SagaProcess({ ..., commandRetry: { ...DEFAULT_COMMAND_RETRY, attempts: 5 } }) */
export const DEFAULT_COMMAND_RETRY: CommandRetry = { attempts: 3, baseMs: 50, capMs: 1_000 };
