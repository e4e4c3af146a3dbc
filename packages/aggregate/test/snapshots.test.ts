import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AggregateRepository, type SnapshotErrorContext, type SnapshotOptions } from '@dynamo-es/aggregate';
import {
  EventStore,
  isCorruptSnapshotError,
  isUnsupportedValueError,
  SnapshotStore,
} from '@dynamo-es/event-store';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { type AccountState, BankAccount, deposited, opened } from './fixtures/bank-account.js';
import { meterReads } from './support/meter.js';
import { createTables } from './support/tables.js';

let tables: { events: string; snapshots: string };
let store: EventStore;
let snapshotStore: SnapshotStore;
let reported: { error: unknown; context: SnapshotErrorContext }[];

beforeAll(async () => {
  tables = await createTables();
  store = new EventStore({ client: testClient(), tableName: tables.events });
  snapshotStore = new SnapshotStore({ client: testClient(), tableName: tables.snapshots });
});

afterEach(() => {
  reported = [];
  vi.restoreAllMocks();
});
reported = [];

function repository(snapshots: Partial<SnapshotOptions<AccountState>> = {}) {
  return new AggregateRepository<BankAccount>({
    store,
    factory: (id) => new BankAccount(id),
    snapshots: {
      store: snapshotStore,
      every: 10,
      onError: (error, context) => reported.push({ error, context }),
      ...snapshots,
    },
  });
}

/** The id of the event at `version` of a stream, read with the store. */
async function eventIdAt(streamId: string, version: number): Promise<string> {
  for await (const event of store.read(streamId, { fromVersion: version, limit: 1 })) return event.eventId;
  throw new Error(`stream ${streamId} has no version ${version}`);
}

/** Opens an account and makes `deposits` deposits of 1, one `update` each. */
async function depositOneByOne(
  accounts: AggregateRepository<BankAccount>,
  deposits: number,
): Promise<string> {
  const id = uniqueId('account');
  await accounts.update(id, (account) => account.open('Ada'));
  for (let i = 0; i < deposits; i++) await accounts.update(id, (account) => account.deposit(1));
  return id;
}

describe('snapshots', () => {
  it('are taken every N events', async () => {
    const id = await depositOneByOne(repository(), 24);
    const snapshot = await snapshotStore.load(id, { consistentRead: true });
    expect(snapshot).toMatchObject({ streamId: id, version: 20, schemaVersion: 1 });
    expect(snapshot?.state).toEqual({ open: true, owner: 'Ada', balance: 19 });
    expect(reported).toEqual([]);
  });

  it('make a load cost at most 2 requests, reading only the events after the snapshot', async () => {
    const id = await depositOneByOne(repository(), 24);
    const client = createTestClient();
    const meter = meterReads(client);
    const metered = new AggregateRepository({
      store: new EventStore({ client, tableName: tables.events }),
      factory: (accountId) => new BankAccount(accountId),
      snapshots: { store: new SnapshotStore({ client, tableName: tables.snapshots }), every: 10 },
    });
    const account = await metered.loadExisting(id);
    expect(account.version).toBe(25);
    expect(account.state.balance).toBe(24);
    expect(meter.requests().map((request) => request.command)).toEqual(['GetItemCommand', 'QueryCommand']);
    // The snapshot, the event at its version (proof the stream has it) and the 5 events after it.
    expect(meter.itemsRead()).toBe(1 + 1 + 5);
    client.destroy();
  });

  it('are taken at the next save of a long stream that has none yet', async () => {
    const id = uniqueId('account');
    await store.append(id, [opened(), ...Array.from({ length: 29 }, () => deposited(1))], {
      expectedVersion: 0,
    });
    await repository().update(id, (account) => account.deposit(1));
    expect((await snapshotStore.load(id, { consistentRead: true }))?.version).toBe(31);
  });

  it('with another schema version are ignored: the stream is replayed from the start', async () => {
    const id = await depositOneByOne(repository(), 11);
    // A snapshot of the old shape whose state, if it were used, would give a wrong balance.
    await snapshotStore.save({
      streamId: id,
      version: 12,
      eventId: await eventIdAt(id, 12),
      schemaVersion: 1,
      state: { open: true, balance: 999 },
    });
    expect((await repository().load(id)).state.balance).toBe(999);
    const v2 = repository({ schemaVersion: 2 });
    expect((await v2.load(id)).state.balance).toBe(11);
    await v2.update(id, (account) => account.deposit(1));
    expect(await snapshotStore.load(id, { consistentRead: true })).toMatchObject({
      version: 13,
      schemaVersion: 2,
    });
    expect(reported).toEqual([]);
  });

  it('never fail a command when the snapshot store fails: the failure is reported', async () => {
    const client = createTestClient();
    client.middlewareStack.add(
      () => async () => {
        throw new Error('snapshots unavailable');
      },
      { step: 'initialize' },
    );
    const broken = repository({ store: new SnapshotStore({ client, tableName: tables.snapshots }) });
    const id = await depositOneByOne(broken, 11);
    expect((await broken.loadExisting(id)).state.balance).toBe(11);
    const operations = new Set(reported.map(({ context }) => context.operation));
    expect(operations).toEqual(new Set(['load', 'save']));
    expect(reported.find(({ context }) => context.operation === 'save')?.context.version).toBe(10);
    client.destroy();
  });

  it('warn once per kind of failure by default, without failing commands', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const missingTable = new SnapshotStore({ client: testClient(), tableName: uniqueId('no-such-table') });
    const accounts = repository({ store: missingTable, onError: undefined, every: 2 });
    const id = await depositOneByOne(accounts, 8);
    expect((await accounts.loadExisting(id)).state.balance).toBe(8);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/snapshot load failed .*ResourceNotFoundException/);
    expect(String(warn.mock.calls[1]?.[0])).toMatch(/snapshot save failed/);
  });

  it('never fail a command when the error hook itself throws', async () => {
    const accounts = repository({
      store: new SnapshotStore({ client: testClient(), tableName: uniqueId('no-such-table') }),
      onError: () => {
        throw new Error('hook failed');
      },
    });
    const id = await depositOneByOne(accounts, 10);
    expect((await accounts.loadExisting(id)).version).toBe(11);
  });

  describe('that cannot be trusted are ignored, reported once, and replaced by the next save', () => {
    /** A stream of 1 + `deposits` events, with `every: 100` so no snapshot is ever due by count. */
    async function longAccount(deposits: number): Promise<string> {
      const id = uniqueId('account');
      await store.append(id, [opened(), ...Array.from({ length: deposits }, () => deposited(1))], {
        expectedVersion: 'no-stream',
      });
      return id;
    }
    const bogus = { open: true, balance: 999 };

    it('a snapshot ahead of its stream, also once the stream reaches its version', async () => {
      const id = await longAccount(11);
      await snapshotStore.save({
        streamId: id,
        version: 13,
        eventId: ulid(),
        schemaVersion: 1,
        state: bogus,
      });
      const accounts = repository({ every: 100 });
      expect((await accounts.loadExisting(id)).state.balance).toBe(11);
      expect((await accounts.loadExisting(id)).state.balance).toBe(11);
      expect(reported).toHaveLength(1);
      expect(isCorruptSnapshotError(reported[0]?.error)).toBe(true);
      expect(reported[0]?.context).toEqual({ operation: 'load', streamId: id });
      // The stream reaches the snapshot's version without this repository: still never trusted.
      await store.append(id, [deposited(1)], { expectedVersion: 12 });
      expect((await accounts.loadExisting(id)).state.balance).toBe(12);
      // The next save through the repository replaces it, though no snapshot is due by count.
      await accounts.update(id, (account) => account.deposit(1));
      expect(await snapshotStore.load(id, { consistentRead: true })).toMatchObject({
        version: 14,
        eventId: await eventIdAt(id, 14),
        state: { balance: 13 },
      });
      expect((await accounts.loadExisting(id)).state.balance).toBe(13);
    });

    it('a snapshot of the right version but another history (another event id)', async () => {
      const id = await longAccount(11);
      await snapshotStore.save({
        streamId: id,
        version: 12,
        eventId: ulid(),
        schemaVersion: 1,
        state: bogus,
      });
      const accounts = repository({ every: 100 });
      expect((await accounts.loadExisting(id)).state.balance).toBe(11);
      expect(String((reported[0]?.error as Error | undefined)?.message)).toMatch(
        /version 12 of the stream is event/,
      );
    });

    it('a snapshot whose state is null', async () => {
      const id = await longAccount(11);
      await snapshotStore.save({
        streamId: id,
        version: 12,
        eventId: await eventIdAt(id, 12),
        schemaVersion: 1,
        state: null,
      });
      const accounts = repository({ every: 100 });
      const { aggregate } = await accounts.update(id, (account) => account.deposit(1));
      expect(aggregate.state.balance).toBe(12);
      expect(reported).toHaveLength(1);
      expect(await snapshotStore.load(id, { consistentRead: true })).toMatchObject({
        version: 13,
        state: { balance: 12 },
      });
    });

    it('a snapshot whose state fails to fold the events after it', async () => {
      const id = await longAccount(11);
      const accounts = repository({
        every: 100,
        fromSnapshot: (stored) => {
          const balance = (stored as { balance: number }).balance;
          // A restored state whose handlers throw: the fault is the snapshot's, not the stream's.
          return new Proxy({ open: true, balance } as AccountState, {
            get: (target, key) => {
              if (key === 'balance' && balance === 999) throw new TypeError('corrupt state');
              return Reflect.get(target, key);
            },
          });
        },
      });
      await snapshotStore.save({
        streamId: id,
        version: 11,
        eventId: await eventIdAt(id, 11),
        schemaVersion: 1,
        state: bogus,
      });
      expect((await accounts.loadExisting(id)).state.balance).toBe(11);
      expect(String((reported[0]?.error as Error | undefined)?.message)).toMatch(
        /folding the events after it failed/,
      );
    });

    it('an item that is not a snapshot at all', async () => {
      const id = await longAccount(2);
      await testClient().send(
        new PutItemCommand({
          TableName: tables.snapshots,
          Item: { s: { S: id }, v: { S: 'two' }, b: { S: '{' } },
        }),
      );
      const accounts = repository({ every: 100 });
      expect((await accounts.loadExisting(id)).state.balance).toBe(2);
      expect((await accounts.loadExisting(id)).state.balance).toBe(2);
      expect(reported).toHaveLength(1);
      expect(isCorruptSnapshotError(reported[0]?.error)).toBe(true);
      await accounts.update(id, (account) => account.deposit(1));
      expect(await snapshotStore.load(id, { consistentRead: true })).toMatchObject({
        version: 4,
        state: { balance: 3 },
      });
    });
  });

  it('report a state DynamoDB cannot store exactly, and the command still succeeds', async () => {
    const accounts = repository({ every: 1, toSnapshot: (state) => ({ ...state, at: new Date() }) });
    const { aggregate } = await accounts.update(uniqueId('account'), (account) => account.open('Ada'));
    expect(aggregate.version).toBe(1);
    expect(isUnsupportedValueError(reported[0]?.error)).toBe(true);
    expect(String((reported[0]?.error as Error | undefined)?.message)).toMatch(/state\.at/);
  });

  it('store and restore the state through toSnapshot and fromSnapshot', async () => {
    const accounts = repository({
      every: 2,
      toSnapshot: (state) => [state.owner ?? null, state.balance],
      fromSnapshot: (stored) => {
        const [owner, balance] = stored as [string, number];
        return { open: true, owner, balance };
      },
    });
    const id = await depositOneByOne(accounts, 3);
    expect((await snapshotStore.load(id, { consistentRead: true }))?.state).toEqual(['Ada', 3]);
    expect((await accounts.loadExisting(id)).state).toEqual({ open: true, owner: 'Ada', balance: 3 });
  });

  it('store a large state compressed and restore it exactly', async () => {
    const padding = Array.from({ length: 100 }, (_, i) => `entry ${i} of the account's long history`);
    const accounts = repository({
      every: 2,
      toSnapshot: (state) => ({ ...state, padding }),
      fromSnapshot: (stored) => {
        const { padding: kept, ...state } = stored as AccountState & { padding: string[] };
        expect(kept).toEqual(padding);
        return state;
      },
    });
    const id = await depositOneByOne(accounts, 3);
    const raw = await testClient().send(
      new GetItemCommand({ TableName: tables.snapshots, Key: { s: { S: id } }, ConsistentRead: true }),
    );
    expect(raw.Item?.z?.B).toBeInstanceOf(Uint8Array);
    expect((await accounts.loadExisting(id)).state).toEqual({ open: true, owner: 'Ada', balance: 3 });
    expect(reported).toEqual([]);
  });

  it('give the same aggregate as a full replay (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 9 }),
        async (batches, every) => {
          const withSnapshots = repository({ every });
          const account = await withSnapshots.load(uniqueId('account'));
          account.open('Ada');
          for (const [index, size] of batches.entries()) {
            for (let i = 0; i < size; i++) account.deposit(index + 1);
            await withSnapshots.save(account);
          }
          const plain = new AggregateRepository({ store, factory: (id) => new BankAccount(id) });
          const fromSnapshot = await withSnapshots.loadExisting(account.id);
          const replayed = await plain.loadExisting(account.id);
          expect(fromSnapshot.state).toEqual(replayed.state);
          expect(fromSnapshot.version).toBe(replayed.version);
        },
      ),
      { seed: propertySeed('snapshots give the same aggregate as a replay'), numRuns: 15 },
    );
  });
});
