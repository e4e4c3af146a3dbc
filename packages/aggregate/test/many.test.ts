import {
  AggregateRepository,
  DeciderCommandHandler,
  isRetriesExhaustedError,
  RetriesExhaustedError,
} from '@dynamo-es/aggregate';
import {
  EventStore,
  isInvalidInputError,
  isTransactionTooLargeError,
  SnapshotStore,
} from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  BankAccount,
  bankAccount,
  deposited,
  InsufficientFundsError,
  opened,
} from './fixtures/bank-account.js';
import { meterReads } from './support/meter.js';
import { createTables } from './support/tables.js';

const client = createTestClient();
const meter = meterReads(client);
let tables: Awaited<ReturnType<typeof createTables>>;
let store: EventStore;
let rival: EventStore;
let accounts: AggregateRepository<BankAccount>;

beforeAll(async () => {
  tables = await createTables();
  store = new EventStore({ client, tableName: tables.events });
  rival = new EventStore({ client: testClient(), tableName: tables.events });
  accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id), retryDelay: () => 1 });
});

afterAll(() => client.destroy());

/** An open account holding `balance`. */
async function account(balance = 100): Promise<string> {
  const id = uniqueId('account');
  await rival.append(id, [opened(), ...(balance > 0 ? [deposited(balance)] : [])], {
    expectedVersion: 'no-stream',
  });
  return id;
}

const transfer =
  (amount: number) =>
  ([from, to]: BankAccount[]) => {
    from?.withdraw(amount);
    to?.deposit(amount);
  };

const queriedStreams = () =>
  meter
    .requests()
    .filter((request) => request.command === 'QueryCommand')
    .map((request) => request.fromVersion);

describe('AggregateRepository.updateMany', () => {
  it('saves what a command raised on several aggregates in one transaction', async () => {
    const [a, b] = [await account(), await account()];
    meter.reset();
    const { aggregates, events, attempts, replayed } = await accounts.updateMany([a, b], transfer(30));
    expect(meter.requests().map((request) => request.command)).toEqual([
      'QueryCommand',
      'QueryCommand',
      'TransactWriteItemsCommand',
    ]);
    expect(aggregates.map((aggregate) => [aggregate.id, aggregate.version, aggregate.state.balance])).toEqual(
      [
        [a, 3, 70],
        [b, 3, 130],
      ],
    );
    expect(events.map((stored) => stored.map((event) => [event.type, event.version]))).toEqual([
      [['MoneyWithdrawn', 3]],
      [['MoneyDeposited', 3]],
    ]);
    expect({ attempts, replayed }).toEqual({ attempts: 1, replayed: false });
  });

  it('after a conflict reads only the tails of the streams that moved, and decides again', async () => {
    const [a, b, c] = [await account(), await account(), await account()];
    let calls = 0;
    meter.reset();
    const { attempts, aggregates } = await accounts.updateMany([a, b, c], async ([x, y, z]) => {
      if (++calls === 1) {
        await rival.append(b, [deposited(5)], { expectedVersion: 2 });
        await rival.append(c, [deposited(7)], { expectedVersion: 2 });
      }
      x?.withdraw(10);
      y?.deposit(5);
      z?.deposit(5);
    });
    expect(attempts).toBe(2);
    expect(aggregates.map((aggregate) => aggregate.state.balance)).toEqual([90, 110, 112]);
    // Three loads from version 1, then one catch-up each of b and c (from their loaded version 2).
    expect(queriedStreams()).toEqual([1, 1, 1, 2, 2]);
  });

  it('checks that an aggregate which raised nothing has not moved, since the decision read it', async () => {
    const [a, b] = [await account(50), await account(0)];
    let calls = 0;
    const { attempts, events } = await accounts.updateMany([a, b], async ([source, watched]) => {
      if (++calls === 1) await rival.append(b, [deposited(1)], { expectedVersion: 1 });
      // Decided on the watched account's state, without raising anything on it.
      source?.deposit((watched?.state.balance ?? 0) > 0 ? 2 : 1);
    });
    expect(attempts).toBe(2);
    expect(events.map((stored) => stored.map((event) => event.data))).toEqual([[{ amount: 2 }], []]);
  });

  it('writes nothing when the command refuses, on any of the aggregates', async () => {
    const [a, b] = [await account(10), await account()];
    await expect(accounts.updateMany([a, b], transfer(11))).rejects.toBeInstanceOf(InsufficientFundsError);
    expect([await store.streamVersion(a), await store.streamVersion(b)]).toEqual([2, 2]);
  });

  it('gives up after its retries with a typed error naming a stream that moved', async () => {
    const [a, b] = [await account(), await account()];
    let version = 2;
    const error = await accounts
      .updateMany(
        [a, b],
        async (pair) => {
          await rival.append(b, [deposited(1)], { expectedVersion: version++ });
          transfer(1)(pair);
        },
        { retries: 2 },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(isRetriesExhaustedError(error) && [error.streamId, error.attempts]).toEqual([b, 3]);
    expect(await store.streamVersion(a)).toBe(2);
  });

  it('refuses more than one transaction can hold before writing anything', async () => {
    const [a, b] = [await account(1_000), await account()];
    const error = await accounts
      .updateMany([a, b], ([from, to]) => {
        for (let i = 0; i < 60; i++) {
          from?.withdraw(1);
          to?.deposit(1);
        }
      })
      .catch((caught: unknown) => caught);
    expect(isTransactionTooLargeError(error)).toBe(true);
    expect([await store.streamVersion(a), await store.streamVersion(b)]).toEqual([2, 2]);
  });

  it('takes the snapshots that became due on any of the streams', async () => {
    const snapshots = new SnapshotStore({ client: testClient(), tableName: tables.snapshots });
    const withSnapshots = new AggregateRepository({
      store,
      factory: (id) => new BankAccount(id),
      snapshots: { store: snapshots, every: 3 },
    });
    const [a, b] = [await account(), await account()];
    await withSnapshots.updateMany([a, b], transfer(1));
    expect((await snapshots.load(a, { consistentRead: true }))?.version).toBe(3);
    expect((await snapshots.load(b, { consistentRead: true }))?.state).toMatchObject({ balance: 101 });
  });

  it.each([
    ['no ids', () => accounts.updateMany([], transfer(1))],
    ['an id twice', () => accounts.updateMany(['x-1', 'x-1'], transfer(1))],
    ['a bad id', () => accounts.updateMany(['x-1', ''], transfer(1))],
    ['a command that is not a function', () => accounts.updateMany(['x-1'], 'go' as never)],
  ])('rejects %s with InvalidInputError before reading anything', async (_name, action) => {
    meter.reset();
    const error = await action().catch((caught: unknown) => caught);
    expect(isInvalidInputError(error)).toBe(true);
    expect(meter.requests()).toEqual([]);
  });
});

describe('DeciderCommandHandler.handleMany', () => {
  it('decides each command on its own stream and stores them in one transaction', async () => {
    const handler = new DeciderCommandHandler({ store, decider: bankAccount });
    const [a, b] = [await account(), await account()];
    meter.reset();
    const { streams, attempts } = await handler.handleMany([
      { streamId: a, command: { type: 'Withdraw', amount: 40 } },
      { streamId: b, command: { type: 'Deposit', amount: 40 } },
    ]);
    expect(meter.count('TransactWriteItemsCommand')).toBe(1);
    expect(streams.map((stream) => [stream.streamId, stream.version, stream.state.balance])).toEqual([
      [a, 3, 60],
      [b, 3, 140],
    ]);
    expect(attempts).toBe(1);
  });

  it('writes none of them when one decision refuses', async () => {
    const handler = new DeciderCommandHandler({ store, decider: bankAccount });
    const [a, b] = [await account(10), await account()];
    await expect(
      handler.handleMany([
        { streamId: a, command: { type: 'Deposit', amount: 40 } },
        { streamId: b, command: { type: 'Withdraw', amount: 400 } },
      ]),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await store.streamVersion(a)).toBe(2);
  });
});

it('catchUp reads only the events after the aggregate, dropping what it had not saved', async () => {
  const id = await account(10);
  const loaded = await accounts.load(id);
  loaded.deposit(99);
  await rival.append(id, [deposited(1), deposited(2)], { expectedVersion: 2 });
  meter.reset();
  await accounts.catchUp(loaded);
  expect(queriedStreams()).toEqual([3]);
  expect([loaded.version, loaded.state.balance, loaded.uncommittedEvents.length]).toEqual([4, 13, 0]);
  loaded.deposit(1);
  await accounts.save(loaded);
  expect(await store.streamVersion(id)).toBe(5);
});
