import { EventStore, type NewEventOf } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { projectInMemory } from '../src/index.js';
import {
  accountKey,
  type BankDoc,
  type BankEvent,
  bankProjection,
  createTables,
  readModelsOf,
  storedEvents,
  totalsKey,
} from './support/bank.js';
import { injectWriteFaults, random } from './support/faults.js';
import { deliverLikeLambda } from './support/lambda.js';
import { eventItems, toStreamRecord, withNewSequenceNumber } from './support/stream-records.js';

const MAX_ATTEMPTS = 5;
const client = testClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
});

const eventArb: fc.Arbitrary<NewEventOf<BankEvent>> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .integer({ min: 1, max: 100 })
      .map((amount) => ({ type: 'MoneyDeposited' as const, data: { amount } })),
  },
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: 1, max: 100 })
      .map((amount) => ({ type: 'MoneyWithdrawn' as const, data: { amount } })),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'NoteAdded' as const, data: { text: 'note' } }) },
  { weight: 1, arbitrary: fc.constant({ type: 'AccountClosed' as const, data: {} }) },
  { weight: 1, arbitrary: fc.constant({ type: 'AccountOpened' as const, data: { owner: 'Bob' } }) },
);

const scenarioArb = fc.record({
  // Per stream: its events after AccountOpened, and how they are split into appends.
  histories: fc.array(
    fc.record({ events: fc.array(eventArb, { maxLength: 10 }), chunk: fc.integer({ min: 1, max: 4 }) }),
    {
      minLength: 1,
      maxLength: 5,
    },
  ),
  copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 60, maxLength: 60 }),
  shards: fc.integer({ min: 1, max: 3 }),
  maxBatch: fc.integer({ min: 1, max: 12 }),
  handlerFaults: fc.array(
    fc.tuple(fc.nat(4), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: MAX_ATTEMPTS - 1 })),
    {
      maxLength: 4,
    },
  ),
  crashRate: fc.constantFrom(0, 0.1, 0.25),
  writeFaultRate: fc.constantFrom(0, 0.05, 0.15),
  seed: fc.integer(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

async function appendHistories(bank: string, scenario: Scenario): Promise<string[]> {
  const streamIds = scenario.histories.map((_, index) => `${bank}/account-${index}`);
  await Promise.all(
    scenario.histories.map(async ({ events, chunk }, index) => {
      const all: NewEventOf<BankEvent>[] = [
        { type: 'AccountOpened', data: { owner: `owner-${index}` } },
        ...events,
      ];
      for (let start = 0; start < all.length; start += chunk) {
        await store.append(streamIds[index] as string, all.slice(start, start + chunk), {
          expectedVersion: start,
        });
      }
    }),
  );
  return streamIds;
}

/** Every record 1-3 times, shuffled, dealt to shards; sequence numbers follow each shard's order. */
function deliveries(records: DynamoDBRecord[], scenario: Scenario, rand: () => number): DynamoDBRecord[][] {
  const copies = records.flatMap((record, index) =>
    Array.from({ length: scenario.copies[index % 60] ?? 1 }, () => record),
  );
  const shuffled = copies.map((record) => ({ record, key: rand() })).sort((a, b) => a.key - b.key);
  const shards: DynamoDBRecord[][] = Array.from({ length: scenario.shards }, () => []);
  for (const { record } of shuffled)
    shards[Math.floor(rand() * scenario.shards)]?.push(withNewSequenceNumber(record));
  return shards;
}

async function runScenario(scenario: Scenario): Promise<void> {
  const rand = random(scenario.seed);
  const streamIds = await appendHistories(uniqueId('bank'), scenario);
  const records = (await eventItems(client, tables.eventsTable, streamIds)).map((item) =>
    toStreamRecord(item, tables.eventsTable),
  );
  const budget = new Map(
    scenario.handlerFaults.map(([stream, version, throws]) => [
      `${streamIds[stream % streamIds.length]}@${version}`,
      throws,
    ]),
  );
  const projection = bankProjection({
    fault: (event) => {
      const key = `${event.streamId}@${event.version}`;
      const left = budget.get(key) ?? 0;
      if (left > 0) {
        budget.set(key, left - 1);
        throw new Error(`injected handler fault at ${key}`);
      }
    },
  });
  const faultyClient = createTestClient();
  const removeFaults = injectWriteFaults(faultyClient, () => {
    const roll = rand();
    if (roll >= scenario.writeFaultRate) return undefined;
    return roll < scenario.writeFaultRate / 2 ? 'before' : 'after';
  });
  const handler = readModelsOf(faultyClient, store, tables.readModelTable).streamHandler([projection], {
    maxAttempts: MAX_ATTEMPTS,
  });
  try {
    await Promise.all(
      deliveries(records, scenario, rand).map((shard) =>
        deliverLikeLambda(handler, shard, {
          batchSize: () => 1 + Math.floor(rand() * scenario.maxBatch),
          crash: () => {
            const roll = rand();
            if (roll >= scenario.crashRate) return undefined;
            return roll < scenario.crashRate / 2 ? 'before' : 'after';
          },
        }),
      ),
    );
  } finally {
    removeFaults();
    faultyClient.destroy();
  }
  const expected = await projectInMemory(projection, await storedEvents(store, streamIds));
  const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection);
  for (const key of [...streamIds.map(accountKey), totalsKey(streamIds[0] as string)]) {
    expect(await reader.get(key), key).toEqual(expected.get(key));
  }
}

describe('exactly-once under Lambda delivery (property)', () => {
  afterAll(() => client.destroy);

  // PROPERTY_RUNS=500 for a longer soak; DYNAMO_ES_SEED to replay a failure.
  const numRuns = Number(process.env.PROPERTY_RUNS ?? 50);
  it(
    'every read model equals the fold of the stored events, whatever the delivery order, duplicates and faults',
    async () => {
      await fc.assert(fc.asyncProperty(scenarioArb, runScenario), {
        numRuns,
        seed: propertySeed('exactly-once under Lambda delivery'),
      });
    },
    Math.max(120_000, numRuns * 5_000),
  );
});
