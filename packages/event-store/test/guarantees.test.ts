import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { countRequests } from '../../../test/support/request-counter.js';
import {
  type ConcurrencyError,
  type ExpectedVersion,
  isConcurrencyError,
  isCorruptEventError,
  isEventIdReusedError,
  isTransientError,
  isUnsupportedValueError,
} from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

const withId = (eventId: string) => ({ ...event(), eventId });

/** Runs `work` with the answers of its writes lost: each write lands, then a TimeoutError is thrown. */
async function loseAnswers(work: () => Promise<unknown>, writes = 1): Promise<void> {
  const faults = injectFaults(table.client, {
    seed: 1,
    rate: 1,
    kinds: ['lost-response'],
    limit: writes,
    where: 'outside-sdk-retries',
  });
  try {
    await expect(work()).rejects.toMatchObject({ name: 'TimeoutError' });
  } finally {
    faults.remove();
  }
}

async function seededStream(events = 1): Promise<string> {
  const streamId = newStreamId();
  await table.newStore().append(
    streamId,
    Array.from({ length: events }, () => event()),
    { expectedVersion: 'no-stream' },
  );
  return streamId;
}

describe('a retried appendMany whose answer was lost returns the original result', () => {
  const modes: [ExpectedVersion | 'head', ExpectedVersion | 'head'][] = [
    ['any', 'head'],
    ['head', 'any'],
    ['exists', 'no-stream'],
    ['any', 'any'],
    ['head', 'head'],
  ];
  it.each(modes)('with expected versions %s and %s', async (modeA, modeB) => {
    const a = await seededStream();
    const b = modeB === 'no-stream' ? newStreamId() : await seededStream();
    const expected = (mode: ExpectedVersion | 'head') => (mode === 'head' ? 1 : mode);
    const appends = [
      { streamId: a, events: [withId(`${a}-x1`)], expectedVersion: expected(modeA) },
      { streamId: b, events: [withId(`${b}-x2`)], expectedVersion: expected(modeB) },
    ];
    const store = table.newStore();
    await loseAnswers(() => store.appendMany(appends));
    const retried = await table.newStore().appendMany(appends);
    expect(retried.map((result) => result.duplicate)).toEqual([true, true]);
    expect(retried.map((result) => result.events.map((e) => [e.eventId, e.version]))).toEqual([
      [[`${a}-x1`, 2]],
      [[`${b}-x2`, modeB === 'no-stream' ? 1 : 2]],
    ]);
    expect(await table.rawVersions(a)).toEqual([1, 2]);
    expect(await table.rawVersions(b)).toEqual(modeB === 'no-stream' ? [1] : [1, 2]);
  });

  it("stores no duplicate when another writer moved one 'any' stream in between", async () => {
    const [a, b] = [await seededStream(), await seededStream()];
    const appends = [
      { streamId: a, events: [withId(`${a}-x1`)], expectedVersion: 'any' as const },
      { streamId: b, events: [withId(`${b}-x2`)], expectedVersion: 'any' as const },
    ];
    await loseAnswers(() => table.newStore().appendMany(appends));
    await table.newStore().append(b, [event('Other')], { expectedVersion: 'any' });
    const retried = await table.newStore().appendMany(appends);
    expect(retried.map((r) => [r.duplicate, r.version])).toEqual([
      [true, 2],
      [true, 2],
    ]);
    expect(await table.rawVersions(a)).toEqual([1, 2]);
    expect(await table.rawVersions(b)).toEqual([1, 2, 3]);
  });

  it('refuses an event id stored by another append, writing nothing', async () => {
    const a = await seededStream();
    const b = await seededStream();
    await table.newStore().append(a, [withId(`${a}-reused`)], { expectedVersion: 1 });
    const error = await table
      .newStore()
      .appendMany([
        { streamId: a, events: [withId(`${a}-reused`)], expectedVersion: 1 },
        { streamId: b, events: [withId(`${b}-new`)], expectedVersion: 1 },
      ])
      .catch((caught: unknown) => caught);
    expect(isEventIdReusedError(error)).toBe(true);
    expect(await table.rawVersions(b)).toEqual([1]);
  });
});

describe('conflicts', () => {
  it('cost no read beyond the write: ALL_OLD tells the version found', async () => {
    const streamId = await seededStream(3);
    const store = table.newStore();
    await store.readStream(streamId);
    await table.newStore().append(streamId, [event()], { expectedVersion: 3 });
    const requests = countRequests(table.client);
    const error = await store.append(streamId, [event()], { expectedVersion: 3 }).catch((e: unknown) => e);
    expect(isConcurrencyError(error)).toBe(true);
    expect((error as ConcurrencyError).actualVersion).toBe(4);
    expect(requests.byCommand()).toEqual({ PutItemCommand: 1 });
    requests.remove();
  });
});

describe('transient transaction cancellations', () => {
  it('are retried, and the events are stored once', async () => {
    const streamId = await seededStream();
    const faults = injectFaults(table.client, {
      seed: 2,
      rate: 1,
      kinds: ['transaction-conflict'],
      limit: 3,
      where: 'outside-sdk-retries',
    });
    const retries: number[] = [];
    const store = table.newStore({ logger: { ...console, info: () => retries.push(1), debug: () => {} } });
    const result = await store
      .append(streamId, [event('A'), event('B')], { expectedVersion: 'any' })
      .finally(() => faults.remove());
    expect(faults.total()).toBe(3);
    expect(retries).toHaveLength(3);
    expect(result).toMatchObject({ version: 3, duplicate: false });
    expect(await table.rawVersions(streamId)).toEqual([1, 2, 3]);
  });

  it('surface as TransientError after maxAppendAttempts, with nothing written', async () => {
    const streamId = await seededStream();
    const faults = injectFaults(table.client, {
      seed: 3,
      rate: 1,
      kinds: ['transaction-conflict'],
      where: 'outside-sdk-retries',
    });
    const error = await table
      .newStore({ maxAppendAttempts: 3 })
      .append(streamId, [event('A'), event('B')], { expectedVersion: 1 })
      .catch((caught: unknown) => caught)
      .finally(() => faults.remove());
    expect(isTransientError(error)).toBe(true);
    expect(faults.counts()).toEqual({ 'transaction-conflict': 3 });
    expect(await table.rawVersions(streamId)).toEqual([1]);
  });
});

describe('foreign items in the events table', () => {
  it('never let the store write a gap, whatever their version', async () => {
    const streamId = await seededStream(2);
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: { s: { S: streamId }, v: { N: '100000000000000000000' }, t: { S: 'Foreign' } },
      }),
    );
    const store = table.newStore();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await store.append(streamId, [event()], { expectedVersion: 10 }).catch((e: unknown) => e);
      expect(isCorruptEventError(error) || isConcurrencyError(error)).toBe(true);
    }
    await expect(store.append(streamId, [event()], { expectedVersion: 'any' })).rejects.toSatisfy(
      isCorruptEventError,
    );
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 's = :s AND v < :max',
        ExpressionAttributeValues: { ':s': { S: streamId }, ':max': { N: '1000' } },
        ConsistentRead: true,
      }),
    );
    expect(page.Items?.map((item) => Number(item.v?.N))).toEqual([1, 2]);
  });

  it('make a read fail on a missing version instead of returning a history with a hole', async () => {
    const streamId = newStreamId();
    const store = table.newStore();
    await store.append(streamId, [event()], { expectedVersion: 'no-stream' });
    const { events } = await store.readStream(streamId);
    const third = { ...(events[0] as NonNullable<(typeof events)[0]>), version: 3 };
    const { encodeEventItem } = await import('../src/index.js');
    await table.client.send(
      new PutItemCommand({ TableName: table.tableName, Item: encodeEventItem(third).item }),
    );
    await expect(table.newStore().readStream(streamId)).rejects.toThrow(/has no version 2/);
  });
});

describe('bad values are rejected before anything is sent', () => {
  it.each([
    ['a Date', new Date()],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a RegExp', /x/],
    ['an Error', new Error('x')],
    [
      'a class instance',
      new (class Money {
        amount = 1;
      })(),
    ],
  ])('metadata that is %s', async (_, metadata) => {
    const requests = countRequests(table.client);
    const error = await table
      .newStore()
      .append(newStreamId(), [{ ...event(), metadata: metadata as never }], { expectedVersion: 'any' })
      .catch((caught: unknown) => caught);
    expect((error as { path?: string }).path).toBe('events[0].metadata');
    expect(requests.count()).toBe(0);
    requests.remove();
  });

  it('data nested one level deeper than DynamoDB stores', async () => {
    let deep: unknown = 1;
    for (let level = 0; level < 32; level++) deep = { a: deep };
    const requests = countRequests(table.client);
    const error = await table
      .newStore()
      .append(newStreamId(), [event('Deep', deep)], { expectedVersion: 'any' })
      .catch((caught: unknown) => caught);
    expect(isUnsupportedValueError(error)).toBe(true);
    expect(requests.count()).toBe(0);
    requests.remove();
    const stored = (deep as { a: unknown }).a;
    const streamId = newStreamId();
    await table.newStore().append(streamId, [event('Deep', stored)], { expectedVersion: 'any' });
    expect((await table.newStore().readStream(streamId)).events[0]?.data).toEqual(stored);
  });
});
