import { EventStore } from '@dynamo-es/event-store';
import { StreamRunner } from '@dynamo-es/stream-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import { projectInMemory } from '../src/index.js';
import {
  type BankDoc,
  type BankEvent,
  bankProjection,
  createTables,
  readModelsOf,
  storedEvents,
} from './support/bank.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

// Events over 1 KB as items are stored compressed (`z`, binary): Lambda hands them over as base64,
// the runner as bytes, rebuilds scan them, gap fills read them through the store. Every path must
// read them exactly as small ones.

const client = createTestClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;
const streamIds = Array.from({ length: 3 }, (_, i) => `${uniqueId('bank')}/account-${i}`);

/** A deposit whose memo makes its item well over 1 KB. */
const bigDeposit = (amount: number) =>
  ({
    type: 'MoneyDeposited',
    data: { amount, memo: Array.from({ length: 60 }, (_, i) => `line ${i} of a long memo`).join('\n') },
  }) as BankEvent;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
  for (const streamId of streamIds) {
    await store.append(
      streamId,
      [{ type: 'AccountOpened', data: { owner: 'Ada' } }, bigDeposit(10), bigDeposit(5)],
      {
        expectedVersion: 'no-stream',
      },
    );
  }
});

afterAll(() => client.destroy());

async function expectReadModel(name: string) {
  const expected = await projectInMemory(bankProjection({ name }), await storedEvents(store, streamIds));
  const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>({ name, version: 1 });
  expect(await reader.list()).toEqual(expected);
  expect([...expected.values()].some((doc) => 'versions' in doc && doc.balance === 15)).toBe(true);
}

describe('compressed events', () => {
  it('are stored compressed', async () => {
    const items = await eventItems(client, tables.eventsTable, streamIds);
    expect(items.map((item) => (item.z === undefined ? 'text' : 'compressed'))).toEqual(
      streamIds.flatMap(() => ['text', 'compressed', 'compressed']),
    );
  });

  it('are projected from Lambda stream images (base64), gaps filled from the store', async () => {
    const name = uniqueId('lambda');
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([
      bankProjection({ name }),
    ]);
    const records = (await eventItems(client, tables.eventsTable, streamIds)).map((item) =>
      toStreamRecord(item, tables.eventsTable),
    );
    expect(typeof records[1]?.dynamodb?.NewImage?.z?.B).toBe('string');
    // Only the first and last event of each stream: version 2, compressed, is read from the store.
    const sparse = records.filter((_, index) => index % 3 !== 1);
    expect(await handler({ Records: sparse })).toEqual({ batchItemFailures: [] });
    await expectReadModel(name);
  });

  it('are projected from the table’s DynamoDB stream by the StreamRunner (bytes)', async () => {
    const name = uniqueId('runner');
    const runner = new StreamRunner({
      client,
      tableName: tables.eventsTable,
      handler: readModelsOf(client, store, tables.readModelTable).streamHandler([bankProjection({ name })]),
      startingPosition: 'TRIM_HORIZON',
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
      onError: () => {},
    });
    try {
      await runner.start();
      await runner.waitForCaughtUp({ timeoutMs: 30_000 });
    } finally {
      await runner.stop();
    }
    await expectReadModel(name);
  });

  it('are rebuilt from a scan of the events table', async () => {
    const name = uniqueId('rebuilt');
    const result = await readModelsOf(client, store, tables.readModelTable).rebuild(
      bankProjection({ name }),
      {
        segments: 2,
      },
    );
    expect(result.events).toBe(streamIds.length * 3);
    await expectReadModel(name);
  });
});
