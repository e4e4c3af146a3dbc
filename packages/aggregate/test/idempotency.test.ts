import {
  AggregateRepository,
  DeciderCommandHandler,
  IdempotencyKeyReusedError,
  isIdempotencyKeyReusedError,
} from '@dynamo-es/aggregate';
import { EventStore, isInvalidInputError, type Metrics } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { BankAccount, bankAccount, deposited, opened } from './fixtures/bank-account.js';
import { meterReads } from './support/meter.js';
import { createTables } from './support/tables.js';

const client = createTestClient();
const meter = meterReads(client);
let tables: Awaited<ReturnType<typeof createTables>>;
let store: EventStore;
let rival: EventStore;
let accounts: AggregateRepository<BankAccount>;
const replays: string[] = [];
const metrics: Metrics = { record: (name) => replays.push(name) };

beforeAll(async () => {
  tables = await createTables();
  const idempotency = { tableName: tables.keys };
  store = new EventStore({ client, tableName: tables.events, idempotency });
  rival = new EventStore({ client: testClient(), tableName: tables.events, idempotency });
  accounts = new AggregateRepository({
    store,
    factory: (id) => new BankAccount(id),
    retryDelay: () => 1,
    metrics,
  });
});

afterAll(() => client.destroy());

async function account(balance = 100): Promise<string> {
  const id = uniqueId('account');
  await rival.append(id, [opened(), deposited(balance)], { expectedVersion: 'no-stream' });
  return id;
}

const deposit = (key: string, amount: number) => ({
  idempotency: { key, command: 'Deposit', payload: { amount } },
});
const transferKey = (key: string, amount: number) => ({
  idempotency: { key, command: 'Transfer', payload: { amount } },
});
const transfer =
  (amount: number) =>
  ([from, to]: BankAccount[]) => {
    from?.withdraw(amount);
    to?.deposit(amount);
  };

describe('an idempotent command', () => {
  it('costs a GetItem, the load and one transaction of the events and the record', async () => {
    const id = await account();
    meter.reset();
    await accounts.update(id, (a) => a.deposit(5), deposit(uniqueId('req'), 5));
    expect(meter.requests().map((request) => request.command)).toEqual([
      'GetItemCommand',
      'QueryCommand',
      'TransactWriteItemsCommand',
    ]);
  });

  it('returns the original events when retried, deciding nothing and writing nothing', async () => {
    const id = await account();
    const key = uniqueId('req');
    const first = await accounts.update(id, (a) => a.deposit(5), deposit(key, 5));
    await rival.append(id, [deposited(1)], { expectedVersion: 3 });
    let decided = false;
    meter.reset();
    const again = await accounts.update(
      id,
      (a) => {
        decided = true;
        a.deposit(5);
      },
      deposit(key, 5),
    );
    expect(decided).toBe(false);
    expect(again).toMatchObject({ replayed: true, attempts: 0 });
    expect(again.events).toEqual(first.events);
    // The aggregate as it is now: the original deposit and the one after it.
    expect([again.aggregate.version, again.aggregate.state.balance]).toEqual([4, 106]);
    expect(meter.requests().every((request) => request.command !== 'TransactWriteItemsCommand')).toBe(true);
    expect(replays).toContain('IdempotentReplays');
  });

  it('refuses the same key on another aggregate, writing nothing', async () => {
    const [a, b] = [await account(), await account()];
    const key = uniqueId('req');
    await accounts.update(a, (x) => x.deposit(5), deposit(key, 5));
    const error = await accounts.update(b, (x) => x.deposit(5), deposit(key, 5)).catch((caught) => caught);
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toMatchObject({ reason: 'streams', streamIds: [b], recorded: { streamIds: [a] } });
    expect(await store.streamVersion(b)).toBe(2);
  });

  it('refuses the same key for a multi-aggregate command and then a single one across aggregates', async () => {
    const [a, b, c] = [await account(), await account(), await account()];
    const key = uniqueId('req');
    await accounts.updateMany([a, b], transfer(10), transferKey(key, 10));
    const onC = await accounts.update(c, (x) => x.deposit(5), deposit(key, 5)).catch((caught) => caught);
    expect(isIdempotencyKeyReusedError(onC) && onC.reason).toBe('command');
    const again = await accounts.updateMany([a, c], transfer(10), transferKey(key, 10)).catch((e) => e);
    expect(isIdempotencyKeyReusedError(again) && again.reason).toBe('streams');
    expect(await store.streamVersion(c)).toBe(2);
  });

  it('refuses the same key for another command or other arguments', async () => {
    const id = await account();
    const key = uniqueId('req');
    await accounts.update(id, (a) => a.deposit(5), deposit(key, 5));
    const other = await accounts
      .update(id, (a) => a.withdraw(5), { idempotency: { key, command: 'Withdraw', payload: { amount: 5 } } })
      .catch((caught) => caught);
    expect(isIdempotencyKeyReusedError(other) && other.reason).toBe('command');
    const more = await accounts.update(id, (a) => a.deposit(6), deposit(key, 6)).catch((caught) => caught);
    expect(isIdempotencyKeyReusedError(more) && more.reason).toBe('payload');
    expect(await store.streamVersion(id)).toBe(3);
  });

  it('compares payloads in canonical form: the order of keys does not matter', async () => {
    const id = await account();
    const key = uniqueId('req');
    const payload = (first: 'a' | 'b') =>
      first === 'a' ? { a: 1, b: { c: 2, d: 3 } } : { b: { d: 3, c: 2 }, a: 1 };
    await accounts.update(id, (x) => x.deposit(1), {
      idempotency: { key, command: 'C', payload: payload('a') },
    });
    const again = await accounts.update(id, (x) => x.deposit(1), {
      idempotency: { key, command: 'C', payload: payload('b') },
    });
    expect(again.replayed).toBe(true);
  });

  it('is applied once when retried after its answer was lost: a multi-aggregate command', async () => {
    const [a, b] = [await account(), await account()];
    const key = uniqueId('req');
    const faults = injectFaults(client, {
      seed: 9,
      rate: 1,
      kinds: ['lost-response'],
      commands: ['TransactWriteItemsCommand'],
      limit: 1,
      where: 'outside-sdk-retries',
    });
    await expect(accounts.updateMany([a, b], transfer(25), transferKey(key, 25))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    faults.remove();
    // Another process retries it: the same command, the same key.
    const other = new AggregateRepository({
      store: new EventStore({
        client: testClient(),
        tableName: tables.events,
        idempotency: { tableName: tables.keys },
      }),
      factory: (id) => new BankAccount(id),
    });
    const retried = await other.updateMany([a, b], transfer(25), transferKey(key, 25));
    expect(retried.replayed).toBe(true);
    expect(retried.events.map((events) => events.map((event) => [event.type, event.version]))).toEqual([
      [['MoneyWithdrawn', 3]],
      [['MoneyDeposited', 3]],
    ]);
    expect(retried.aggregates.map((x) => x.state.balance)).toEqual([75, 125]);
    expect([await store.streamVersion(a), await store.streamVersion(b)]).toEqual([3, 3]);
  });

  it('is applied once when sent twice at the same moment: the other gets the replay', async () => {
    const [a, b] = [await account(), await account()];
    const key = uniqueId('req');
    const results = await Promise.all(
      [store, rival].map((each) =>
        new AggregateRepository({ store: each, factory: (id) => new BankAccount(id) }).updateMany(
          [a, b],
          transfer(10),
          transferKey(key, 10),
        ),
      ),
    );
    expect(results.map((result) => result.replayed).sort()).toEqual([false, true]);
    expect([await store.streamVersion(a), await store.streamVersion(b)]).toEqual([3, 3]);
  });

  it('records a decision of no events, so a retry does not decide again against newer state', async () => {
    const id = await account(0);
    const key = uniqueId('req');
    const withdrawAll = (a: BankAccount) => {
      if (a.state.balance > 0) a.withdraw(a.state.balance);
    };
    const first = await accounts.update(id, withdrawAll, { idempotency: { key, command: 'WithdrawAll' } });
    expect(first.events).toEqual([]);
    await rival.append(id, [deposited(50)], { expectedVersion: 2 });
    const again = await accounts.update(id, withdrawAll, { idempotency: { key, command: 'WithdrawAll' } });
    expect(again).toMatchObject({ replayed: true, events: [] });
    expect((await accounts.load(id)).state.balance).toBe(50);
  });

  it('of a decider needs only a key: the command is its own payload', async () => {
    const handler = new DeciderCommandHandler({ store, decider: bankAccount });
    const id = await account();
    const key = uniqueId('req');
    await handler.handle(id, { type: 'Deposit', amount: 3 }, { idempotency: { key } });
    const again = await handler.handle(id, { type: 'Deposit', amount: 3 }, { idempotency: { key } });
    expect(again).toMatchObject({ replayed: true, version: 3, state: { balance: 103 } });
    const other = await handler
      .handle(id, { type: 'Deposit', amount: 4 }, { idempotency: { key } })
      .catch((caught: unknown) => caught);
    expect(isIdempotencyKeyReusedError(other) && other.reason).toBe('payload');
  });

  it.each([
    [
      'a class command without a name',
      () => accounts.update('a-1', (a) => a.deposit(1), { idempotency: { key: 'k' } as never }),
    ],
    [
      'a store without an idempotency table',
      () =>
        new AggregateRepository({
          store: new EventStore({ client, tableName: tables.events }),
          factory: (id) => new BankAccount(id),
        }).update('a-1', (a) => a.deposit(1), deposit('k', 1)),
    ],
    ['an empty key', () => accounts.update('a-1', (a) => a.deposit(1), deposit('', 1))],
    [
      'a payload that is not JSON',
      () =>
        accounts.update('a-1', (a) => a.deposit(1), {
          idempotency: { key: 'k', command: 'C', payload: new Map() },
        }),
    ],
  ])('rejects %s with a typed error before any request', async (_name, action) => {
    meter.reset();
    const error = await action().catch((caught: unknown) => caught);
    expect(
      isInvalidInputError(error) || (error as { code?: string }).code === 'DYNAMO_ES_UNSUPPORTED_VALUE',
    ).toBe(true);
    expect(meter.requests()).toEqual([]);
  });
});
