import {
  AggregateRepository,
  DeciderCommandHandler,
  type SnapshotOptions,
  type StateCache,
} from '@dynamo-es/aggregate';
import type { EventStore } from '@dynamo-es/event-store';
import { type AccountEvent, type AccountState, BankAccount } from '../domain/bank-account.js';
import { type CloseAccount, closeAccountDecider } from '../domain/close-account.js';
import { SameAccountTransferError } from '../domain/errors.js';
import { assertAccountId, newAccountId } from './account-id.js';
import type { MoveMoney, OpenAccount, TransferMoney } from './commands.js';
import { type AccountOutcome, accountOutcome, type TransferOutcome } from './outcome.js';
import { type CommandContext, commandOptions } from './request.js';

/** Options of a {@link Bank}. */
export interface BankOptions {
  /** The event store of the account streams, with an idempotency table. Keep one per process. */
  readonly store: EventStore;
  /** Snapshots of account states (default: none). */
  readonly snapshots?: SnapshotOptions<AccountState>;
  /** Account states kept in memory between commands (default: none). */
  readonly stateCache?: StateCache;
  /** Retries of a command that lost a race for its account(s) (default 10). */
  readonly retries?: number;
  /** Milliseconds before retry number `retry` (default: jittered exponential backoff). */
  readonly retryDelay?: (retry: number) => number;
}

/**
 * The bank's application service: each method is one command, run by `@dynamo-es/aggregate`
 * against the `BankAccount` aggregate (or, for closing, the decider) loaded from the event store,
 * stored with optimistic concurrency and retried on conflict. No HTTP here, and no AWS SDK.
 *
 * Every command takes a {@link CommandContext}: a `requestId` makes it idempotent bank-wide (a
 * retry answers with `replayed: true` and writes nothing; the same id for anything else is
 * refused), and its ids go into every event's metadata.
 *
 * @example
 * const bank = new Bank({ store });
 * const { accountId } = await bank.open({ owner: 'Ada', currency: 'EUR', initialDeposit: 10_00 });
 * await bank.transfer({ from: accountId, to: other, amount: 2_50, currency: 'EUR' }, { requestId: 'r-1' });
 */
export class Bank {
  readonly #accounts: AggregateRepository<BankAccount>;
  readonly #closer: DeciderCommandHandler<AccountState, CloseAccount, AccountEvent>;

  constructor(options: BankOptions) {
    this.#accounts = new AggregateRepository({ ...options, factory: (id) => new BankAccount(id) });
    // The decider folds the same events into the same state, so it shares the snapshots.
    const { stateCache: _, ...shared } = options;
    this.#closer = new DeciderCommandHandler({ ...shared, decider: closeAccountDecider });
  }

  /** Opens an account, with an optional first deposit (both events in one atomic append). */
  async open(command: OpenAccount, context: CommandContext = {}): Promise<AccountOutcome> {
    const accountId = command.accountId ?? newAccountId(context.requestId);
    assertAccountId(accountId);
    const { owner, currency, initialDeposit } = command;
    const options = commandOptions('OpenAccount', { owner, currency, initialDeposit }, context);
    const { aggregate, attempts, replayed } = await this.#accounts.update(
      accountId,
      (account) =>
        account.open({ owner, currency, ...(initialDeposit === undefined ? {} : { initialDeposit }) }),
      options,
    );
    return accountOutcome(aggregate, { attempts, replayed });
  }

  /** Deposits money. */
  deposit(command: MoveMoney, context: CommandContext = {}): Promise<AccountOutcome> {
    return this.#move('DepositMoney', command, context, (account) =>
      account.deposit(command.amount, command.currency),
    );
  }

  /** Withdraws money; never more than the balance. */
  withdraw(command: MoveMoney, context: CommandContext = {}): Promise<AccountOutcome> {
    return this.#move('WithdrawMoney', command, context, (account) =>
      account.withdraw(command.amount, command.currency),
    );
  }

  /**
   * Moves money between two accounts of one currency: both halves are stored in one atomic
   * transaction or neither (`updateMany`); on a conflict, only the account that moved reads what
   * it missed and both decide again.
   */
  async transfer(command: TransferMoney, context: CommandContext = {}): Promise<TransferOutcome> {
    const { from, to, amount, currency } = command;
    assertAccountId(from);
    assertAccountId(to);
    if (from === to) throw new SameAccountTransferError(from);
    const options = commandOptions('TransferMoney', { amount, currency }, context);
    const transferId = `tr-${context.requestId ?? options.metadata.causationId}`;
    const { aggregates, events, attempts, replayed } = await this.#accounts.updateMany(
      [from, to],
      ([sender, receiver]) => {
        sender?.sendTransfer({ transferId, to, amount, currency });
        receiver?.receiveTransfer({ transferId, from, amount, currency });
      },
      options,
    );
    const details = { attempts, replayed };
    const [sent] = events[0] ?? [];
    return {
      // A replay answers with the transfer id of the original (it is in its events).
      transferId: sent?.type === 'TransferSent' ? sent.data.transferId : transferId,
      amount,
      currency,
      from: accountOutcome(aggregates[0] as BankAccount, details),
      to: accountOutcome(aggregates[1] as BankAccount, details),
      ...details,
    };
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
    const { metadata, idempotency } = commandOptions('CloseAccount', {}, context);
    const result = await this.#closer.handle(
      accountId,
      { type: 'CloseAccount', accountId },
      {
        metadata,
        ...(idempotency ? { idempotency: { key: idempotency.key } } : {}),
      },
    );
    return accountOutcome({ id: accountId, ...result }, result);
  }

  /** Loads an account from the store (version 0 and status `'new'` when it does not exist). */
  load(accountId: string): Promise<BankAccount> {
    assertAccountId(accountId);
    return this.#accounts.load(accountId);
  }

  async #move(
    name: string,
    command: MoveMoney,
    context: CommandContext,
    decide: (account: BankAccount) => void,
  ): Promise<AccountOutcome> {
    assertAccountId(command.accountId);
    const options = commandOptions(name, { amount: command.amount, currency: command.currency }, context);
    const { aggregate, attempts, replayed } = await this.#accounts.update(command.accountId, decide, options);
    return accountOutcome(aggregate, { attempts, replayed });
  }
}
