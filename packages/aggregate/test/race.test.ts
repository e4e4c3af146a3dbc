import { AggregateRepository, DeciderCommandHandler } from '@dynamo-es/aggregate';
import {
  type AppendOptions,
  type AppendResult,
  type EventShape,
  EventStore,
  type Metrics,
  type NewEventOf,
} from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { type AccountEvent, BankAccount, bankAccount } from './fixtures/bank-account.js';
import { createTables } from './support/tables.js';

const WRITERS = 20;
const BALANCE = (WRITERS * (WRITERS + 1)) / 2;
let tableName: string;

beforeAll(async () => {
  tableName = (await createTables()).events;
});

/** Resolves the first `count` calls together, once all of them have been made; later calls at once. */
function lockstep(count: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => {};
  const everyone = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    if (++arrived === count) release();
    return arrived <= count ? everyone : Promise.resolve();
  };
}

/**
 * A store whose appends first wait at `gate`: with a lockstep gate, every writer has read the
 * stream at the same version before any of them writes, so all first attempts but one conflict.
 */
class GatedStore extends EventStore {
  readonly #gate: () => Promise<void>;
  constructor(gate: () => Promise<void>) {
    super({ client: testClient(), tableName });
    this.#gate = gate;
  }
  override async append<T extends EventShape>(
    streamId: string,
    events: readonly NewEventOf<T>[],
    options: AppendOptions,
  ): Promise<AppendResult<T>> {
    await this.#gate();
    return super.append(streamId, events, options);
  }
}

/** A metrics sink that adds up the `CommandRetries` it is told about. */
function retryCounter(): Metrics & { retries: number } {
  return {
    retries: 0,
    record(name, value) {
      if (name === 'CommandRetries') this.retries += value;
    },
  };
}

const plainStore = () => new EventStore({ client: testClient(), tableName });
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const oneTo = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

/** The stream holds versions 1..WRITERS+1: the opening, then exactly one deposit per command. */
async function expectOneEventPerCommand(id: string): Promise<void> {
  const { events, version } = await plainStore().readStream<AccountEvent>(id);
  expect(version).toBe(WRITERS + 1);
  expect(events.map((event) => event.version)).toEqual(oneTo(WRITERS + 1));
  expect(events[0]?.type).toBe('AccountOpened');
  const amounts = events.slice(1).map((event) => (event.type === 'MoneyDeposited' ? event.data.amount : 0));
  expect(amounts.sort((a, b) => a - b)).toEqual(oneTo(WRITERS));
}

describe(`${WRITERS} concurrent deposits into one account, all read at the same version`, () => {
  it('all succeed after real conflicts, each retry reported, one event each (aggregates, one store per writer)', async () => {
    const id = uniqueId('account');
    const metrics = retryCounter();
    const repository = (store: EventStore) =>
      new AggregateRepository({ store, metrics, factory: (accountId) => new BankAccount(accountId) });
    await repository(plainStore()).update(id, (account) => account.open('Ada'));
    const gate = lockstep(WRITERS);
    const results = await Promise.all(
      oneTo(WRITERS).map((amount) =>
        repository(new GatedStore(gate)).update(id, (account) => account.deposit(amount)),
      ),
    );
    const attempts = sum(results.map((result) => result.attempts));
    // Only one of the first attempts, all made at version 1, can win.
    expect(attempts).toBeGreaterThanOrEqual(2 * WRITERS - 1);
    expect(metrics.retries).toBe(attempts - WRITERS);
    const account = await repository(plainStore()).loadExisting(id);
    expect(account.state.balance).toBe(BALANCE);
    expect(account.version).toBe(WRITERS + 1);
    await expectOneEventPerCommand(id);
  });

  it('all succeed after real conflicts, each retry reported, one event each (decider, one shared handler)', async () => {
    const id = uniqueId('account');
    const metrics = retryCounter();
    const handler = (store: EventStore) =>
      new DeciderCommandHandler({ store, decider: bankAccount, metrics });
    await handler(plainStore()).handle(id, { type: 'OpenAccount', owner: 'Ada' });
    const shared = handler(new GatedStore(lockstep(WRITERS)));
    const results = await Promise.all(
      oneTo(WRITERS).map((amount) => shared.handle(id, { type: 'Deposit', amount })),
    );
    const attempts = sum(results.map((result) => result.attempts));
    expect(attempts).toBeGreaterThanOrEqual(2 * WRITERS - 1);
    expect(metrics.retries).toBe(attempts - WRITERS);
    const byVersion = results.toSorted((a, b) => a.version - b.version);
    expect(byVersion.map((result) => result.version)).toEqual(oneTo(WRITERS).map((n) => n + 1));
    expect(byVersion.at(-1)?.state.balance).toBe(BALANCE);
    await expectOneEventPerCommand(id);
  });
});
