import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, EventStoreErrorCode, isEventStoreError } from '@dynamo-es/event-store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient } from '../support/dynamodb.js';
import { propertySeed } from '../support/property-seed.js';
import { countRequests, type RequestCounter } from '../support/request-counter.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';

// Scenario 7, fuzzed: whole appends built from arbitrary JSON values and arbitrary strings (any
// UTF-16, lone surrogates and control characters included) as stream ids, types, metadata and
// event ids. Every append either round-trips exactly through DynamoDB Local or is rejected with a
// typed error before any request; nothing else (no crash, no SDK error, no silent change).

const SEED = propertySeed('fuzzed appends');
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const REJECTIONS = new Set<string>([
  EventStoreErrorCode.InvalidInput,
  EventStoreErrorCode.UnsupportedValue,
  EventStoreErrorCode.EventTooLarge,
  EventStoreErrorCode.TransactionTooLarge,
]);

let tables: LedgerTables;
let client: DynamoDBClient;
let requests: RequestCounter;

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'fuzz');
  client = createTestClient();
  requests = countRequests(client);
});
afterAll(async () => {
  client.destroy();
  await deleteLedgerTables(testClient(), tables);
});

/** Numbers inside DynamoDB's range (1e-130 to 1e126 in magnitude) stay; others become integers. */
function safeNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || value === 0) return value;
  const magnitude = Math.abs(value);
  return magnitude > 1e-130 && magnitude < 1e126 ? value : Math.round(value % 1e6);
}

/** What the store promises to give back: JSON semantics (-0 becomes 0). */
const expectedValue = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// Weighted towards values a caller would send, so both outcomes are common; the hostile ones
// (lone surrogates, control characters, numbers outside DynamoDB's range, empty keys) stay in.
const anyString = fc.oneof(
  { arbitrary: fc.string({ minLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
);
const json = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  { arbitrary: fc.jsonValue({ stringUnit: 'binary' }), weight: 1 },
  { arbitrary: fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value, safeNumbers))), weight: 4 },
);
const newEvent = fc.record(
  {
    type: anyString,
    data: json,
    metadata: fc.dictionary(anyString, json, { maxKeys: 3 }),
    eventId: anyString,
  },
  { requiredKeys: ['type', 'data'] },
);

describe(`fuzzed appends (seed ${SEED}, ${RUNS} runs)`, () => {
  it('round-trip exactly or are rejected with a typed error before any request', async () => {
    const store = new EventStore({ client, tableName: tables.events });
    const outcomes = { stored: 0, rejected: {} as Record<string, number> };
    await fc.assert(
      fc.asyncProperty(
        anyString,
        fc.array(newEvent, { minLength: 1, maxLength: 2 }),
        async (streamId, events) => {
          requests.reset();
          let result: Awaited<ReturnType<typeof store.append>>;
          try {
            result = await store.append(streamId, events, { expectedVersion: 'any' });
          } catch (error) {
            expect(isEventStoreError(error), String(error)).toBe(true);
            const code = (error as { code: string }).code;
            expect(REJECTIONS.has(code), String(error)).toBe(true);
            expect(requests.count()).toBe(0);
            outcomes.rejected[code] = (outcomes.rejected[code] ?? 0) + 1;
            return;
          }
          outcomes.stored++;
          const first = result.version - events.length + 1;
          const stored = [];
          for await (const event of store.read(streamId, { fromVersion: first, toVersion: result.version })) {
            stored.push(event);
          }
          expect(stored).toHaveLength(events.length);
          stored.forEach((event, index) => {
            const sent = events[index]!;
            expect(event.streamId).toBe(streamId);
            expect(event.version).toBe(first + index);
            expect(event.type).toBe(sent.type);
            expect(event.data).toEqual(expectedValue(sent.data));
            expect(event.metadata).toEqual(expectedValue(sent.metadata ?? {}));
            if (sent.eventId !== undefined) expect(event.eventId).toBe(sent.eventId);
            expect(event).toEqual(result.events[index]);
          });
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    console.info(
      `[fuzz seed ${SEED}] stored ${outcomes.stored}, rejected ${JSON.stringify(outcomes.rejected)}`,
    );
    // Both halves of the property were exercised.
    expect(outcomes.stored).toBeGreaterThan(RUNS / 10);
    expect(Object.keys(outcomes.rejected).length).toBeGreaterThan(0);
  }, 120_000);
});
