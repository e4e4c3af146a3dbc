import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from '../../../test/support/request-counter.js';
import { encodeEventItem, type StoredEvent } from '../src/index.js';
import { event, eventsTable, incompressible, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

async function collect(iterable: AsyncIterable<StoredEvent>) {
  const out: number[] = [];
  for await (const e of iterable) out.push(e.version);
  return out;
}

describe('read', () => {
  let streamId: string;
  beforeAll(async () => {
    streamId = newStreamId();
    const store = table.newStore();
    for (let i = 0; i < 4; i++) {
      await store.append(streamId, [event(), event(), event()], { expectedVersion: i * 3 });
    }
  });

  it('reads forward and backward, bounded by version and limit', async () => {
    const store = table.newStore();
    expect(await collect(store.read(streamId))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await collect(store.read(streamId, { fromVersion: 4, toVersion: 6 }))).toEqual([4, 5, 6]);
    expect(await collect(store.read(streamId, { direction: 'backward' }))).toEqual([
      12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
    expect(
      await collect(store.read(streamId, { direction: 'backward', fromVersion: 5, toVersion: 3 })),
    ).toEqual([5, 4, 3]);
    expect(await collect(store.read(streamId, { limit: 2, fromVersion: 11 }))).toEqual([11, 12]);
    expect(await collect(store.read(streamId, { direction: 'backward', limit: 1 }))).toEqual([12]);
    expect(await collect(store.read(streamId, { fromVersion: 13 }))).toEqual([]);
    expect(await collect(store.read(newStreamId()))).toEqual([]);
  });

  it('readStream returns version and existence, also from a later version', async () => {
    const store = table.newStore();
    expect(await store.readStream(newStreamId())).toEqual({ events: [], version: 0, exists: false });
    const tail = await store.readStream(streamId, { fromVersion: 11 });
    expect(tail.events.map((e) => e.version)).toEqual([11, 12]);
    expect(tail.version).toBe(12);
    const upToDate = await store.readStream(streamId, { fromVersion: 13 });
    expect(upToDate).toEqual({ events: [], version: 12, exists: true });
    const beyond = await store.readStream(streamId, { fromVersion: 40 });
    expect(beyond).toEqual({ events: [], version: 12, exists: true });
  });

  it('readStream after a snapshot at the head costs one request', async () => {
    const store = table.newStore();
    const requests = countRequests(table.client);
    await store.readStream(streamId, { fromVersion: 13 });
    expect(requests.count()).toBe(1);
    requests.remove();
  });

  it('paginates transparently across more than three 1 MB pages, both directions', async () => {
    const longStream = newStreamId();
    const payload = incompressible(100_000);
    const items = Array.from({ length: 40 }, (_, i) =>
      encodeEventItem(
        {
          streamId: longStream,
          version: i + 1,
          eventId: `big-${i}`,
          type: 'Big',
          data: { payload },
          metadata: {},
          recordedAt: new Date().toISOString(),
          schemaVersion: 1,
        },
        { compressAbove: false },
      ),
    );
    for (let i = 0; i < items.length; i += 10) {
      await table.client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table.tableName]: items.slice(i, i + 10).map((e) => ({ PutRequest: { Item: e.item } })),
          },
        }),
      );
    }
    const store = table.newStore();
    const requests = countRequests(table.client);
    const forward = await collect(store.read(longStream));
    expect(forward).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(requests.count()).toBeGreaterThanOrEqual(4);
    expect(await collect(store.read(longStream, { direction: 'backward' }))).toEqual(forward.reverse());
    const window = await collect(store.read(longStream, { fromVersion: 5, toVersion: 35 }));
    expect(window).toEqual(Array.from({ length: 31 }, (_, i) => i + 5));
    requests.remove();
  });
});
