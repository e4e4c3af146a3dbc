import type { StoredEvent } from '@dynamo-es/event-store';
import { projectInMemory } from '@dynamo-es/projections';
import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '../src/domain/bank-account.js';
import {
  accountStatementProjection,
  STATEMENT_PAGE_SIZE,
  statementKeys,
} from '../src/projections/account-statement.js';
import { accountSummaryProjection } from '../src/projections/account-summary.js';
import { BANK_TOTALS_KEY, bankTotalsProjection } from '../src/projections/bank-totals.js';

const versions = new Map<string, number>();
function event(streamId: string, e: AccountEvent): StoredEvent<AccountEvent> {
  const version = (versions.get(streamId) ?? 0) + 1;
  versions.set(streamId, version);
  return {
    ...e,
    streamId,
    version,
    eventId: `${streamId}:${version}`,
    metadata: {},
    recordedAt: `2026-01-01T00:00:${String(version % 60).padStart(2, '0')}.000Z`,
    schemaVersion: 1,
  } as StoredEvent<AccountEvent>;
}
const opened = (id: string, currency = 'EUR') =>
  event(id, { type: 'AccountOpened', data: { owner: id, currency } });
const deposited = (id: string, amount: number) => event(id, { type: 'MoneyDeposited', data: { amount } });

describe('read models (in memory, the same handlers as in DynamoDB)', () => {
  it('keeps a summary per account', async () => {
    const events = [
      opened('s1'),
      deposited('s1', 500),
      event('s1', { type: 'MoneyWithdrawn', data: { amount: 500 } }),
      event('s1', { type: 'AccountClosed', data: {} }),
    ];
    const docs = await projectInMemory(accountSummaryProjection, events);
    expect(docs.get('s1')).toMatchObject({
      balance: 0,
      status: 'closed',
      version: 4,
      lastActivityAt: events[3]!.recordedAt,
    });
  });

  it('pages the statement: a full page moves to its number, the latest stays under the account id', async () => {
    const events = [
      opened('p1'),
      ...Array.from({ length: STATEMENT_PAGE_SIZE + 3 }, (_, i) => deposited('p1', i + 1)),
    ];
    const docs = await projectInMemory(accountStatementProjection, events);
    const page1 = docs.get(statementKeys.page('p1', 1))!;
    const latest = docs.get(statementKeys.latest('p1'))!;
    expect(page1.movements).toHaveLength(STATEMENT_PAGE_SIZE);
    expect(latest).toMatchObject({
      page: 2,
      balance: ((STATEMENT_PAGE_SIZE + 3) * (STATEMENT_PAGE_SIZE + 4)) / 2,
    });
    expect(latest.movements.map((m) => m.amount)).toEqual([26, 27, 28]);
    expect(page1.movements[1]).toMatchObject({ kind: 'deposit', amount: 2, balance: 3, version: 3 });
  });

  it('shows both halves of a transfer with the counterparty', async () => {
    const events = [
      opened('t1'),
      deposited('t1', 100),
      event('t1', { type: 'TransferSent', data: { transferId: 'x', to: 't2', amount: 40 } }),
    ];
    const docs = await projectInMemory(accountStatementProjection, events);
    expect(docs.get('t1')!.movements.at(-1)).toEqual({
      version: 3,
      at: events[2]!.recordedAt,
      kind: 'transfer-out',
      amount: -40,
      balance: 60,
      transferId: 'x',
      counterparty: 't2',
    });
  });

  it('adds up the bank per currency from many streams', async () => {
    const events = [
      opened('b1'),
      opened('b2'),
      opened('b3', 'USD'),
      deposited('b1', 100),
      deposited('b2', 50),
      deposited('b3', 7),
      event('b1', { type: 'TransferSent', data: { transferId: 'y', to: 'b2', amount: 30 } }),
      event('b2', { type: 'TransferReceived', data: { transferId: 'y', from: 'b1', amount: 30 } }),
      event('b2', { type: 'MoneyWithdrawn', data: { amount: 80 } }),
      event('b2', { type: 'AccountClosed', data: {} }),
    ];
    const docs = await projectInMemory(bankTotalsProjection, events);
    expect(docs.get(BANK_TOTALS_KEY)).toEqual({
      openAccounts: 2,
      closedAccounts: 1,
      currencies: {
        EUR: { openAccounts: 1, deposited: 150, withdrawn: 80, transferred: 30, balance: 70 },
        USD: { openAccounts: 1, deposited: 7, withdrawn: 0, transferred: 0, balance: 7 },
      },
    });
  });
});
