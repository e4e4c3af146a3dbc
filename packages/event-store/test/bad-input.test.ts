import { beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from '../../../test/support/request-counter.js';
import {
  EventStore,
  isEventTooLargeError,
  isInvalidInputError,
  isTransactionTooLargeError,
  isUnsupportedValueError,
} from '../src/index.js';
import { event, eventsTable, incompressible, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

/** Runs `attempt`, expects the given typed error, and that nothing at all was sent. */
async function expectRejectedLocally(
  attempt: () => Promise<unknown>,
  guard: (e: unknown) => boolean,
  message?: RegExp,
) {
  const requests = countRequests(table.client);
  try {
    const error = await attempt().then(
      () => expect.unreachable('should have been rejected'),
      (caught: unknown) => caught,
    );
    expect(guard(error), String(error)).toBe(true);
    if (message) expect((error as Error).message).toMatch(message);
    expect(requests.count()).toBe(0);
  } finally {
    requests.remove();
  }
}

const anyVersion = { expectedVersion: 'any' } as const;

describe('bad input is rejected with a typed error before anything is sent', () => {
  const store = () => table.newStore();

  it.each([
    ['an empty stream id', ''],
    ['an over-long stream id', 'x'.repeat(1025)],
    ['a stream id of too many bytes', 'é'.repeat(600)],
    ['a stream id with control characters', 'a\nb'],
    ['a non-string stream id', 42],
  ])('stream id: %s', async (_name, streamId) => {
    await expectRejectedLocally(
      () => store().append(streamId as string, [event()], anyVersion),
      isInvalidInputError,
      /streamId/,
    );
    await expectRejectedLocally(() => store().readStream(streamId as string), isInvalidInputError);
  });

  it.each([
    ['an empty event list', []],
    ['not an array', { type: 'A', data: 1 }],
    ['a missing type', [{ data: 1 }]],
    ['a non-string type', [{ type: 7, data: 1 }]],
    ['an empty type', [{ type: '', data: 1 }]],
    ['missing data', [{ type: 'A' }]],
    ['array metadata', [{ type: 'A', data: 1, metadata: [] }]],
    [
      'a duplicate event id',
      [
        { type: 'A', data: 1, eventId: 'x' },
        { type: 'B', data: 1, eventId: 'x' },
      ],
    ],
    ['a null event', [null]],
  ])('events: %s', async (_name, events) => {
    await expectRejectedLocally(
      () => store().append(newStreamId(), events as never, anyVersion),
      isInvalidInputError,
    );
  });

  it.each([
    ['a function', { f: () => 1 }],
    ['a symbol', { s: Symbol('s') }],
    ['undefined inside an array', { list: [undefined] }],
    ['NaN', { amount: Number.NaN }],
    ['Infinity', { amount: Number.POSITIVE_INFINITY }],
    ['a Date', { at: new Date() }],
    ['a class instance', { money: new (class Money {})() }],
  ])('data holding %s', async (_name, data) => {
    await expectRejectedLocally(
      () => store().append(newStreamId(), [event(), { type: 'Bad', data }], anyVersion),
      isUnsupportedValueError,
    );
  });

  it.each([
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['an unknown string', 'latest'],
    ['missing', undefined],
  ])('expected version: %s', async (_name, expectedVersion) => {
    await expectRejectedLocally(
      () => store().append(newStreamId(), [event()], { expectedVersion: expectedVersion as never }),
      isInvalidInputError,
      /expectedVersion/,
    );
  });

  it('read options: bad bounds, direction and limit', async () => {
    for (const options of [
      { fromVersion: 0 },
      { toVersion: -1 },
      { direction: 'sideways' },
      { limit: 0 },
      { fromVersion: 1.5 },
    ]) {
      expect(() => store().read(newStreamId(), options as never)).toThrow(
        expect.objectContaining({ code: 'DYNAMO_ES_INVALID_INPUT' }),
      );
    }
  });

  it('an event over 400 KB', async () => {
    await expectRejectedLocally(
      () =>
        store().append(
          newStreamId(),
          [event(), event('Huge', { blob: incompressible(600 * 1024) })],
          anyVersion,
        ),
      isEventTooLargeError,
      /Huge/,
    );
  });

  it('a transaction over 100 items or 4 MB', async () => {
    const many = Array.from({ length: 101 }, () => event());
    await expectRejectedLocally(
      () => store().append(newStreamId(), many, anyVersion),
      isTransactionTooLargeError,
      /101/,
    );
    // 16 events of about 285 KB each once compressed: over the transaction's 4 MB.
    const heavy = Array.from({ length: 16 }, () => event('Heavy', { blob: incompressible(380 * 1024) }));
    await expectRejectedLocally(
      () => store().append(newStreamId(), heavy, anyVersion),
      isTransactionTooLargeError,
      /bytes/,
    );
    const twoStreams = [
      {
        streamId: newStreamId(),
        events: Array.from({ length: 60 }, () => event()),
        expectedVersion: 'any' as const,
      },
      {
        streamId: newStreamId(),
        events: Array.from({ length: 60 }, () => event()),
        expectedVersion: 'any' as const,
      },
    ];
    await expect(store().appendMany(twoStreams)).rejects.toSatisfy(isTransactionTooLargeError);
  });

  it('a store without a client or table name', () => {
    expect(() => new EventStore({ client: undefined as never, tableName: 'events' })).toThrow(/client/);
    expect(() => new EventStore({ client: table.client, tableName: '' })).toThrow(/tableName/);
  });
});
