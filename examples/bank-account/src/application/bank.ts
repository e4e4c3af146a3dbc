import {
  AggregateRepository,
  DeciderCommandHandler,
  type SnapshotOptions,
  type StateCache,
} from '@dynamo-es/aggregate';
import type { EventStore } from '@dynamo-es/event-store';
import {
  type AccountEvent,
  type AccountState,
  BankAccount,
  type HoldReleaseReason,
} from '../domain/bank-account.js';
import { type CloseAccount, closeAccountDecider } from '../domain/close-account.js';
import { SameAccountTransferError, TransferRequestNotFoundError } from '../domain/errors.js';
import type { Currency, MinorUnits } from '../domain/money.js';
import {
  type TransferOutcomeName,
  TransferRequest,
  transferRequestStream,
} from '../domain/transfer-request.js';
import { assertAccountId, assertTransferId, newAccountId } from './account-id.js';
import type { MoveMoney, OpenAccount, TransferMoney } from './commands.js';
import {
  type AccountOutcome,
  accountOutcome,
  type PendingTransferOutcome,
  type TransferDecisionOutcome,
  type TransferOutcome,
  type TransferRequestView,
} from './outcome.js';
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
  /**
   * Transfers above this amount (minor units) wait for a person's approval: they go through the
   * large-transfer saga (`src/sagas`). Default: none do.
   */
  readonly approvalLimit?: MinorUnits;
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
  readonly #requests: AggregateRepository<TransferRequest>;
  readonly #approvalLimit: MinorUnits;

  constructor(options: BankOptions) {
    this.#accounts = new AggregateRepository({ ...options, factory: (id) => new BankAccount(id) });
    const { snapshots: _s, stateCache: _c, ...plain } = options;
    this.#requests = new AggregateRepository({ ...plain, factory: (id) => new TransferRequest(id) });
    this.#approvalLimit = options.approvalLimit ?? Number.MAX_SAFE_INTEGER;
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
  async transfer(
    command: TransferMoney,
    context: CommandContext = {},
  ): Promise<TransferOutcome | PendingTransferOutcome> {
    const { from, to, amount, currency } = command;
    assertAccountId(from);
    assertAccountId(to);
    if (from === to) throw new SameAccountTransferError(from);
    if (typeof amount === 'number' && amount > this.#approvalLimit)
      return this.#requestLarge(command, context);
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
      status: 'completed',
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

  /** Approves a large transfer waiting for approval: the saga sends the held money. */
  approveTransfer(transferId: string, context: CommandContext = {}): Promise<TransferDecisionOutcome> {
    return this.#decide(transferId, 'ApproveTransfer', context, (request) => request.approve(transferId));
  }

  /** Rejects a large transfer waiting for approval: the saga gives the held money back. */
  rejectTransfer(transferId: string, context: CommandContext = {}): Promise<TransferDecisionOutcome> {
    return this.#decide(transferId, 'RejectTransfer', context, (request) => request.reject(transferId));
  }

  /** A large transfer's request: pending, decided, or settled with its outcome. */
  async transferRequest(transferId: string): Promise<TransferRequestView> {
    assertTransferId(transferId);
    const request = await this.#requests.load(transferRequestStream(transferId));
    if (request.state.status === 'new') throw new TransferRequestNotFoundError(transferId);
    return requestView(transferId, request);
  }

  // The saga's steps. Each runs with the saga's idempotency key as its request id, so that a step
  // sent again (a redelivery, a crash before its result was recorded) is applied once.

  /** Holds a large transfer's amount on the source account. */
  async holdFunds(
    hold: { transferId: string; from: string; to: string; amount: MinorUnits; currency: Currency },
    context: CommandContext,
  ): Promise<AccountOutcome> {
    const options = commandOptions('HoldFunds', hold, context);
    const { aggregate, attempts, replayed } = await this.#accounts.update(
      hold.from,
      (account) => account.holdFunds(hold),
      options,
    );
    return accountOutcome(aggregate, { attempts, replayed });
  }

  /** Gives a large transfer's held amount back. */
  async releaseHold(
    release: { transferId: string; from: string; reason: HoldReleaseReason },
    context: CommandContext,
  ): Promise<AccountOutcome> {
    const options = commandOptions('ReleaseHold', release, context);
    const { aggregate, attempts, replayed } = await this.#accounts.update(
      release.from,
      (account) => account.releaseHold(release.transferId, release.reason),
      options,
    );
    return accountOutcome(aggregate, { attempts, replayed });
  }

  /** Sends an approved large transfer: the held money leaves the source, the target gets it, atomically. */
  async sendHeldTransfer(
    transfer: { transferId: string; from: string; to: string; currency: Currency },
    context: CommandContext,
  ): Promise<TransferOutcome> {
    const { transferId, from, to, currency } = transfer;
    const options = commandOptions('SendHeldTransfer', transfer, context);
    let amount = 0;
    const { aggregates, events, attempts, replayed } = await this.#accounts.updateMany(
      [from, to],
      ([sender, receiver]) => {
        amount = sender?.heldFor(transferId) ?? 0;
        sender?.sendHeldTransfer({ transferId, to });
        receiver?.receiveTransfer({ transferId, from, amount, currency });
      },
      options,
    );
    const details = { attempts, replayed };
    const [sent] = events[0] ?? [];
    return {
      transferId,
      status: 'completed',
      // A replay does not decide again: the amount is in the original's events.
      amount: sent?.type === 'TransferSent' ? sent.data.amount : amount,
      currency,
      from: accountOutcome(aggregates[0] as BankAccount, details),
      to: accountOutcome(aggregates[1] as BankAccount, details),
      ...details,
    };
  }

  /** Records how a large transfer ended on its request. */
  async settleTransfer(
    settlement: { transferId: string; outcome: TransferOutcomeName },
    context: CommandContext,
  ): Promise<TransferRequestView> {
    const options = commandOptions('SettleTransfer', settlement, context);
    const { aggregate } = await this.#requests.update(
      transferRequestStream(settlement.transferId),
      (request) => request.settle(settlement.transferId, settlement.outcome),
      options,
    );
    return requestView(settlement.transferId, aggregate);
  }

  /** Loads an account from the store (version 0 and status `'new'` when it does not exist). */
  load(accountId: string): Promise<BankAccount> {
    assertAccountId(accountId);
    return this.#accounts.load(accountId);
  }

  /** Writes a large transfer's request; the saga takes it from there. */
  async #requestLarge(command: TransferMoney, context: CommandContext): Promise<PendingTransferOutcome> {
    const { from, to, amount, currency } = command;
    const options = commandOptions('TransferMoney', { amount, currency }, context);
    const transferId = `tr-${context.requestId ?? options.metadata.causationId}`;
    const { aggregate, attempts, replayed } = await this.#requests.update(
      transferRequestStream(transferId),
      (request) => request.request({ transferId, from, to, amount, currency }),
      options,
    );
    const { state } = aggregate;
    return {
      transferId: replayed ? aggregate.id.slice('transfer.'.length) : transferId,
      status: 'pending-approval',
      from: state.from,
      to: state.to,
      amount: state.amount,
      currency: state.currency,
      attempts,
      replayed,
    };
  }

  async #decide(
    transferId: string,
    name: string,
    context: CommandContext,
    decide: (request: TransferRequest) => void,
  ): Promise<TransferDecisionOutcome> {
    assertTransferId(transferId);
    const { aggregate, attempts, replayed } = await this.#requests.update(
      transferRequestStream(transferId),
      decide,
      commandOptions(name, { transferId }, context),
    );
    return { ...requestView(transferId, aggregate), attempts, replayed };
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

function requestView(transferId: string, request: TransferRequest): TransferRequestView {
  const { status, from, to, amount, currency, outcome } = request.state;
  return {
    transferId,
    status: status === 'new' ? 'pending' : status,
    ...(outcome === undefined ? {} : { outcome }),
    from,
    to,
    amount,
    currency,
    version: request.version,
  };
}
