import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregateRepository } from '@dynamo-es/aggregate';
import {
  type AppendResult,
  EventStore,
  type ExpectedVersion,
  encodeEventItem,
  isConcurrencyError,
  type StoredEvent,
} from '@dynamo-es/event-store';
import { createDynamoDBClient } from '@dynamo-es/local';
import { ReadModels } from '@dynamo-es/projections';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testEndpoint } from '../support/dynamodb.js';
import { propertySeed } from '../support/property-seed.js';
import { FaultKind, injectFaults } from './support/faults.js';
import { Account, type LedgerEvent, ledgerProjection } from './support/ledger.js';
import { recordingLogger } from './support/projection-runner.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';
import { readAllEvents, readModelAndFold, storeProblems } from './support/verify.js';

// Scenario 2: the write reaches DynamoDB Local and lands, but its answer is replaced by a
// TimeoutError. Retried by the SDK (same request) or by the application (same event ids), the
// append must be recognised as the one that landed: no duplicate, no ConcurrencyError.

const SEED = propertySeed('lost responses');
let tables: LedgerTables;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'lost-response');
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await deleteLedgerTables(testClient(), tables);
});

function newClient(): DynamoDBClient {
  const client = createDynamoDBClient(testEndpoint(), { maxAttempts: 3 });
  clients.push(client);
  return client;
}

const deposit = (amount = 1) => {
  const commandId = randomUUID();
  return {
    type: 'Deposited' as const,
    data: { amount, commandId },
    metadata: { correlationId: commandId },
    eventId: randomUUID(),
  };
};

let streams = 0;
/** A stream holding one event written by `store` (so the store has seen version 1). */
async function seededStream(store: EventStore<LedgerEvent>): Promise<string> {
  const streamId = `${tables.events}-s${++streams}`;
  await store.append(streamId, [deposit()], { expectedVersion: 'no-stream' });
  return streamId;
}

/** The store's events of a stream, read through a client without faults. */
async function storedStream(streamId: string): Promise<StoredEvent<LedgerEvent>[]> {
  const { events } = await new EventStore<LedgerEvent>({
    client: testClient(),
    tableName: tables.events,
  }).readStream(streamId);
  return events;
}

const summary = (results: readonly AppendResult[]) =>
  results.map((result) => ({ version: result.version, ids: result.events.map((event) => event.eventId) }));

type Level = 'sdk' | 'application';
const COMMANDS = {
  put: 'PutItemCommand',
  transaction: 'TransactWriteItemsCommand',
} as const;

/** Loses the answer of the next `command` of `client`, inside or outside the SDK's retries. */
function loseNextAnswer(client: DynamoDBClient, command: string, level: Level) {
  return injectFaults(client, {
    seed: SEED,
    rate: 1,
    limit: 1,
    kinds: [FaultKind.LostResponse],
    commands: [command],
    where: level === 'sdk' ? 'inside-sdk-retries' : 'outside-sdk-retries',
  });
}

/**
 * Runs `write`; when it fails with the injected timeout, runs `retry` (the application retrying
 * with the same event ids), as a caller would.
 */
async function withApplicationRetry<T>(write: () => Promise<T>, retry: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    expect((error as Error).name).toBe('TimeoutError');
    return retry();
  }
}

describe('a write whose answer is lost', () => {
  for (const level of ['sdk', 'application'] as const) {
    describe(`retried by the ${level === 'sdk' ? 'SDK (same request)' : 'application (same event ids)'}`, () => {
      it('is one append for a single-event PutItem', async () => {
        const client = newClient();
        const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
        const streamId = await seededStream(store);
        const events = [deposit()];
        const faults = loseNextAnswer(client, COMMANDS.put, level);
        const append = () => store.append(streamId, events, { expectedVersion: 1 });
        const result = level === 'sdk' ? await append() : await withApplicationRetry(append, append);
        expect(faults.total()).toBe(1);
        expect(summary([result])).toEqual([{ version: 2, ids: events.map((e) => e.eventId) }]);
        expect((await storedStream(streamId)).map((e) => e.eventId).slice(1)).toEqual(
          events.map((e) => e.eventId),
        );
      });

      it('is one append for a multi-event transaction', async () => {
        const client = newClient();
        const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
        const streamId = await seededStream(store);
        const events = [deposit(), deposit(), deposit()];
        const faults = loseNextAnswer(client, COMMANDS.transaction, level);
        const append = () => store.append(streamId, events, { expectedVersion: 1 });
        const result = level === 'sdk' ? await append() : await withApplicationRetry(append, append);
        expect(faults.total()).toBe(1);
        expect(summary([result])).toEqual([{ version: 4, ids: events.map((e) => e.eventId) }]);
        expect(await storedStream(streamId)).toHaveLength(4);
      });

      it('is one append for appendMany, also when the retry comes from another EventStore instance', async () => {
        const client = newClient();
        const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
        const first = await seededStream(store);
        const second = await seededStream(store);
        const appends = [
          { streamId: first, events: [deposit()], expectedVersion: 1 },
          { streamId: second, events: [deposit(), deposit()], expectedVersion: 1 },
        ];
        const faults = loseNextAnswer(client, COMMANDS.transaction, level);
        // Another instance has never seen version 1: its retry adds ConditionChecks (gap proofs).
        const otherProcess = new EventStore<LedgerEvent>({ client: newClient(), tableName: tables.events });
        const results =
          level === 'sdk'
            ? await store.appendMany(appends)
            : await withApplicationRetry(
                () => store.appendMany(appends),
                () => otherProcess.appendMany(appends),
              );
        expect(faults.total()).toBe(1);
        expect(summary(results)).toEqual([
          { version: 2, ids: appends[0]!.events.map((e) => e.eventId) },
          { version: 3, ids: appends[1]!.events.map((e) => e.eventId) },
        ]);
        expect(await storedStream(first)).toHaveLength(2);
        expect(await storedStream(second)).toHaveLength(3);
      });

      it("is one append for 'no-stream' and 'any' expected versions", async () => {
        const client = newClient();
        const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
        for (const expectedVersion of ['no-stream', 'any'] as const) {
          const streamId = `${tables.events}-s${++streams}`;
          if (expectedVersion === 'any')
            await store.append(streamId, [deposit()], { expectedVersion: 'any' });
          const events = [deposit()];
          const faults = loseNextAnswer(client, COMMANDS.put, level);
          const append = () => store.append(streamId, events, { expectedVersion });
          const result = level === 'sdk' ? await append() : await withApplicationRetry(append, append);
          faults.remove();
          expect(faults.total()).toBe(1);
          expect(result.events.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
          expect(await storedStream(streamId)).toHaveLength(expectedVersion === 'any' ? 2 : 1);
        }
      });
    });
  }

  it('is recognised by an exact expected version even after another writer appended', async () => {
    const client = newClient();
    const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
    const streamId = await seededStream(store);
    const events = [deposit(), deposit()];
    loseNextAnswer(client, COMMANDS.transaction, 'application');
    await expect(store.append(streamId, events, { expectedVersion: 1 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events }).append(
      streamId,
      [deposit()],
      { expectedVersion: 3 },
    );
    const retried = await store.append(streamId, events, { expectedVersion: 1 });
    expect(summary([retried])).toEqual([{ version: 3, ids: events.map((e) => e.eventId) }]);
    expect(await storedStream(streamId)).toHaveLength(4);
  });

  it('is one event for AggregateRepository.update when the SDK retries the PutItem', async () => {
    const client = newClient();
    const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
    const accounts = new AggregateRepository({ store, factory: (id) => new Account(id) });
    const streamId = await seededStream(store);
    const faults = loseNextAnswer(client, COMMANDS.put, 'sdk');
    const { events, attempts, aggregate } = await accounts.update(
      streamId,
      (account) => account.deposit(7, 'update-1'),
      { metadata: { correlationId: 'update-1' } },
    );
    expect(faults.total()).toBe(1);
    expect(attempts).toBe(1);
    expect(events.map((e) => e.version)).toEqual([2]);
    expect(aggregate.state).toEqual({ balance: 8, deposits: 2 });
    expect(await storedStream(streamId)).toHaveLength(2);
  });

  it(`keeps any sequence of appends exact when answers are lost at random (seed ${SEED})`, async () => {
    const client = newClient();
    const step = fc.record({
      count: fc.integer({ min: 1, max: 3 }),
      expected: fc.constantFrom('exact', 'any'),
      lost: fc.constantFrom('none', 'sdk', 'application'),
      retryFromOtherInstance: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
        const streamId = `${tables.events}-p${++streams}`;
        const expectedIds: string[] = [];
        for (const { count, expected, lost, retryFromOtherInstance } of steps) {
          const events = Array.from({ length: count }, () => deposit());
          const expectedVersion: ExpectedVersion = expected === 'any' ? 'any' : expectedIds.length;
          const command = count === 1 ? COMMANDS.put : COMMANDS.transaction;
          const faults = lost === 'none' ? undefined : loseNextAnswer(client, command, lost);
          const retrier = retryFromOtherInstance
            ? new EventStore<LedgerEvent>({ client, tableName: tables.events })
            : store;
          try {
            const result = await withApplicationRetry(
              () => store.append(streamId, events, { expectedVersion }),
              () => retrier.append(streamId, events, { expectedVersion }),
            );
            expect(result.version).toBe(expectedIds.length + count);
          } finally {
            faults?.remove();
          }
          expectedIds.push(...events.map((e) => e.eventId));
        }
        const stored = await storedStream(streamId);
        expect(stored.map((e) => e.eventId)).toEqual(expectedIds);
        expect(stored.map((e) => e.version)).toEqual(expectedIds.map((_, i) => i + 1));
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('never makes a projection apply an event twice when its commits lose their answers', async () => {
    const writer = new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events });
    const streamIds = [0, 1, 2].map((i) => `${tables.events}-projected-${i}`);
    const stored: StoredEvent[] = [];
    for (let round = 0; round < 4; round++) {
      for (const streamId of streamIds) {
        const { events } = await writer.append(streamId, [deposit(round + 1)], { expectedVersion: round });
        stored.push(...events);
      }
    }
    // Lambda-shaped records, as the event source mapping delivers them.
    const records: DynamoDBRecord[] = stored.map((event, index) => ({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { streamId: { S: event.streamId }, version: { N: String(event.version) } },
        NewImage: encodeEventItem(event).item as never,
        SequenceNumber: String(1000 + index),
        StreamViewType: 'NEW_IMAGE',
      },
    }));
    const client = newClient();
    // The records fit one commit: its answer is always lost (first: 1), later ones at random.
    const faults = injectFaults(client, {
      seed: SEED,
      rate: 0.5,
      first: 1,
      kinds: [FaultKind.LostResponse],
      commands: [COMMANDS.transaction],
      where: 'outside-sdk-retries',
    });
    const projection = ledgerProjection({ name: 'ledger-lost-commits' });
    const handler = new ReadModels({
      client,
      eventStore: new EventStore({ client, tableName: tables.events }),
      tableName: tables.readModels,
      logger: recordingLogger(),
    }).streamHandler([projection]);
    // Like Lambda with ReportBatchItemFailures: redeliver from the lowest failed record, and
    // sometimes the whole batch again (a retry after a timeout).
    let from = 0;
    for (let delivery = 0; delivery < 50 && from < records.length; delivery++) {
      const { batchItemFailures } = await handler({ Records: records.slice(from) });
      const failed = batchItemFailures.map((f) =>
        records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier),
      );
      from = failed.length === 0 ? records.length : Math.min(...failed);
    }
    await handler({ Records: records });
    expect(from).toBe(records.length);
    expect(faults.total()).toBeGreaterThan(0);
    const events = (await readAllEvents(testClient(), tables.events)).filter((e) =>
      streamIds.includes(e.streamId),
    );
    expect(
      storeProblems(events, { acknowledged: [], ambiguous: new Set(events.map((e) => e.data.commandId)) }),
    ).toEqual([]);
    const { stored: documents, folded } = await readModelAndFold({
      client: testClient(),
      readModelTable: tables.readModels,
      projection,
      events,
    });
    expect(documents).toEqual(folded);
  });
});

it('reports a real conflict, not a duplicate, when the ids differ', async () => {
  const store = new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events });
  const streamId = await seededStream(store);
  await store.append(streamId, [deposit()], { expectedVersion: 1 });
  const error = await store.append(streamId, [deposit()], { expectedVersion: 1 }).catch((e: unknown) => e);
  expect(isConcurrencyError(error)).toBe(true);
});
