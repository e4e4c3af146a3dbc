import { beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from '../../../test/support/request-counter.js';
import { type ConcurrencyError, isConcurrencyError, isInvalidInputError } from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

async function expectConflict(promise: Promise<unknown>, actualVersion: number) {
  const error = await promise.then(
    () => expect.unreachable('the append should have failed'),
    (caught: unknown) => caught,
  );
  expect(isConcurrencyError(error)).toBe(true);
  expect((error as ConcurrencyError).actualVersion).toBe(actualVersion);
  return error as ConcurrencyError;
}

describe('append', () => {
  it('starts a stream at version 1 and returns the stored events', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    const result = await store.append(
      streamId,
      [{ type: 'Opened', data: { owner: 'Ada' }, metadata: { correlationId: 'c1', causationId: 'k1' } }],
      { expectedVersion: 'no-stream' },
    );
    expect(result.version).toBe(1);
    expect(result.events[0]).toMatchObject({
      streamId,
      version: 1,
      type: 'Opened',
      data: { owner: 'Ada' },
      metadata: { correlationId: 'c1', causationId: 'k1' },
      schemaVersion: 1,
    });
    expect(result.events[0]?.eventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const { events } = await store.readStream(streamId);
    expect(events).toEqual(result.events);
  });

  it('writes every event of one call atomically with contiguous versions', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    await store.append(streamId, [event()], { expectedVersion: 0 });
    const result = await store.append(streamId, [event('A'), event('B'), event('C')], { expectedVersion: 1 });
    expect(result.events.map((e) => e.version)).toEqual([2, 3, 4]);
    expect(await table.rawVersions(streamId)).toEqual([1, 2, 3, 4]);
  });

  it('rejects an append whose expected version is behind, writing nothing', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    await store.append(streamId, [event(), event()], { expectedVersion: 'no-stream' });
    const error = await expectConflict(store.append(streamId, [event(), event()], { expectedVersion: 1 }), 2);
    expect(error).toMatchObject({ streamId, expectedVersion: 1 });
    // The conflict reports the version it found in the slot it wanted (no extra read): at least 1.
    await expectConflict(store.append(streamId, [event()], { expectedVersion: 'no-stream' }), 1);
    expect(await table.rawVersions(streamId)).toEqual([1, 2]);
  });

  it('never leaves a gap when the expected version is ahead of the stream', async () => {
    const streamId = newStreamId();
    await table.newStore().append(streamId, [event(), event()], { expectedVersion: 'no-stream' });
    // A fresh store has seen nothing of the stream, so it must prove version 5 exists.
    await expectConflict(table.newStore().append(streamId, [event()], { expectedVersion: 5 }), 2);
    await expectConflict(table.newStore().append(streamId, [event(), event()], { expectedVersion: 3 }), 2);
    // Even a store that has seen version 2 cannot be talked into writing version 4.
    const store = table.newStore();
    await store.readStream(streamId);
    await expectConflict(store.append(streamId, [event()], { expectedVersion: 3 }), 2);
    expect(await table.rawVersions(streamId)).toEqual([1, 2]);
  });

  it('accepts an unseen but correct expected version through a version check', async () => {
    const streamId = newStreamId();
    await table.newStore().append(streamId, [event(), event()], { expectedVersion: 'no-stream' });
    const result = await table.newStore().append(streamId, [event()], { expectedVersion: 2 });
    expect(result.version).toBe(3);
  });

  it("'exists' appends after the head and fails on a missing stream", async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    await expectConflict(store.append(streamId, [event()], { expectedVersion: 'exists' }), 0);
    await store.append(streamId, [event()], { expectedVersion: 'any' });
    const result = await store.append(streamId, [event(), event()], { expectedVersion: 'exists' });
    expect(result.version).toBe(3);
    expect(await table.rawVersions(streamId)).toEqual([1, 2, 3]);
  });

  it('costs one PutItem to append one event to a stream just loaded', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    await table.newStore().append(streamId, [event(), event()], { expectedVersion: 'no-stream' });
    await store.readStream(streamId);
    const requests = countRequests(table.client);
    await store.append(streamId, [event()], { expectedVersion: 2 });
    expect(requests.byCommand()).toEqual({ PutItemCommand: 1 });
    requests.reset();
    await store.append(streamId, [event(), event()], { expectedVersion: 3 });
    expect(requests.byCommand()).toEqual({ TransactWriteItemsCommand: 1 });
    requests.remove();
  });

  it('validates every event before sending anything', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    const requests = countRequests(table.client);
    await expect(
      store.append(streamId, [event(), { type: 'Bad', data: { when: new Date() } }], {
        expectedVersion: 'any',
      }),
    ).rejects.toThrow(/data\.when/);
    await expect(store.append(streamId, [], { expectedVersion: 'any' })).rejects.toSatisfy(
      isInvalidInputError,
    );
    expect(requests.count()).toBe(0);
    requests.remove();
  });
});

describe('idempotent retries', () => {
  it('returns the original result when the same event id is appended again', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    const first = await store.append(streamId, [{ ...event(), eventId: 'evt-1' }], {
      expectedVersion: 'no-stream',
    });
    const again = await table.newStore().append(streamId, [{ ...event(), eventId: 'evt-1' }], {
      expectedVersion: 'no-stream',
    });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await table.rawVersions(streamId)).toEqual([1]);
  });

  it('recognises a retried multi-event append even after the stream moved on', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    const batch = [
      { ...event('A'), eventId: 'a-1' },
      { ...event('B'), eventId: 'a-2' },
    ];
    const first = await store.append(streamId, batch, { expectedVersion: 'no-stream' });
    await store.append(streamId, [event('C')], { expectedVersion: 2 });
    const again = await table.newStore().append(streamId, batch, { expectedVersion: 0 });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await table.rawVersions(streamId)).toEqual([1, 2, 3]);
  });

  it("recognises a retried 'any' append whose events are still the newest", async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    await store.append(streamId, [event()], { expectedVersion: 'any' });
    const batch = [{ ...event(), eventId: 'x-1' }];
    const first = await store.append(streamId, batch, { expectedVersion: 'any' });
    expect(await store.append(streamId, batch, { expectedVersion: 'any' })).toEqual({
      ...first,
      duplicate: true,
    });
    expect(await table.rawVersions(streamId)).toEqual([1, 2]);
  });

  it('reports a conflict when a different event holds the version', async () => {
    const store = table.newStore();
    const streamId = newStreamId();
    await store.append(streamId, [{ ...event(), eventId: 'one' }], { expectedVersion: 'no-stream' });
    await expectConflict(store.append(streamId, [{ ...event(), eventId: 'two' }], { expectedVersion: 0 }), 1);
  });
});

describe('appendMany', () => {
  it('writes several streams atomically', async () => {
    const store = table.newStore();
    const [from, to] = [newStreamId(), newStreamId()];
    await store.append(from, [event('Opened')], { expectedVersion: 'no-stream' });
    await store.append(to, [event('Opened')], { expectedVersion: 'no-stream' });
    const results = await store.appendMany([
      { streamId: from, events: [event('Withdrawn')], expectedVersion: 1 },
      { streamId: to, events: [event('Deposited')], expectedVersion: 1 },
    ]);
    expect(results.map((r) => r.version)).toEqual([2, 2]);
  });

  it('writes nothing to any stream when one expected version is wrong', async () => {
    const store = table.newStore();
    const [from, to] = [newStreamId(), newStreamId()];
    await store.append(from, [event()], { expectedVersion: 'no-stream' });
    const error = await expectConflict(
      store.appendMany([
        { streamId: from, events: [event()], expectedVersion: 1 },
        { streamId: to, events: [event()], expectedVersion: 3 },
      ]),
      0,
    );
    expect(error.streamId).toBe(to);
    expect(await table.rawVersions(from)).toEqual([1]);
    expect(await table.rawVersions(to)).toEqual([]);
  });

  it('is idempotent across streams', async () => {
    const store = table.newStore();
    const [a, b] = [newStreamId(), newStreamId()];
    const appends = [
      { streamId: a, events: [{ ...event(), eventId: 'm-a' }], expectedVersion: 'no-stream' as const },
      { streamId: b, events: [{ ...event(), eventId: 'm-b' }], expectedVersion: 'no-stream' as const },
    ];
    const first = await store.appendMany(appends);
    expect(await table.newStore().appendMany(appends)).toEqual(first.map((r) => ({ ...r, duplicate: true })));
  });

  it('rejects the same stream twice', async () => {
    const streamId = newStreamId();
    await expect(
      table.newStore().appendMany([
        { streamId, events: [event()], expectedVersion: 'any' },
        { streamId, events: [event()], expectedVersion: 'any' },
      ]),
    ).rejects.toThrow(/appears twice/);
  });
});
