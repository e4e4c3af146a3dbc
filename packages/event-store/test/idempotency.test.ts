import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { countRequests } from '../../../test/support/request-counter.js';
import {
  type ConcurrencyError,
  createIdempotencyTable,
  decodeIdempotencyItem,
  encodeIdempotencyItem,
  type IdempotencyKeyExistsError,
  isConcurrencyError,
  isCorruptIdempotencyRecordError,
  isIdempotencyKeyExistsError,
  isInvalidInputError,
  isTransactionTooLargeError,
} from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
let keys: string;
beforeAll(async () => {
  table = await eventsTable();
  keys = uniqueId('keys');
  await createIdempotencyTable(table.client, { tableName: keys });
});

const keyedStore = (overrides: { expireAfterSeconds?: number; now?: () => Date } = {}) =>
  table.newStore({
    idempotency: {
      tableName: keys,
      ...(overrides.expireAfterSeconds ? { expireAfterSeconds: overrides.expireAfterSeconds } : {}),
    },
    ...(overrides.now ? { now: overrides.now } : {}),
  });
const key = (command = 'Deposit', fingerprint = 'f1') => ({ key: uniqueId('req'), command, fingerprint });

async function seeded(events = 1): Promise<string> {
  const streamId = newStreamId();
  await table.newStore().append(
    streamId,
    Array.from({ length: events }, () => event()),
    { expectedVersion: 'no-stream' },
  );
  return streamId;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('keyed appends', () => {
  it('write the record in the same transaction as the events: one request', async () => {
    const store = keyedStore();
    const streamId = await seeded();
    await store.streamVersion(streamId);
    const requests = countRequests(table.client);
    const idempotency = key();
    const result = await store.append(streamId, [event()], { expectedVersion: 1, idempotency });
    expect(requests.byCommand()).toEqual({ TransactWriteItemsCommand: 1 });
    requests.remove();
    expect(result).toMatchObject({ version: 2, duplicate: false });
    expect(await store.idempotencyRecord(idempotency.key)).toMatchObject({
      ...idempotency,
      streams: [{ streamId, version: 2, events: 1 }],
    });
  });

  it('record the versions of every stream, the ones only checked included', async () => {
    const store = keyedStore();
    const [a, b, c] = [await seeded(), await seeded(2), newStreamId()];
    const idempotency = key('Transfer');
    await store.appendMany(
      [
        { streamId: a, events: [event()], expectedVersion: 1 },
        { streamId: b, events: [], expectedVersion: 2 },
        { streamId: c, events: [event(), event()], expectedVersion: 'no-stream' },
      ],
      { idempotency },
    );
    expect((await store.idempotencyRecord(idempotency.key))?.streams).toEqual([
      { streamId: a, version: 2, events: 1 },
      { streamId: b, version: 2, events: 0 },
      { streamId: c, version: 2, events: 2 },
    ]);
  });

  it('refuse a key recorded by another append, with its record, writing nothing', async () => {
    const store = keyedStore();
    const [a, b] = [await seeded(), await seeded()];
    const idempotency = key();
    await store.append(a, [event()], { expectedVersion: 1, idempotency });
    const error = await rejection(
      store.append(b, [event()], { expectedVersion: 1, idempotency: { ...idempotency, command: 'Other' } }),
    );
    expect(isIdempotencyKeyExistsError(error)).toBe(true);
    expect((error as IdempotencyKeyExistsError).record).toMatchObject({
      command: 'Deposit',
      streams: [{ streamId: a, version: 2, events: 1 }],
    });
    expect(await table.rawVersions(b)).toEqual([1]);
  });

  it('report the taken key rather than a conflict when both happen', async () => {
    const store = keyedStore();
    const streamId = await seeded();
    const idempotency = key();
    await store.append(streamId, [event()], { expectedVersion: 1, idempotency });
    const error = await rejection(store.append(streamId, [event()], { expectedVersion: 1, idempotency }));
    expect(isIdempotencyKeyExistsError(error)).toBe(true);
  });

  it('store once when the answer was lost and the SDK retried the transaction', async () => {
    const store = keyedStore();
    const [a, b] = [await seeded(), await seeded()];
    const faults = injectFaults(table.client, { seed: 3, rate: 1, kinds: ['lost-response'], limit: 1 });
    const idempotency = key('Transfer');
    const results = await store.appendMany(
      [
        { streamId: a, events: [event()], expectedVersion: 1 },
        { streamId: b, events: [event()], expectedVersion: 1 },
      ],
      { idempotency },
    );
    faults.remove();
    expect(faults.total()).toBe(1);
    // The SDK's retry carries the same ClientRequestToken: DynamoDB answers it as the first.
    expect(results.map((result) => result.version)).toEqual([2, 2]);
    expect([await table.rawVersions(a), await table.rawVersions(b)]).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect((await store.idempotencyRecord(idempotency.key))?.streams.map((s) => s.version)).toEqual([2, 2]);
  });

  it('recognise its own record when the answer of a record-only write was lost and the SDK retried', async () => {
    const store = keyedStore();
    const streamId = await seeded();
    const faults = injectFaults(table.client, { seed: 4, rate: 1, kinds: ['lost-response'], limit: 1 });
    const [result] = await store.appendMany([{ streamId, events: [], expectedVersion: 1 }], {
      idempotency: key('Noop'),
    });
    faults.remove();
    expect(faults.total()).toBe(1);
    expect(result).toEqual({ version: 1, events: [], duplicate: true });
  });

  it('write only the record, in one PutItem, when no stream has events', async () => {
    const store = keyedStore();
    const streamId = await seeded(3);
    const idempotency = key('Open');
    const requests = countRequests(table.client);
    const [result] = await store.appendMany([{ streamId, events: [], expectedVersion: 3 }], { idempotency });
    expect(requests.byCommand()).toEqual({ PutItemCommand: 1 });
    requests.remove();
    expect(result).toEqual({ version: 3, events: [], duplicate: false });
    expect((await store.idempotencyRecord(idempotency.key))?.streams).toEqual([
      { streamId, version: 3, events: 0 },
    ]);
  });

  it('let an expired record go: not found, and its key taken again', async () => {
    let now = new Date('2030-01-01T00:00:00.000Z');
    const store = keyedStore({ expireAfterSeconds: 60, now: () => now });
    const [a, b] = [await seeded(), await seeded()];
    const idempotency = key();
    await store.append(a, [event()], { expectedVersion: 1, idempotency });
    expect((await store.idempotencyRecord(idempotency.key))?.expiresAt).toBe('2030-01-01T00:01:00.000Z');
    now = new Date('2030-01-01T00:01:01.000Z');
    expect(await store.idempotencyRecord(idempotency.key)).toBeUndefined();
    await store.append(b, [event()], { expectedVersion: 1, idempotency });
    expect((await store.idempotencyRecord(idempotency.key))?.streams[0]?.streamId).toBe(b);
  });

  it('count the record against the 100-item transaction limit, before sending anything', async () => {
    const store = keyedStore();
    const streamId = newStreamId();
    const requests = countRequests(table.client);
    const hundred = Array.from({ length: 100 }, () => event());
    const error = await rejection(
      store.append(streamId, hundred, { expectedVersion: 'no-stream', idempotency: key() }),
    );
    expect(isTransactionTooLargeError(error)).toBe(true);
    expect(requests.count()).toBe(0);
    requests.remove();
    await store.append(streamId, hundred.slice(1), { expectedVersion: 'no-stream', idempotency: key() });
    expect(await store.streamVersion(streamId)).toBe(99);
  });
});

describe('appendMany with a stream that has no events', () => {
  it('checks that the stream has not moved, in the same transaction', async () => {
    const store = table.newStore();
    const [a, b] = [await seeded(), await seeded()];
    await table.newStore().append(b, [event()], { expectedVersion: 1 });
    const error = await rejection(
      store.appendMany([
        { streamId: a, events: [event()], expectedVersion: 1 },
        { streamId: b, events: [], expectedVersion: 1 },
      ]),
    );
    expect(isConcurrencyError(error)).toBe(true);
    expect(error).toMatchObject({ streamId: b, expectedVersion: 1, actualVersion: 2 });
    expect(await table.rawVersions(a)).toEqual([1]);
  });

  it('goes through when it has not moved', async () => {
    const store = table.newStore();
    const [a, b] = [await seeded(), await seeded()];
    const results = await store.appendMany([
      { streamId: a, events: [event()], expectedVersion: 1 },
      { streamId: b, events: [], expectedVersion: 1 },
    ]);
    expect(results.map((result) => [result.version, result.events.length])).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });
});

it('reports every stream that moved in one ConcurrencyError', async () => {
  const [a, b, c] = [await seeded(), await seeded(), await seeded()];
  const rival = table.newStore();
  await rival.append(a, [event()], { expectedVersion: 1 });
  await rival.append(c, [event(), event()], { expectedVersion: 1 });
  const error = (await rejection(
    table.newStore().appendMany([
      { streamId: a, events: [event()], expectedVersion: 1 },
      { streamId: b, events: [event()], expectedVersion: 1 },
      { streamId: c, events: [event()], expectedVersion: 1 },
    ]),
  )) as ConcurrencyError;
  expect(error.streamId).toBe(a);
  expect(error.conflicts.map((conflict) => [conflict.streamId, conflict.actualVersion])).toEqual([
    [a, 2],
    [c, 2],
  ]);
});

describe('bad keyed input is refused before any request', () => {
  const cases: [string, (streamId: string) => Promise<unknown>][] = [
    [
      'a key on a store without an idempotency table',
      (s) => table.newStore().append(s, [event()], { expectedVersion: 'any', idempotency: key() }),
    ],
    [
      'an empty key',
      (s) => keyedStore().append(s, [event()], { expectedVersion: 0, idempotency: { ...key(), key: '' } }),
    ],
    [
      'a key with a control character',
      (s) =>
        keyedStore().append(s, [event()], { expectedVersion: 0, idempotency: { ...key(), key: 'a\nb' } }),
    ],
    [
      'a fingerprint that is not a string',
      (s) =>
        keyedStore().append(s, [event()], {
          expectedVersion: 0,
          idempotency: { ...key(), fingerprint: 5 as never },
        }),
    ],
    [
      'no events at all, without a key',
      (s) => keyedStore().appendMany([{ streamId: s, events: [], expectedVersion: 0 }]),
    ],
    [
      "a stream without events and expected version 'any'",
      (s) =>
        keyedStore().appendMany([{ streamId: s, events: [], expectedVersion: 'any' }], {
          idempotency: key(),
        }),
    ],
    ['a record lookup on a store without a table', () => table.newStore().idempotencyRecord('k')],
  ];

  it.each(cases)('%s', async (_name, action) => {
    const requests = countRequests(table.client);
    const error = await rejection(action(newStreamId()));
    expect(isInvalidInputError(error)).toBe(true);
    expect(requests.count()).toBe(0);
    requests.remove();
  });
});

describe('idempotency records (offline)', () => {
  it('round-trip exactly', () => {
    const record = {
      key: 'req-1',
      command: 'Transfer',
      fingerprint: 'abc',
      streams: [
        { streamId: 'a', version: 4, events: 1 },
        { streamId: 'b', version: 9, events: 0 },
      ],
      recordedAt: '2030-01-01T00:00:00.123Z',
      writeId: 'w-1',
      expiresAt: '2030-01-02T00:00:01.000Z',
    };
    expect(decodeIdempotencyItem(encodeIdempotencyItem(record).item)).toEqual(record);
  });

  it('fail to decode an item that is not a record with a typed error', async () => {
    const tableName = keys;
    await table.client.send(
      new PutItemCommand({ TableName: tableName, Item: { k: { S: 'junk' }, b: { S: '{' } } }),
    );
    const error = await rejection(keyedStore().idempotencyRecord('junk'));
    expect(isCorruptIdempotencyRecordError(error)).toBe(true);
    const raw = await table.client.send(
      new GetItemCommand({ TableName: tableName, Key: { k: { S: 'junk' } } }),
    );
    expect(() => decodeIdempotencyItem(raw.Item ?? {})).toThrow(/not JSON/);
  });
});
