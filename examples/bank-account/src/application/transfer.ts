import type { AggregateRepository } from '@dynamo-es/aggregate';
import { RetriesExhaustedError } from '@dynamo-es/aggregate';
import { type EventStore, isConcurrencyError, type NewEvent } from '@dynamo-es/event-store';
import { SameAccountTransferError } from '../domain/errors.js';
import type { Currency, MinorUnits } from '../domain/money.js';
import { catchUp } from './catch-up.js';
import { assertSameRequest, findPriorEvent, wasAppliedBefore } from './idempotency.js';
import { accountOutcome, type TransferOutcome } from './outcome.js';
import type { BankEventMetadata } from './request.js';
import type { TrackedAccount } from './tracked-account.js';

/** Moves `amount` from one account to another of the same currency. */
export interface TransferMoney {
  readonly from: string;
  readonly to: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
}

/** What {@link transferMoney} needs. */
export interface TransferDependencies {
  readonly store: EventStore;
  readonly accounts: AggregateRepository<TrackedAccount>;
  readonly retries: number;
  readonly retryDelay: (retry: number) => number;
}

/** One transfer: its id, metadata and request id (for idempotency). */
export interface TransferRequest {
  readonly transferId: string;
  readonly requestId: string | undefined;
  readonly metadata: BankEventMetadata;
}

/**
 * A transfer as ONE atomic append across both account streams (`appendMany`, a single
 * `TransactWriteItems`), each with the version its account was loaded at as expected version: both
 * halves are stored, or neither. When another command wrote to one of the accounts first, the
 * `ConcurrencyError` names that stream; only that account reads the events it missed, both decide
 * again, and the transfer is retried, at most `retries` times, with jittered backoff.
 *
 * @throws SameAccountTransferError, a domain error of either account (nothing written),
 * RetriesExhaustedError when every attempt lost a race.
 */
export async function transferMoney(
  dependencies: TransferDependencies,
  command: TransferMoney,
  request: TransferRequest,
): Promise<TransferOutcome> {
  if (command.from === command.to) throw new SameAccountTransferError(command.from);
  const { store, accounts, retries, retryDelay } = dependencies;
  const [from, to] = await Promise.all([accounts.load(command.from), accounts.load(command.to)]);
  for (let attempts = 1; ; attempts++) {
    const replay = await findReplay(store, from, request);
    if (replay) return outcome(command, request, { from, to, attempts, replayed: true });
    decide(from, to, command, request);
    try {
      const [sent, received] = await store.appendMany([
        { streamId: from.id, events: withMetadata(from, request), expectedVersion: from.version },
        { streamId: to.id, events: withMetadata(to, request), expectedVersion: to.version },
      ]);
      from.markCommitted(sent!.version);
      to.markCommitted(received!.version);
      const replayed = wasAppliedBefore(sent!.events[0], request.metadata);
      return outcome(command, request, { from, to, attempts, replayed });
    } catch (error) {
      const lost = isConcurrencyError(error) ? [from, to].find((a) => a.id === error.streamId) : undefined;
      if (lost === undefined) throw error;
      if (attempts > retries)
        throw new RetriesExhaustedError({ streamId: lost.id, attempts }, { cause: error });
      from.discardChanges();
      to.discardChanges();
      await sleep(retryDelay(attempts));
      await catchUp(store, lost);
    }
  }
}

/** The sending half first: it is the account whose rules (funds) most often refuse a transfer. */
function decide(
  from: TrackedAccount,
  to: TrackedAccount,
  command: TransferMoney,
  request: TransferRequest,
): void {
  const { transferId, requestId } = request;
  from.stampEventIds(requestId, 1);
  to.stampEventIds(requestId, 2);
  from.sendTransfer({ transferId, to: to.id, amount: command.amount, currency: command.currency });
  to.receiveTransfer({ transferId, from: from.id, amount: command.amount, currency: command.currency });
}

/** Both halves are stored together, so finding the sending half proves the whole transfer happened. */
async function findReplay(
  store: EventStore,
  from: TrackedAccount,
  request: TransferRequest,
): Promise<boolean> {
  if (request.requestId === undefined) return false;
  const prior = await findPriorEvent(store, from, `${request.requestId}:1`);
  if (prior === undefined) return false;
  assertSameRequest(prior, request.requestId, request.metadata.requestHash);
  return true;
}

function withMetadata(account: TrackedAccount, request: TransferRequest): NewEvent[] {
  return account.uncommittedEvents.map((event) => ({
    ...event,
    metadata: { ...request.metadata, ...event.metadata },
  }));
}

function outcome(
  command: TransferMoney,
  request: TransferRequest,
  result: { from: TrackedAccount; to: TrackedAccount; attempts: number; replayed: boolean },
): TransferOutcome {
  const details = { attempts: result.attempts, replayed: result.replayed };
  return {
    transferId: request.transferId,
    amount: command.amount,
    currency: command.currency,
    from: accountOutcome(result.from, details),
    to: accountOutcome(result.to, details),
    ...details,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
