import { AggregateNotFoundError, AggregateRepository, isAggregateNotFoundError } from '@dynamo-es/aggregate';
import { ConcurrencyError, EventStore, isInvalidInputError } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  type AccountEvent,
  AccountNotOpenError,
  BankAccount,
  deposited,
  opened,
} from './fixtures/bank-account.js';
import { meterReads } from './support/meter.js';
import { createTables } from './support/tables.js';

let tableName: string;
let store: EventStore<AccountEvent>;
let accounts: AggregateRepository<BankAccount>;

beforeAll(async () => {
  tableName = (await createTables()).events;
  store = new EventStore<AccountEvent>({ client: testClient(), tableName });
  accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id) });
});

describe('AggregateRepository: load and save', () => {
  it('loads a new aggregate at version 0 when the stream does not exist', async () => {
    const account = await accounts.load(uniqueId('account'));
    expect(account.version).toBe(0);
    expect(account.state).toEqual({ open: false, balance: 0 });
  });

  it('fails loadExisting with a typed error naming the stream', async () => {
    const id = uniqueId('account');
    const error = await accounts.loadExisting(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateNotFoundError);
    expect(isAggregateNotFoundError(error) && error.streamId).toBe(id);
  });

  it('saves uncommitted events, marks them committed and loads them back', async () => {
    const account = new BankAccount(uniqueId('account'));
    account.open('Ada');
    account.deposit(10);
    const stored = await accounts.save(account);
    expect(stored.map((event) => [event.version, event.type])).toEqual([
      [1, 'AccountOpened'],
      [2, 'MoneyDeposited'],
    ]);
    expect(account.version).toBe(2);
    expect(account.uncommittedEvents).toEqual([]);
    const loaded = await accounts.loadExisting(account.id);
    expect(loaded.state).toEqual({ open: true, owner: 'Ada', balance: 10 });
    expect(loaded.version).toBe(2);
  });

  it('appends one event after a load with a single PutItem', async () => {
    const client = createTestClient();
    const meter = meterReads(client);
    const own = new AggregateRepository({
      store: new EventStore({ client, tableName }),
      factory: (id) => new BankAccount(id),
    });
    const id = uniqueId('account');
    await accounts.update(id, (account) => account.open('Ada'));
    const account = await own.load(id);
    meter.reset();
    account.deposit(5);
    await own.save(account);
    expect(meter.requests().map((request) => request.command)).toEqual(['PutItemCommand']);
    client.destroy();
  });

  it('merges save metadata into every event, an event keeping its own values', async () => {
    const account = new BankAccount(uniqueId('account'));
    account.open('Ada');
    const stored = await accounts.save(account, { metadata: { correlationId: 'request-1', tenant: 't-1' } });
    expect(stored[0]?.metadata).toEqual({ correlationId: 'request-1', tenant: 't-1' });
  });

  it('sends nothing when there is nothing to save', async () => {
    const account = await accounts.load(uniqueId('account'));
    expect(await accounts.save(account)).toEqual([]);
  });

  it('refuses to save a stale aggregate, writing nothing and keeping its changes', async () => {
    const id = uniqueId('account');
    await accounts.update(id, (account) => account.open('Ada'));
    const first = await accounts.load(id);
    const second = await accounts.load(id);
    first.deposit(1);
    await accounts.save(first);
    second.deposit(2);
    await expect(accounts.save(second)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(second.uncommittedEvents).toEqual([deposited(2)]);
    expect(await store.streamVersion(id)).toBe(2);
  });
});

describe('AggregateRepository: update', () => {
  it('creates the aggregate when its stream does not exist', async () => {
    const id = uniqueId('account');
    const { aggregate, events, attempts } = await accounts.update(id, (account) => {
      account.open('Ada');
      account.deposit(3);
    });
    expect(aggregate.state.balance).toBe(3);
    expect(events.map((event) => event.version)).toEqual([1, 2]);
    expect(attempts).toBe(1);
  });

  it('fails with AggregateNotFoundError when mustExist is set and the stream does not exist', async () => {
    const id = uniqueId('account');
    await expect(
      accounts.update(id, (account) => account.open('Ada'), { mustExist: true }),
    ).rejects.toBeInstanceOf(AggregateNotFoundError);
    expect(await store.streamVersion(id)).toBe(0);
  });

  it('passes a domain error through and writes nothing', async () => {
    const id = uniqueId('account');
    await expect(accounts.update(id, (account) => account.deposit(1))).rejects.toBeInstanceOf(
      AccountNotOpenError,
    );
    expect(await store.streamVersion(id)).toBe(0);
  });

  it('awaits async commands', async () => {
    const id = uniqueId('account');
    const { aggregate } = await accounts.update(id, async (account) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      account.open('Ada');
    });
    expect(aggregate.version).toBe(1);
  });
});

describe('AggregateRepository: bad input', () => {
  const bad: [string, () => Promise<unknown>][] = [
    ['a command that is not a function', () => accounts.update(uniqueId('a'), 'deposit' as never)],
    ['negative retries', () => accounts.update(uniqueId('a'), (a) => a.open('x'), { retries: -1 })],
    ['fractional retries', () => accounts.update(uniqueId('a'), (a) => a.open('x'), { retries: 1.5 })],
    [
      'metadata that is not an object',
      () => accounts.update(uniqueId('a'), (a) => a.open('x'), { metadata: 'm' as never }),
    ],
    ['an empty id', () => accounts.update('', (a) => a.open('x'))],
    ['an id with control characters', () => accounts.load('a\u0000b')],
    ['a save of something that is not an aggregate', () => accounts.save({} as never)],
  ];

  it.each(bad)('rejects %s with InvalidInputError', async (_name, action) => {
    const error = await action().catch((caught: unknown) => caught);
    expect(isInvalidInputError(error)).toBe(true);
  });

  it('writes nothing on bad input', async () => {
    const id = uniqueId('account');
    await accounts.update(id, (account) => account.open('x'), { retries: -1 }).catch(() => undefined);
    expect(await store.streamVersion(id)).toBe(0);
  });

  it('rejects malformed repository options', () => {
    const factory = (id: string) => new BankAccount(id);
    const cases: unknown[] = [
      undefined,
      { factory },
      { store, factory: 'BankAccount' },
      { store, factory, retries: -2 },
      { store, factory, snapshots: { store: {}, every: 10 } },
      { store, factory, snapshots: { store: { load() {}, save() {} }, every: 0 } },
      { store, factory, snapshots: { store: { load() {}, save() {} }, every: 5, schemaVersion: 0 } },
    ];
    cases.forEach((options, index) => {
      expect(() => new AggregateRepository(options as never), `case ${index}`).toThrow(/Invalid options/);
    });
  });

  it('rejects a factory that does not return a new aggregate with the requested id', async () => {
    const wrong = new AggregateRepository({ store, factory: () => new BankAccount('someone-else') });
    const error = await wrong.load(uniqueId('account')).catch((caught: unknown) => caught);
    expect(isInvalidInputError(error) && error.path).toBe('options.factory');
  });
});

it('keeps typed events in stored results', async () => {
  const { events } = await accounts.update(uniqueId('account'), (account) => account.open('Ada'));
  const first = events[0];
  if (first?.type === 'AccountOpened') expect(first.data.owner).toBe('Ada');
  expect(first).toMatchObject(opened('Ada'));
});
