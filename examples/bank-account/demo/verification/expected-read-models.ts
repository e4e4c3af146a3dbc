import type { StoredEvent } from '@dynamo-es/event-store';
import type { AccountEvent } from '../../src/domain/bank-account.js';
import { BankAccount } from '../../src/domain/bank-account.js';
import type { Movement } from '../../src/projections/account-statement.js';
import type { AccountSummary } from '../../src/projections/account-summary.js';
import type { BankTotals, CurrencyTotals } from '../../src/projections/bank-totals.js';

/** What the read models must hold, computed from the store without the projection code. */
export interface ExpectedReadModels {
  readonly summaries: Map<string, AccountSummary>;
  /** Every movement of each account, oldest first. */
  readonly statements: Map<string, Movement[]>;
  readonly totals: BankTotals;
  /** Events in the store. */
  readonly events: number;
}

/**
 * The expected read models of the bank, from the events of every account: the summary from the
 * `BankAccount` aggregate loaded from those events (the domain's own fold), the statement and the
 * totals by a plain walk over them, independent of the projections under test.
 */
export function expectedReadModels(
  streams: ReadonlyMap<string, readonly StoredEvent<AccountEvent>[]>,
): ExpectedReadModels {
  const summaries = new Map<string, AccountSummary>();
  const statements = new Map<string, Movement[]>();
  const currencies: Record<string, CurrencyTotals> = {};
  let open = 0;
  let closed = 0;
  let count = 0;
  for (const [accountId, events] of streams) {
    count += events.length;
    const account = new BankAccount(accountId);
    account.loadFromHistory(events);
    const { owner, currency, balance, held, status } = account.state;
    if (status === 'new') continue;
    summaries.set(accountId, {
      accountId,
      owner,
      currency,
      balance,
      held,
      status,
      openedAt: events[0]!.recordedAt,
      lastActivityAt: events.at(-1)!.recordedAt,
      version: account.version,
    });
    statements.set(accountId, movementsOf(events));
    if (status === 'open') open++;
    else closed++;
    const totals = currencies[currency] ?? {
      openAccounts: 0,
      deposited: 0,
      withdrawn: 0,
      transferred: 0,
      balance: 0,
    };
    currencies[currency] = {
      openAccounts: totals.openAccounts + (status === 'open' ? 1 : 0),
      deposited: totals.deposited + sum(events, 'MoneyDeposited'),
      withdrawn: totals.withdrawn + sum(events, 'MoneyWithdrawn'),
      transferred: totals.transferred + sum(events, 'TransferSent'),
      // From the aggregates' balances, not from the flows: the two must agree.
      balance: totals.balance + balance,
    };
  }
  return {
    summaries,
    statements,
    totals: { openAccounts: open, closedAccounts: closed, currencies },
    events: count,
  };
}

function sum(
  events: readonly StoredEvent<AccountEvent>[],
  type: 'MoneyDeposited' | 'MoneyWithdrawn' | 'TransferSent',
) {
  let total = 0;
  for (const event of events) if (event.type === type) total += event.data.amount;
  return total;
}

function movementsOf(events: readonly StoredEvent<AccountEvent>[]): Movement[] {
  const movements: Movement[] = [];
  let balance = 0;
  for (const event of events) {
    const line = movementLine(event);
    if (line === undefined) continue;
    balance += line.amount;
    movements.push({ version: event.version, at: event.recordedAt, ...line, balance });
  }
  return movements;
}

function movementLine(
  event: StoredEvent<AccountEvent>,
): Omit<Movement, 'version' | 'at' | 'balance'> | undefined {
  switch (event.type) {
    case 'MoneyDeposited':
      return { kind: 'deposit', amount: event.data.amount };
    case 'MoneyWithdrawn':
      return { kind: 'withdrawal', amount: -event.data.amount };
    case 'TransferSent':
      return {
        kind: 'transfer-out',
        amount: -event.data.amount,
        transferId: event.data.transferId,
        counterparty: event.data.to,
      };
    case 'TransferReceived':
      return {
        kind: 'transfer-in',
        amount: event.data.amount,
        transferId: event.data.transferId,
        counterparty: event.data.from,
      };
    default:
      return undefined;
  }
}
