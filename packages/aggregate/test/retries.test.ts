import { AggregateRepository, isRetriesExhaustedError, RetriesExhaustedError } from '@dynamo-es/aggregate';
import { EventStore, isConcurrencyError } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  BankAccount,
  deposited,
  InsufficientFundsError,
  opened,
  withdrawn,
} from './fixtures/bank-account.js';
import { meterReads } from './support/meter.js';
import { createTables } from './support/tables.js';

const client = createTestClient();
const meter = meterReads(client);
let store: EventStore;
/** Another process writing to the same streams, through its own client and store. */
let rival: EventStore;
let accounts: AggregateRepository<BankAccount>;

beforeAll(async () => {
  const { events } = await createTables();
  store = new EventStore({ client, tableName: events });
  rival = new EventStore({ client: testClient(), tableName: events });
  accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id), retryDelay: () => 1 });
});

afterAll(() => client.destroy());

/** A stream with an open account and `deposits` deposits of 1. */
async function seed(deposits: number): Promise<string> {
  const id = uniqueId('account');
  const events = [opened(), ...Array.from({ length: deposits }, () => deposited(1))];
  await rival.append(id, events, { expectedVersion: 'no-stream' });
  return id;
}

describe('AggregateRepository.update after a conflict', () => {
  it('reads only the events after the version it has, then succeeds', async () => {
    const id = await seed(49);
    let calls = 0;
    meter.reset();
    const { aggregate, attempts } = await accounts.update(id, async (account) => {
      calls++;
      if (calls === 1) await rival.append(id, [deposited(100)], { expectedVersion: 50 });
      account.deposit(5);
    });
    expect(attempts).toBe(2);
    expect(aggregate.version).toBe(52);
    expect(aggregate.state.balance).toBe(49 + 100 + 5);
    const queries = meter.requests().filter((request) => request.command === 'QueryCommand');
    // One full read (the load); every read after the conflict starts at the loaded version (the
    // event there proves the state is of this stream) or past it.
    expect(queries.filter((query) => query.fromVersion === 1)).toHaveLength(1);
    const later = queries.filter((query) => query.fromVersion !== 1);
    expect(later.every((query) => query.fromVersion === undefined || query.fromVersion >= 50)).toBe(true);
    expect(meter.itemsRead()).toBeLessThanOrEqual(50 + 3);
  });

  it('runs the command again on the caught-up state, which may now refuse it', async () => {
    const id = await seed(10);
    let calls = 0;
    const update = accounts.update(id, async (account) => {
      calls++;
      if (calls === 1) await rival.append(id, [withdrawn(8)], { expectedVersion: 11 });
      account.withdraw(5);
    });
    await expect(update).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(calls).toBe(2);
    expect(await store.streamVersion(id)).toBe(12);
  });

  it('gives up after its retries with a typed error, writing none of its events', async () => {
    const id = await seed(0);
    let version = 1;
    const error = await accounts
      .update(
        id,
        async (account) => {
          await rival.append(id, [deposited(1)], { expectedVersion: version++ });
          account.deposit(1_000);
        },
        { retries: 3 },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(isRetriesExhaustedError(error) && error.attempts).toBe(4);
    expect(isConcurrencyError((error as Error).cause)).toBe(true);
    const loaded = await accounts.load(id);
    expect(loaded.state.balance).toBe(4);
  });

  it('does not retry at all with retries: 0', async () => {
    const id = await seed(0);
    const error = await accounts
      .update(
        id,
        async (account) => {
          await rival.append(id, [deposited(1)], { expectedVersion: 'any' });
          account.deposit(1);
        },
        { retries: 0 },
      )
      .catch((caught: unknown) => caught);
    expect(isRetriesExhaustedError(error) && error.attempts).toBe(1);
  });

  it('waits the configured delay before each retry', async () => {
    const delays: number[] = [];
    const slow = new AggregateRepository({
      store,
      factory: (id) => new BankAccount(id),
      retryDelay: (retry) => {
        delays.push(retry);
        return 0;
      },
    });
    const id = await seed(0);
    let calls = 0;
    await slow.update(id, async (account) => {
      if (++calls <= 2) await rival.append(id, [deposited(1)], { expectedVersion: 'any' });
      account.deposit(1);
    });
    expect(delays).toEqual([1, 2]);
  });
});
