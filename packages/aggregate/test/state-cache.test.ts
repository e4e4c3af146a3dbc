import { Aggregate, AggregateRepository, DeciderCommandHandler, StateCache } from '@dynamo-es/aggregate';
import { EventStore, isConcurrencyError, isInvalidInputError } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { BankAccount, bankAccount, deposited, opened } from './fixtures/bank-account.js';
import { meterReads } from './support/meter.js';
import { createTables } from './support/tables.js';

const client = createTestClient();
const meter = meterReads(client);
let tables: Awaited<ReturnType<typeof createTables>>;
let rival: EventStore;

beforeAll(async () => {
  tables = await createTables();
  rival = new EventStore({ client: testClient(), tableName: tables.events });
});

afterAll(() => client.destroy());

/** One process: a client of its own, an event store and a repository with a state cache. */
function process(options: { optimistic?: boolean; client?: typeof client } = {}) {
  const cache = new StateCache({ maxEntries: 100, optimistic: options.optimistic ?? false });
  const store = new EventStore({ client: options.client ?? client, tableName: tables.events });
  const accounts = new AggregateRepository({
    store,
    factory: (id) => new BankAccount(id),
    stateCache: cache,
    retryDelay: () => 1,
  });
  return { cache, store, accounts };
}

async function account(): Promise<string> {
  const id = uniqueId('account');
  await rival.append(id, [opened(), deposited(100)], { expectedVersion: 'no-stream' });
  return id;
}

const commands = () => meter.requests().map((request) => request.command);

describe('a state cache', () => {
  it('makes a command on a hot aggregate read only the events after the cached version', async () => {
    const { accounts } = process();
    const id = await account();
    await accounts.update(id, (a) => a.deposit(1));
    meter.reset();
    const { aggregate } = await accounts.update(id, (a) => a.deposit(1));
    expect(commands()).toEqual(['QueryCommand', 'PutItemCommand']);
    // The query starts at the cached version: its event proves the state is of this stream.
    expect(meter.requests()[0]).toMatchObject({ fromVersion: 3, items: 1 });
    expect(aggregate.state.balance).toBe(102);
  });

  it('in optimistic mode makes a command on a hot aggregate one request: the PutItem', async () => {
    const { accounts } = process({ optimistic: true });
    const id = await account();
    await accounts.update(id, (a) => a.deposit(1));
    meter.reset();
    await accounts.update(id, (a) => a.deposit(1));
    await accounts.update(id, (a) => a.deposit(1));
    expect(commands()).toEqual(['PutItemCommand', 'PutItemCommand']);
    expect((await accounts.load(id)).state.balance).toBe(103);
  });

  it('in optimistic mode pays a conflict, a catch-up and a retry when another process moved the stream', async () => {
    const { accounts } = process({ optimistic: true });
    const id = await account();
    await accounts.update(id, (a) => a.deposit(1));
    await rival.append(id, [deposited(10)], { expectedVersion: 3 });
    meter.reset();
    const { aggregate, attempts } = await accounts.update(id, (a) => a.deposit(1));
    expect(commands()).toEqual(['PutItemCommand', 'QueryCommand', 'PutItemCommand']);
    expect([attempts, aggregate.version, aggregate.state.balance]).toEqual([2, 5, 112]);
  });

  it('picks up what another process wrote when not optimistic, with no conflict', async () => {
    const { accounts } = process();
    const id = await account();
    await accounts.update(id, (a) => a.deposit(1));
    await rival.append(id, [deposited(10)], { expectedVersion: 3 });
    const { attempts, aggregate } = await accounts.update(id, (a) => a.deposit(1));
    expect([attempts, aggregate.state.balance]).toEqual([1, 112]);
  });

  it('hands out frozen states, never one a caller could change for the others', async () => {
    const { accounts } = process({ optimistic: true });
    const id = await account();
    const { aggregate } = await accounts.update(id, (a) => a.deposit(1));
    expect(Object.isFrozen(aggregate.state)).toBe(true);
    expect(() => {
      (aggregate.state as { balance: number }).balance = 1_000_000;
    }).toThrow(TypeError);
    expect((await accounts.load(id)).state.balance).toBe(101);
  });

  it('never outlives a failed save', async () => {
    const { accounts, cache } = process({ optimistic: true });
    const id = await account();
    const loaded = await accounts.load(id);
    expect(cache.size).toBe(1);
    await rival.append(id, [deposited(1)], { expectedVersion: 2 });
    loaded.deposit(5);
    await expect(accounts.save(loaded)).rejects.toSatisfy(isConcurrencyError);
    expect(cache.size).toBe(0);
  });

  it('is bounded by entries and by bytes, dropping the least recently used', async () => {
    const cache = new StateCache({ maxEntries: 2 });
    const accounts = new AggregateRepository({
      store: rival,
      factory: (id) => new BankAccount(id),
      stateCache: cache,
    });
    const ids = [await account(), await account(), await account()];
    for (const id of ids) await accounts.load(id);
    expect(cache.size).toBe(2);
    const small = new StateCache({ maxBytes: 60 });
    const tiny = new AggregateRepository({
      store: rival,
      factory: (id) => new BankAccount(id),
      stateCache: small,
    });
    await tiny.load(ids[0] as string);
    expect([small.size, small.bytes]).toEqual([1, expect.any(Number)]);
    await tiny.load(ids[1] as string);
    expect(small.size).toBe(1);
  });

  it('does not cache states that are not plain data', async () => {
    class Dated extends Aggregate<{ at: Date | null }, { type: 'Touched'; data: null }> {
      protected readonly initialState = { at: null as Date | null };
      protected readonly handlers = this.defineHandlers({ Touched: () => ({ at: new Date(0) }) });
    }
    const cache = new StateCache();
    const dated = new AggregateRepository({
      store: rival,
      factory: (id) => new Dated(id),
      stateCache: cache,
    });
    const id = uniqueId('dated');
    await rival.append(id, [{ type: 'Touched', data: null }], { expectedVersion: 0 });
    await dated.load(id);
    expect(cache.size).toBe(0);
  });

  it('serves deciders too', async () => {
    const cache = new StateCache({ optimistic: true });
    const handler = new DeciderCommandHandler({
      store: new EventStore({ client, tableName: tables.events }),
      decider: bankAccount,
      stateCache: cache,
    });
    const id = await account();
    await handler.handle(id, { type: 'Deposit', amount: 1 });
    meter.reset();
    const { state } = await handler.handle(id, { type: 'Deposit', amount: 1 });
    expect(commands()).toEqual(['PutItemCommand']);
    expect(state.balance).toBe(102);
  });

  it('rejects bad options', () => {
    for (const options of [{ maxEntries: 0 }, { maxBytes: -1 }, { optimistic: 'yes' }]) {
      let error: unknown;
      try {
        new StateCache(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(isInvalidInputError(error)).toBe(true);
    }
  });
});

describe('two processes with caches writing the same stream', () => {
  it.each([false, true])(
    'never lose a write and converge to the fold of the store (optimistic: %s)',
    async (optimistic) => {
      const clients = [createTestClient(), createTestClient()];
      const processes = clients.map((each) => process({ optimistic, client: each }));
      const id = await account();
      const amounts = processes.map((_, index) => Array.from({ length: 15 }, (__, n) => index * 100 + n + 1));
      await Promise.all(
        processes.map(async ({ accounts }, index) => {
          for (const amount of amounts[index] as number[]) {
            await accounts.update(id, (a) => a.deposit(amount), { retries: 50 });
          }
        }),
      );
      const expected = 100 + amounts.flat().reduce((sum, amount) => sum + amount, 0);
      const truth = await new AggregateRepository({ store: rival, factory: (x) => new BankAccount(x) }).load(
        id,
      );
      expect([truth.version, truth.state.balance]).toEqual([2 + 30, expected]);
      for (const { accounts } of processes) {
        const seen = await accounts.update(id, () => {});
        expect([seen.aggregate.version, seen.aggregate.state.balance]).toEqual([truth.version, expected]);
      }
      for (const each of clients) each.destroy();
    },
  );
});
