import { EventStore } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../support/dynamodb.js';
import { type LedgerEvent, ledgerProjection, streamKey } from './support/ledger.js';
import { startLedgerRunner } from './support/projection-runner.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';
import { readAllEvents, readModelAndFold } from './support/verify.js';

// Regression: DynamoDB Local writes an empty map in a stream record as `{}` instead of `{"M":{}}`.
// Every event appended without metadata has an empty `metadata` map, so this is the default case.
// StreamRunner used to fail converting such a record and retry the same GetRecords page forever as
// a "reading error" (never reaching maxRetries / onFailure): the shard never moved again.

let tables: LedgerTables;

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'empty-map');
});
afterAll(async () => {
  await deleteLedgerTables(testClient(), tables);
});

describe('events with empty metadata through StreamRunner on DynamoDB Local', () => {
  it('projects an event appended without metadata', async () => {
    const store = new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events });
    const streamId = `${tables.events}-account`;
    await store.append(streamId, [{ type: 'Deposited', data: { amount: 5, commandId: 'c-1' } }], {
      expectedVersion: 'no-stream',
    });
    const projection = ledgerProjection({ name: 'ledger-empty-map' });
    const running = await startLedgerRunner({ client: testClient(), tables, projection });
    try {
      await running.runner.waitForCaughtUp({ timeoutMs: 8_000 });
    } finally {
      await running.runner.stop();
    }
    const events = await readAllEvents(testClient(), tables.events);
    const { stored, folded } = await readModelAndFold({
      client: testClient(),
      readModelTable: tables.readModels,
      projection,
      events,
    });
    expect(stored[streamKey(streamId)]).toEqual({ balance: 5, count: 1, lastVersion: 1 });
    expect(stored).toEqual(folded);
  });
});
