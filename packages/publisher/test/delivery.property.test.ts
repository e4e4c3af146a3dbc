import { type NewEventOf, silentLogger } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { injectWriteFaults, random } from '../../projections/test/support/faults.js';
import { deliverLikeLambda } from '../../projections/test/support/lambda.js';
import { withNewSequenceNumber } from '../../projections/test/support/stream-records.js';
import { kinesisSink, type MessageEnvelope, Publisher } from '../src/index.js';
import { appendAll, type BankEvent, bankPublication, createBank, recordsOf } from './support/bank.js';
import { createDataStream, kinesisClient, readDataStream, startKinesalite } from './support/kinesalite.js';
import { injectPutRecordsFaults } from './support/kinesis-faults.js';

const MAX_ATTEMPTS = 5;
const client = testClient();
let kinesis: Awaited<ReturnType<typeof startKinesalite>>;
let bank: Awaited<ReturnType<typeof createBank>>;

beforeAll(async () => {
  [kinesis, bank] = await Promise.all([startKinesalite(), createBank(client)]);
});
afterAll(async () => {
  await kinesis?.stop();
});

const eventArb: fc.Arbitrary<NewEventOf<BankEvent>> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: 1, max: 99 })
      .map((amount) => ({ type: 'MoneyDeposited' as const, data: { amount } })),
  },
  { weight: 2, arbitrary: fc.constant({ type: 'NoteAdded' as const, data: { text: 'internal' } }) },
  {
    weight: 1,
    arbitrary: fc.constant({ type: 'TransferSent' as const, data: { transferId: 't', amount: 1, to: 'x' } }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'AccountClosed' as const, data: {} }) },
);

const scenarioArb = fc.record({
  histories: fc.array(fc.array(eventArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
  /** Copies of each record (duplicates) and a shuffle of all of them (reordering across items). */
  copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 40, maxLength: 40 }),
  shuffle: fc.boolean(),
  maxBatch: fc.integer({ min: 1, max: 10 }),
  shards: fc.integer({ min: 1, max: 2 }),
  /** Per PutRecords record: chance it is rejected; per call: chance the request fails before or after. */
  rejectRate: fc.constantFrom(0, 0.1, 0.3),
  requestFaultRate: fc.constantFrom(0, 0.05, 0.15),
  /** Checkpoint writes that fail before, or after (written, the answer lost). */
  writeFaultRate: fc.constantFrom(0, 0.1),
  crashRate: fc.constantFrom(0, 0.1, 0.2),
  /** Mapping faults below maxAttempts: (stream, version, times). */
  mappingFaults: fc.array(
    fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: MAX_ATTEMPTS - 1 })),
    { maxLength: 3 },
  ),
  seed: fc.integer(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

async function runScenario(scenario: Scenario): Promise<void> {
  const rand = random(scenario.seed);
  const streamIds = scenario.histories.map(() => uniqueId('account'));
  await Promise.all(
    streamIds.map((streamId, index) => appendAll(bank.store, streamId, scenario.histories[index]!)),
  );
  const streamName = await createDataStream(kinesis.client, scenario.shards);
  const sinkClient = await kinesisClient(kinesis.endpoint);
  injectPutRecordsFaults(sinkClient, (entries) => {
    const roll = rand();
    if (roll < scenario.requestFaultRate / 2) return { request: 'before' };
    if (roll < scenario.requestFaultRate) return { request: 'after' };
    return { reject: new Set(entries.flatMap((_, index) => (rand() < scenario.rejectRate ? [index] : []))) };
  });
  const checkpointClient = createTestClient();
  injectWriteFaults(checkpointClient, () => {
    const roll = rand();
    return roll < scenario.writeFaultRate / 2
      ? 'before'
      : roll < scenario.writeFaultRate
        ? 'after'
        : undefined;
  });
  const faults = new Map(
    scenario.mappingFaults.map(([stream, version, times]) => [
      `${streamIds[stream % streamIds.length]}:${version}`,
      times,
    ]),
  );
  const publication = bankPublication({
    fault: (event) => {
      const key = `${event.streamId}:${event.version}`;
      const left = faults.get(key) ?? 0;
      if (left > 0) {
        faults.set(key, left - 1);
        throw new Error('transient mapping fault');
      }
    },
  });
  const publisher = new Publisher({
    client: checkpointClient,
    eventStore: bank.store,
    tableName: bank.readModelTable,
    sink: kinesisSink({ client: sinkClient, streamName }),
    sinkRetry: { maxAttempts: 2, baseMs: 0, capMs: 1 },
    logger: silentLogger,
  });
  const handler = publisher.streamHandler(publication, { maxAttempts: MAX_ATTEMPTS });
  try {
    let records: DynamoDBRecord[] = (await recordsOf(client, bank.eventsTable, streamIds)).flatMap(
      (record, index) =>
        Array.from({ length: scenario.copies[index % scenario.copies.length]! }, (_, copy) =>
          copy === 0 ? record : withNewSequenceNumber(record),
        ),
    );
    // Out of version order, as across items with a parallelization factor; sequence numbers stay
    // increasing in delivery order, as Lambda delivers a shard.
    if (scenario.shuffle) records = shuffle(records, rand).map(withNewSequenceNumber);
    await deliverLikeLambda(handler, records, {
      batchSize: () => 1 + Math.floor(rand() * scenario.maxBatch),
      crash: () => (rand() < scenario.crashRate ? (rand() < 0.5 ? 'before' : 'after') : undefined),
    });

    const stored = (
      await Promise.all(streamIds.map(async (id) => (await bank.store.readStream(id)).events))
    ).flat();
    const selected = stored.filter((event) => event.type !== 'NoteAdded');
    const seen = new Set<string>();
    const accepted: MessageEnvelope[] = [];
    for (const record of await readDataStream(kinesis.client, streamName)) {
      const envelope = JSON.parse(record.data) as MessageEnvelope;
      expect(record.partitionKey).toBe(envelope.streamId);
      if (seen.has(envelope.id)) continue;
      seen.add(envelope.id);
      accepted.push(envelope);
    }
    for (const streamId of streamIds) {
      const ofStream = accepted.filter((m) => m.streamId === streamId);
      expect(ofStream.map((m) => [m.id, m.streamVersion])).toEqual(
        selected.filter((e) => e.streamId === streamId).map((e) => [e.eventId, e.version]),
      );
      // Each message names its predecessor, so a consumer can order them over any transport.
      expect(ofStream.map((m) => m.previousVersion)).toEqual(
        ofStream.map((_, k) => (k === 0 ? 0 : ofStream[k - 1]!.streamVersion)),
      );
    }
    expect(await publisher.deadLetters.list(publication)).toEqual([]);
  } finally {
    sinkClient.destroy();
    checkpointClient.destroy();
  }
}

function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(rand() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

describe('the delivery contract, as a property', () => {
  it('the messages the sink accepted, de-duplicated by id, are exactly the selected events, in version order per stream, whatever the duplicates, reordering, sink partial failures, lost answers and crashes', async () => {
    const numRuns = Number(process.env.PROPERTY_RUNS ?? 25);
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), {
      numRuns,
      seed: propertySeed('publisher: accepted messages = selected events in order'),
    });
  }, 600_000);
});
