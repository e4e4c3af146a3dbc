import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  createEventTable,
  createSnapshotTable,
  isInvalidInputError,
  isUnsupportedValueError,
  SnapshotStore,
} from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';

let tableName: string;
let snapshots: SnapshotStore;

beforeAll(async () => {
  tableName = uniqueId('snapshots');
  await createSnapshotTable(testClient(), { tableName });
  snapshots = new SnapshotStore({
    client: testClient(),
    tableName,
    now: () => new Date('2025-01-01T00:00:00Z'),
  });
});

const load = (streamId: string) => snapshots.load(streamId, { consistentRead: true });
const eventId = '01JDX4Q8ZK2M3N4P5Q6R7S8T9V';

describe('SnapshotStore (DynamoDB Local)', () => {
  it('saves and loads a snapshot exactly', async () => {
    const streamId = uniqueId('account');
    const state = { owner: 'Ada', balance: 0.1 + 0.2, tags: ['a', 'b'], none: null };
    expect(await snapshots.save({ streamId, version: 100, eventId, schemaVersion: 3, state })).toEqual({
      written: true,
    });
    expect(await load(streamId)).toEqual({
      streamId,
      version: 100,
      eventId,
      schemaVersion: 3,
      state,
      takenAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('loads undefined for a stream without a snapshot', async () => {
    expect(await snapshots.load(uniqueId('account'))).toBeUndefined();
  });

  it('never replaces a newer snapshot with an older one', async () => {
    const streamId = uniqueId('account');
    await snapshots.save({ streamId, version: 200, eventId, schemaVersion: 1, state: { at: 200 } });
    expect(
      await snapshots.save({ streamId, version: 100, eventId, schemaVersion: 1, state: { at: 100 } }),
    ).toEqual({
      written: false,
    });
    expect(
      await snapshots.save({ streamId, version: 200, eventId, schemaVersion: 1, state: { at: 'again' } }),
    ).toEqual({
      written: false,
    });
    expect((await load(streamId))?.state).toEqual({ at: 200 });
  });

  it('replaces a snapshot of the same version taken with another schema version', async () => {
    const streamId = uniqueId('account');
    await snapshots.save({ streamId, version: 200, eventId, schemaVersion: 1, state: { shape: 1 } });
    expect(
      (await snapshots.save({ streamId, version: 200, eventId, schemaVersion: 2, state: { shape: 2 } }))
        .written,
    ).toBe(true);
    expect(await load(streamId)).toMatchObject({
      version: 200,
      eventId,
      schemaVersion: 2,
      state: { shape: 2 },
    });
  });

  it('keeps the newest of many concurrent saves, whatever their order', async () => {
    const streamId = uniqueId('account');
    const versions = Array.from({ length: 20 }, (_, index) => index + 1).sort(() => Math.random() - 0.5);
    await Promise.all(
      versions.map((version) =>
        snapshots.save({ streamId, version, eventId, schemaVersion: 1, state: { version } }),
      ),
    );
    expect(await load(streamId)).toMatchObject({ version: 20, state: { version: 20 } });
  });

  it('rejects malformed snapshots with typed errors, writing nothing', async () => {
    const streamId = uniqueId('account');
    const bad = [
      { streamId, version: 0, eventId, schemaVersion: 1, state: {} },
      { streamId, version: 1.5, eventId, schemaVersion: 1, state: {} },
      { streamId, version: 1, eventId, schemaVersion: 0, state: {} },
      { streamId, version: 1, eventId, schemaVersion: 1, state: {}, takenAt: 'yesterday' },
      { streamId, version: 1, eventId, schemaVersion: 1, state: {}, takenAt: '2025-01-01T00:00:00Z' },
      { streamId: '', version: 1, eventId, schemaVersion: 1, state: {} },
      { streamId, version: 1, eventId: '', schemaVersion: 1, state: {} },
      { streamId, version: 1, schemaVersion: 1, state: {} },
    ];
    for (const snapshot of bad) {
      const error = await snapshots.save(snapshot as never).catch((caught: unknown) => caught);
      expect(isInvalidInputError(error), JSON.stringify(snapshot)).toBe(true);
    }
    const unsupported = await snapshots
      .save({ streamId, version: 1, eventId, schemaVersion: 1, state: { at: new Date() } })
      .catch((caught: unknown) => caught);
    expect(isUnsupportedValueError(unsupported)).toBe(true);
    expect(await load(streamId)).toBeUndefined();
  });

  it('overwrites whatever is stored when asked to (to replace a snapshot found invalid)', async () => {
    const streamId = uniqueId('account');
    await snapshots.save({ streamId, version: 13, eventId, schemaVersion: 1, state: { bogus: true } });
    const older = { streamId, version: 12, eventId: 'other-event', schemaVersion: 1, state: { balance: 12 } };
    expect(await snapshots.save(older)).toEqual({ written: false });
    expect(await snapshots.save(older, { overwrite: true })).toEqual({ written: true });
    expect(await load(streamId)).toMatchObject({
      version: 12,
      eventId: 'other-event',
      state: { balance: 12 },
    });
    await expect(snapshots.save(older, { overwrite: 'yes' as never })).rejects.toThrow(/options\.overwrite/);
  });

  it('rejects malformed construction and load arguments', async () => {
    expect(() => new SnapshotStore({ client: testClient(), tableName: '' })).toThrow(/Invalid tableName/);
    expect(() => new SnapshotStore({ client: {} as never, tableName: 'snapshots' })).toThrow(
      /Invalid client/,
    );
    await expect(snapshots.load('')).rejects.toThrow(/Invalid streamId/);
  });

  it('creates its table idempotently, with no DynamoDB stream, and refuses a table of another shape', async () => {
    await createSnapshotTable(testClient(), { tableName });
    const { Table } = await testClient().send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
    const events = uniqueId('events');
    await createEventTable(testClient(), { tableName: events });
    await expect(createSnapshotTable(testClient(), { tableName: events })).rejects.toThrow(/key schema/);
  });
});
