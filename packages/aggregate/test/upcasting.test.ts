import { Aggregate, AggregateRepository } from '@dynamo-es/aggregate';
import { EventStore, SnapshotStore, type Upcasters } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { createTables } from './support/tables.js';

/** The current (v3) shape of a deposit. v1 was `{ amount }`, v2 added `currency`. */
type WalletEvent = {
  readonly type: 'MoneyDeposited';
  readonly data: {
    readonly money: { readonly value: number; readonly currency: string };
    readonly source: string;
  };
};
type Deposit = WalletEvent['data'];

class Wallet extends Aggregate<{ deposits: readonly Deposit[] }, WalletEvent> {
  protected readonly initialState = { deposits: [] as readonly Deposit[] };
  protected readonly handlers = this.defineHandlers({
    MoneyDeposited: (state, { data }) => ({ deposits: [...state.deposits, data] }),
  });

  deposit(value: number, currency: string): void {
    this.raise({ type: 'MoneyDeposited', data: { money: { value, currency }, source: 'app' } });
  }
}

const v1ToV2: Upcasters = { MoneyDeposited: { 1: (data) => ({ ...(data as object), currency: 'EUR' }) } };
const v1ToV3: Upcasters = {
  MoneyDeposited: {
    ...v1ToV2.MoneyDeposited,
    2: (data) => {
      const { amount, currency } = data as { amount: number; currency: string };
      return { money: { value: amount, currency }, source: 'unknown' };
    },
  },
};

let tables: { events: string; snapshots: string };
/** Code of three generations writing to the same table. */
let oldest: EventStore;
let older: EventStore;
let current: EventStore;

beforeAll(async () => {
  tables = await createTables();
  const tableName = tables.events;
  oldest = new EventStore({ client: testClient(), tableName });
  older = new EventStore({ client: testClient(), tableName, upcasters: v1ToV2 });
  current = new EventStore({ client: testClient(), tableName, upcasters: v1ToV3 });
});

const wallets = (snapshots?: { every: number }) =>
  new AggregateRepository({
    store: current,
    factory: (id) => new Wallet(id),
    ...(snapshots
      ? {
          snapshots: {
            store: new SnapshotStore({ client: testClient(), tableName: tables.snapshots }),
            ...snapshots,
          },
        }
      : {}),
  });

/** A wallet with one v1 deposit of 10 and one v2 deposit of 20 USD. */
async function seedOldEvents(): Promise<string> {
  const id = uniqueId('wallet');
  await oldest.append(id, [{ type: 'MoneyDeposited', data: { amount: 10 } }], { expectedVersion: 0 });
  await older.append(id, [{ type: 'MoneyDeposited', data: { amount: 20, currency: 'USD' } }], {
    expectedVersion: 1,
  });
  return id;
}

describe('upcasting through aggregate loading', () => {
  it('brings v1 and v2 events to v3 before the handlers see them', async () => {
    const id = await seedOldEvents();
    const wallet = await wallets().loadExisting(id);
    expect(wallet.state.deposits).toEqual([
      { money: { value: 10, currency: 'EUR' }, source: 'unknown' },
      { money: { value: 20, currency: 'USD' }, source: 'unknown' },
    ]);
  });

  it('stores new events with the current schema version and never rewrites old ones', async () => {
    const id = await seedOldEvents();
    const { events } = await wallets().update(id, (wallet) => wallet.deposit(5, 'EUR'));
    expect(events[0]?.schemaVersion).toBe(3);
    const raw = [];
    for await (const event of oldest.read(id, { toVersion: 1 })) raw.push([event.schemaVersion, event.data]);
    expect(raw[0]).toEqual([1, { amount: 10 }]);
  });

  it('upcasts the events read after a conflict', async () => {
    const id = await seedOldEvents();
    let calls = 0;
    const { aggregate } = await wallets().update(id, async (wallet) => {
      if (++calls === 1)
        await oldest.append(id, [{ type: 'MoneyDeposited', data: { amount: 7 } }], { expectedVersion: 2 });
      wallet.deposit(1, 'EUR');
    });
    expect(calls).toBe(2);
    expect(aggregate.state.deposits[2]).toEqual({ money: { value: 7, currency: 'EUR' }, source: 'unknown' });
  });

  it('upcasts the events read after a snapshot', async () => {
    const id = await seedOldEvents();
    await wallets({ every: 2 }).update(id, (wallet) => wallet.deposit(1, 'EUR'));
    await oldest.append(id, [{ type: 'MoneyDeposited', data: { amount: 8 } }], { expectedVersion: 3 });
    const wallet = await wallets({ every: 2 }).loadExisting(id);
    expect(wallet.version).toBe(4);
    expect(wallet.state.deposits.map((deposit) => deposit.money.value)).toEqual([10, 20, 1, 8]);
    expect(wallet.state.deposits[3]?.source).toBe('unknown');
  });
});
