import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { EventStore, StoredEvent } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FaultKind, injectFaults } from '../../../test/reliability/support/faults.js';
import { seededRandom } from '../../../test/reliability/support/random.js';
import { createTestClient } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { createFeedIndexer, type Feed, type FeedEvent, validateFeed } from '../src/index.js';
import { deliverLikeLambda, killSwitch } from './support/lambda.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';
import { feedTables } from './support/tables.js';

const TYPES = ['Opened', 'Deposited', 'Withdrawn', 'Noted'] as const;

const scenarioArb = fc.record({
  // Per stream: how many events, and how many per append.
  streams: fc.array(
    fc.record({ events: fc.integer({ min: 1, max: 12 }), chunk: fc.integer({ min: 1, max: 4 }) }),
    {
      minLength: 1,
      maxLength: 7,
    },
  ),
  // appendMany of two streams' events in one transaction (their records arrive apart).
  transfers: fc.integer({ min: 0, max: 3 }),
  duplicateRate: fc.constantFrom(0, 0.2, 0.5),
  shards: fc.integer({ min: 1, max: 3 }),
  parallelization: fc.integer({ min: 1, max: 3 }),
  maxBatch: fc.integer({ min: 1, max: 15 }),
  killRate: fc.constantFrom(0, 0.15, 0.3),
  faultRate: fc.constantFrom(0, 0.05, 0.15),
  faultsWhere: fc.constantFrom('inside-sdk-retries', 'outside-sdk-retries') as fc.Arbitrary<
    'inside-sdk-retries' | 'outside-sdk-retries'
  >,
  positionsPerEpoch: fc.constantFrom(3, 7, 50, 100_000),
  maxStreamsPerBatch: fc.constantFrom(1, 2, 100),
  maxEventsPerBatch: fc.constantFrom(1, 3, 1_000),
  seed: fc.integer(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

async function appendAll(store: EventStore, scenario: Scenario, random: () => number): Promise<string[]> {
  const ids = scenario.streams.map((_, index) => `acct-${index}`);
  const typeAt = () => TYPES[Math.floor(random() * TYPES.length)] as string;
  await Promise.all(
    scenario.streams.map(async ({ events, chunk }, index) => {
      for (let at = 0; at < events; at += chunk) {
        const batch = Array.from({ length: Math.min(chunk, events - at) }, () => ({
          type: typeAt(),
          data: { at },
        }));
        await store.append(ids[index] as string, batch, { expectedVersion: 'any' });
      }
    }),
  );
  for (let transfer = 0; transfer < scenario.transfers && ids.length > 1; transfer++) {
    const [from, to] = [ids[transfer % ids.length] as string, ids[(transfer + 1) % ids.length] as string];
    await store.appendMany([
      { streamId: from, events: [{ type: 'Withdrawn', data: { transfer } }], expectedVersion: 'any' },
      { streamId: to, events: [{ type: 'Deposited', data: { transfer } }], expectedVersion: 'any' },
    ]);
  }
  return ids;
}

/**
 * Records shuffled (any order across items), some delivered twice (another copy with a new
 * sequence number), dealt to shards, and each shard's records to `parallelization` lanes that
 * run at the same time: concurrent indexers, several invocations of one shard at once.
 */
function lanesOf(records: DynamoDBRecord[], scenario: Scenario, random: () => number): DynamoDBRecord[][] {
  const copies = records.flatMap((record) =>
    random() < scenario.duplicateRate ? [record, toCopy(record)] : [record],
  );
  const shuffled = copies.map((record) => ({ record, key: random() })).sort((a, b) => a.key - b.key);
  const lanes: DynamoDBRecord[][] = Array.from(
    { length: scenario.shards * scenario.parallelization },
    () => [],
  );
  for (const { record } of shuffled) lanes[Math.floor(random() * lanes.length)]?.push(toCopy(record));
  return lanes;
}

let sequence = 10n ** 30n;
function toCopy(record: DynamoDBRecord): DynamoDBRecord {
  sequence += 1n;
  return { ...record, dynamodb: { ...record.dynamodb, SequenceNumber: String(sequence) } };
}

/** One Lambda instance: its own client (faults, a kill switch) and its own feed object (its own caches). */
function instance(tables: Awaited<ReturnType<typeof feedTables>>, scenario: Scenario, random: () => number) {
  const client = createTestClient();
  const kinds: FaultKind[] = ['lost-response', 'server-error', 'throttling'];
  const faults = injectFaults(client, {
    seed: Math.floor(random() * 2 ** 31),
    rate: scenario.faultRate,
    kinds,
    where: scenario.faultsWhere,
  });
  const killer = killSwitch(client);
  const feed: Feed = tables.newFeed({
    client,
    positionsPerEpoch: scenario.positionsPerEpoch,
    maxStreamsPerBatch: scenario.maxStreamsPerBatch,
    maxEventsPerBatch: scenario.maxEventsPerBatch,
    maxAttempts: 6,
  });
  const handler = createFeedIndexer({ feed });
  return {
    invoke: async (event: { Records: DynamoDBRecord[] }) => {
      if (random() < scenario.killRate) killer.arm(1 + Math.floor(random() * 12));
      const response = await handler(event);
      return killer.disarm() ? ('crashed' as const) : response;
    },
    close: () => {
      faults.remove();
      client.destroy();
    },
  };
}

async function runScenario(scenario: Scenario): Promise<void> {
  const random = seededRandom(scenario.seed);
  const tables = await feedTables();
  try {
    const ids = await appendAll(tables.store, scenario, random);
    const items = await eventItems(tables.client, tables.eventsTable, ids);
    const records = items.map((item) => toStreamRecord(item, tables.eventsTable));
    const lanes = lanesOf(records, scenario, random);
    const instances = lanes.map(() => instance(tables, scenario, random));
    try {
      await Promise.all(
        lanes.map((lane, index) =>
          deliverLikeLambda(lane, {
            batchSize: () => 1 + Math.floor(random() * scenario.maxBatch),
            invoke: (instances[index] as ReturnType<typeof instance>).invoke,
          }),
        ),
      );
    } finally {
      for (const each of instances) each.close();
    }
    await verify(tables.newFeed(), tables.store, ids, random);
  } finally {
    await Promise.all(
      [tables.eventsTable, tables.feedTable].map((TableName) =>
        tables.client.send(new DeleteTableCommand({ TableName })),
      ),
    );
    tables.destroy();
  }
}

async function verify(feed: Feed, store: EventStore, ids: string[], random: () => number): Promise<void> {
  const report = await validateFeed({ feed });
  expect(report.problems).toEqual([]);
  const stored: StoredEvent[] = [];
  for (const id of ids) stored.push(...(await store.readStream(id)).events);
  expect(report).toMatchObject({ ok: true, events: stored.length, positions: stored.length });
  const all: FeedEvent[] = [];
  for await (const event of feed.readAll()) all.push(event);
  // Every event exactly once, positions 1..n.
  expect(all.map((event) => event.position)).toEqual(stored.map((_, index) => index + 1));
  const key = (event: StoredEvent) => `${event.streamId}@${event.version}#${event.eventId}`;
  expect(all.map(key).sort()).toEqual(stored.map(key).sort());
  // Each stream in version order.
  for (const id of ids) {
    const versions = all.filter((event) => event.streamId === id).map((event) => event.version);
    expect(versions).toEqual(versions.map((_, index) => index + 1));
  }
  // From any position, exactly the suffix.
  for (let probe = 0; probe < 3; probe++) {
    const from = Math.floor(random() * (all.length + 3));
    const suffix: number[] = [];
    for await (const event of feed.readAll({ fromPosition: from, pageSize: 1 + Math.floor(random() * 7) })) {
      suffix.push(event.position);
    }
    expect(suffix).toEqual(all.filter((event) => event.position >= from).map((event) => event.position));
    // By type, through the type index (every batch but the latest) and the latest batch's entries.
    const types = TYPES.filter(() => random() < 0.5);
    const typed: number[] = [];
    for await (const entry of feed.readEntries({ fromPosition: from, filter: { types } }))
      typed.push(entry.position);
    expect(typed).toEqual(
      all
        .filter((event) => event.position >= from && types.includes(event.type as never))
        .map((e) => e.position),
    );
  }
}

describe('the feed under Lambda delivery (property)', () => {
  // PROPERTY_RUNS=200 for a longer soak; DYNAMO_ES_SEED to replay a failure.
  const numRuns = Number(process.env.PROPERTY_RUNS ?? 20);
  it(
    'holds every event exactly once, positions contiguous, each stream in order, whatever the delivery',
    async () => {
      await fc.assert(fc.asyncProperty(scenarioArb, runScenario), {
        numRuns,
        seed: propertySeed('feed exactly once under Lambda delivery'),
      });
    },
    Math.max(180_000, numRuns * 8_000),
  );
});
