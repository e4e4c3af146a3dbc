import { EventStore } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../../test/support/dynamodb.js';
import { isInvalidProjectionError, type ReadModels } from '../src/index.js';
import { type BankEvent, bankProjection, createTables, readModelsOf } from './support/bank.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

// Connected: checkpoints and registry entries written by the real handler and rebuild.

const client = testClient();
const NOW = new Date('2024-05-01T12:00:00.000Z');
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;
let readModels: ReadModels;
const live = bankProjection({
  name: 'accounts',
  onPoisonEvent: 'park-stream',
  fault: (event) => {
    if (event.streamId === 'bank/poison' && event.version === 2) throw new Error('poison deposit');
  },
});
const rebuilt = bankProjection({ name: 'accounts', version: 2 });

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
  for (const streamId of ['bank/ok', 'bank/poison']) {
    await store.append(
      streamId,
      [
        { type: 'AccountOpened', data: { owner: streamId } },
        { type: 'MoneyDeposited', data: { amount: 1 } },
      ],
      { expectedVersion: 'no-stream' },
    );
  }
  const items = await eventItems(client, tables.eventsTable, ['bank/ok', 'bank/poison']);
  readModels = readModelsOf(client, store, tables.readModelTable, { now: () => NOW });
  const handler = readModels.streamHandler([live], { maxAttempts: 1 });
  await handler({ Records: items.map((item) => toStreamRecord(item, tables.eventsTable)) });
  await readModels.rebuild(rebuilt);
  await readModels.versions.switch({ name: 'accounts', version: 2 });
  await readModels.versions.prepare({ name: 'accounts', version: 3 });
});

describe('checkpoints.list', () => {
  it("lists a projection version's checkpoints, with the parked stream and its failure", async () => {
    const checkpoints = await readModels.checkpoints.list({ projection: 'accounts', version: 1 });
    expect(checkpoints).toEqual([
      {
        projection: 'accounts',
        version: 1,
        streamId: 'bank/ok',
        appliedVersion: 2,
        updatedAt: NOW.toISOString(),
      },
      {
        projection: 'accounts',
        version: 1,
        streamId: 'bank/poison',
        appliedVersion: 1,
        parkedAt: 2,
        updatedAt: NOW.toISOString(),
      },
    ]);
  });

  it('lists every version of every projection without filters, sorted', async () => {
    const checkpoints = await readModels.checkpoints.list();
    expect(checkpoints.map((c) => [c.projection, c.version, c.streamId, c.appliedVersion])).toEqual([
      ['accounts', 1, 'bank/ok', 2],
      ['accounts', 1, 'bank/poison', 1],
      ['accounts', 2, 'bank/ok', 2],
      ['accounts', 2, 'bank/poison', 2],
    ]);
  });

  it('refuses a version without a projection', async () => {
    await expect(readModels.checkpoints.list({ version: 1 })).rejects.toSatisfy(isInvalidProjectionError);
  });
});

describe('versions.list', () => {
  it('lists the registry of a projection with the active version and the rebuild counts', async () => {
    const versions = await readModels.versions.list('accounts');
    expect(versions).toEqual([
      expect.objectContaining({ projection: 'accounts', version: 1, status: 'live', active: false }),
      expect.objectContaining({
        projection: 'accounts',
        version: 2,
        status: 'ready',
        active: true,
        readyAt: expect.any(String),
        segments: 4,
        rebuilt: { events: 4, streams: 2, documentsWritten: 3 },
      }),
      {
        projection: 'accounts',
        version: 3,
        status: 'building',
        active: false,
        createdAt: NOW.toISOString(),
      },
    ]);
  });

  it('lists every projection without a name, and nothing for an unknown one', async () => {
    const all = await readModels.versions.list();
    expect(all.map((record) => [record.projection, record.version])).toEqual([
      ['accounts', 1],
      ['accounts', 2],
      ['accounts', 3],
    ]);
    expect(await readModels.versions.list('nope')).toEqual([]);
  });
});
