import {
  AggregateRepository,
  DEFAULT_RETRIES,
  DeciderCommandHandler,
  defaultRetryDelay,
  type SnapshotOptions,
} from '@dynamo-es/aggregate';
import { type EventStore, isConcurrencyError } from '@dynamo-es/event-store';
import { BankErrorCode } from '../domain/errors.js';
import type { AccountEvent, AccountState } from '../domain/events.js';
import { assertAccountId, newAccountId } from './account-id.js';
import { type CloseRequest, closeRequestDecider } from './close-request.js';
import type { MoveMoney, OpenAccount } from './commands.js';
import { assertSameRequest, findPriorEvent, wasAppliedBefore } from './idempotency.js';
import { type AccountOutcome, accountOutcome, type TransferOutcome } from './outcome.js';
import { type CommandContext, type CommandDescription, commandMetadata } from './request.js';
import { TrackedAccount } from './tracked-account.js';
import { type TransferMoney, transferMoney } from './transfer.js';

/** Options of a {@link Bank}. */
export interface BankOptions {
  /** The event store of the account streams. Keep one instance per process. */
  readonly store: EventStore;
  /** Snapshots of account states (default: none). */
  readonly snapshots?: SnapshotOptions<AccountState>;
  /** Retries of a command that lost a race for its account(s) (default 10). */
  readonly retries?: number;
  /** Milliseconds before retry number `retry` (default: jittered exponential backoff). */
  readonly retryDelay?: (retry: number) => number;
}

/**
 * The bank's application service: each method is one command, run against the aggregate (or, for
 * closing, the decider) loaded from the event store, stored with optimistic concurrency and
 * retried on conflict. No HTTP here, and no AWS SDK: the entry points adapt requests to these calls.
 *
 * Every command takes a {@link CommandContext}: a `requestId` makes it idempotent (a retry answers
 * with `replayed: true` and writes nothing), and its ids go into every event's metadata
 * (`correlationId`, `causationId`, `requestId`).
 *
 * @example
 * const bank = new Bank({ store });
 * const { accountId } = await bank.open({ owner: 'Ada', currency: 'EUR', initialDeposit: 10_00 });
 * await bank.transfer({ from: accountId, to: other, amount: 2_50, currency: 'EUR' }, { requestId: 'r-1' });
 */
export class Bank {
  readonly #store: EventStore;
  readonly #accounts: AggregateRepository<TrackedAccount>;
  readonly #closer: DeciderCommandHandler<AccountState, CloseRequest, AccountEvent>;
  readonly #retries: number;
  readonly #retryDelay: (retry: number) => number;

  constructor(options: BankOptions) {
    const { store, snapshots, retries = DEFAULT_RETRIES, retryDelay = defaultRetryDelay } = options;
    this.#store = store;
    this.#retries = retries;
    this.#retryDelay = retryDelay;
    const shared = { store, retries, retryDelay, ...(snapshots ? { snapshots } : {}) };
    this.#accounts = new AggregateRepository({ ...shared, factory: (id) => new TrackedAccount(id) });
    // The decider folds the same events into the same state, so it shares the snapshots.
    this.#closer = new DeciderCommandHandler({ ...shared, decider: closeRequestDecider });
  }

  /**
   * Opens an account, with an optional first deposit (both events in one atomic append). A new
   * account's stream must not exist yet, so nothing is read: the events are decided on an empty
   * account and appended with expected version `'no-stream'`. Only when the stream exists (a
   * retried request, or a taken id) does the command load the account and go the usual way.
   */
  async open(command: OpenAccount, context: CommandContext = {}): Promise<AccountOutcome> {
    const accountId = command.accountId ?? newAccountId(context.requestId);
    assertAccountId(accountId);
    const { owner, currency, initialDeposit } = command;
    const description = {
      name: 'OpenAccount',
      arguments: [accountId, owner, currency, initialDeposit ?? null],
    };
    const decide = (account: TrackedAccount) =>
      account.open({ owner, currency, ...(initialDeposit === undefined ? {} : { initialDeposit }) });
    const account = new TrackedAccount(accountId);
    account.stampEventIds(context.requestId);
    decide(account);
    const metadata = commandMetadata(description, context);
    try {
      const events = account.uncommittedEvents.map((event) => ({ ...event, metadata }));
      const result = await this.#store.append(accountId, events, { expectedVersion: 'no-stream' });
      account.markCommitted(result.version);
      return accountOutcome(account, { attempts: 1, replayed: wasAppliedBefore(result.events[0], metadata) });
    } catch (error) {
      if (!isConcurrencyError(error)) throw error;
      return this.#execute(accountId, description, context, decide);
    }
  }

  /** Deposits money. */
  deposit(command: MoveMoney, context: CommandContext = {}): Promise<AccountOutcome> {
    const { accountId, amount, currency } = command;
    return this.#execute(
      accountId,
      { name: 'DepositMoney', arguments: [accountId, amount, currency ?? null] },
      context,
      (account) => account.deposit(amount, currency),
    );
  }

  /** Withdraws money; never more than the balance. */
  withdraw(command: MoveMoney, context: CommandContext = {}): Promise<AccountOutcome> {
    const { accountId, amount, currency } = command;
    return this.#execute(
      accountId,
      { name: 'WithdrawMoney', arguments: [accountId, amount, currency ?? null] },
      context,
      (account) => account.withdraw(amount, currency),
    );
  }

  /**
   * Closes an account whose balance is zero, through the domain's decider (the functional style,
   * side by side with the aggregate class used for the other commands).
   */
  async close(
    command: { readonly accountId: string },
    context: CommandContext = {},
  ): Promise<AccountOutcome> {
    const { accountId } = command;
    assertAccountId(accountId);
    const metadata = commandMetadata({ name: 'CloseAccount', arguments: [accountId] }, context);
    const { requestId } = context;
    try {
      const result = await this.#closer.handle(
        accountId,
        { command: { type: 'CloseAccount', accountId }, ...(requestId === undefined ? {} : { requestId }) },
        { metadata },
      );
      const replayed = wasAppliedBefore(result.events[0], metadata);
      return accountOutcome({ id: accountId, ...result }, { attempts: result.attempts, replayed });
    } catch (error) {
      // A closed account never changes again, so a retried close finds its own event on top.
      if (requestId === undefined || (error as { code?: unknown }).code !== BankErrorCode.AccountClosed)
        throw error;
      const last = await this.#lastEvent(accountId);
      if (last?.eventId !== `${requestId}:1`) throw error;
      assertSameRequest(last, requestId, metadata.requestHash);
      return accountOutcome(await this.#accounts.load(accountId), { attempts: 1, replayed: true });
    }
  }

  /** Moves money between two accounts of one currency in one atomic append; see {@link transferMoney}. */
  transfer(command: TransferMoney, context: CommandContext = {}): Promise<TransferOutcome> {
    assertAccountId(command.from);
    assertAccountId(command.to);
    const description: CommandDescription = {
      name: 'TransferMoney',
      arguments: [command.from, command.to, command.amount, command.currency],
    };
    const metadata = commandMetadata(description, context);
    return transferMoney(
      { store: this.#store, accounts: this.#accounts, retries: this.#retries, retryDelay: this.#retryDelay },
      command,
      {
        transferId: `tr-${context.requestId ?? metadata.causationId}`,
        requestId: context.requestId,
        metadata,
      },
    );
  }

  /** Loads an account from the store (version 0 and status `'new'` when it does not exist). */
  load(accountId: string): Promise<TrackedAccount> {
    assertAccountId(accountId);
    return this.#accounts.load(accountId);
  }

  /**
   * Runs one command on one account through the repository (load, decide, append; on conflict,
   * read only the new events and decide again). With a request id, the command first looks for the
   * events that request would have written: found, it is a retry and nothing is decided.
   */
  async #execute(
    accountId: string,
    description: CommandDescription,
    context: CommandContext,
    decide: (account: TrackedAccount) => void,
  ): Promise<AccountOutcome> {
    assertAccountId(accountId);
    const metadata = commandMetadata(description, context);
    const { requestId } = context;
    let replayed = false;
    const { aggregate, attempts, events } = await this.#accounts.update(
      accountId,
      async (account) => {
        if (requestId !== undefined) {
          const prior = await findPriorEvent(this.#store, account, `${requestId}:1`);
          replayed = prior !== undefined;
          if (prior !== undefined) {
            assertSameRequest(prior, requestId, metadata.requestHash);
            return;
          }
        }
        account.stampEventIds(requestId);
        decide(account);
      },
      { metadata },
    );
    return accountOutcome(aggregate, {
      attempts,
      replayed: replayed || wasAppliedBefore(events[0], metadata),
    });
  }

  async #lastEvent(accountId: string) {
    for await (const event of this.#store.read(accountId, { direction: 'backward', limit: 1 })) return event;
    return undefined;
  }
}
