import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregateRepository, DeciderCommandHandler, handleCommand } from '@dynamo-es/aggregate';
import { EventStore, EventStoreErrorCode, encodeEventItem, type StoredEvent } from '@dynamo-es/event-store';
import { defineProjection, ProjectionErrorCode, ReadModels } from '@dynamo-es/projections';
import { DynamoDBCheckpointStore, StreamRunner } from '@dynamo-es/stream-runner';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, testClient } from '../support/dynamodb.js';
import { countRequests, type RequestCounter } from '../support/request-counter.js';
import { Account, type LedgerEvent, ledgerProjection, streamKey } from './support/ledger.js';
import { recordingLogger } from './support/projection-runner.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';
import { readAllEvents, readModelAndFold } from './support/verify.js';

// Scenario 7: hostile input at every public entry point. Each call must fail with a typed error
// (a stable `DYNAMO_ES_*` code, a name ending in `Error`, a message) before sending anything:
// counted on a client of its own, and checked by reading the table afterwards.

let tables: LedgerTables;
let client: DynamoDBClient;
let requests: RequestCounter;
let store: EventStore<LedgerEvent>;

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'bad-input');
  client = createTestClient();
  requests = countRequests(client);
  store = new EventStore<LedgerEvent>({ client, tableName: tables.events });
});
afterAll(async () => {
  client.destroy();
  await deleteLedgerTables(testClient(), tables);
});

/** Runs `call` (iterating what it returns if it is an async iterable) and returns what it threw. */
async function thrownBy(call: () => unknown): Promise<unknown> {
  try {
    const result = await call();
    if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const _ of result as AsyncIterable<unknown>) break;
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

/** `call` fails with a typed error with this code (or any dynamo-es code), and sends no request. */
async function expectRejected(call: () => unknown, code?: string): Promise<void> {
  requests.reset();
  const error = (await thrownBy(call)) as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  expect(error, 'expected a typed error, got none').toBeDefined();
  expect(String(error?.code), String(error?.message)).toMatch(/^DYNAMO_ES_/);
  if (code) expect(error?.code, String(error?.message)).toBe(code);
  expect(String(error?.name)).toMatch(/Error$/);
  expect(String(error?.message).length).toBeGreaterThan(10);
  expect(requests.count()).toBe(0);
}

const { InvalidInput, UnsupportedValue, EventTooLarge, TransactionTooLarge } = EventStoreErrorCode;
// Not a default parameter: `deposit(undefined)` must pass `data: undefined` through.
const deposit = (...data: unknown[]) =>
  ({ type: 'Deposited', data: data.length === 0 ? { amount: 1, commandId: 'c' } : data[0] }) as never;
const randomText = (length: number): string => randomBytes(length).toString('base64').slice(0, length);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { next: nested(depth - 1) });
const cyclic = (): unknown => {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
};
class Money {
  amount = 1;
}

const BAD_STREAM_IDS: [string, unknown][] = [
  ['empty', ''],
  ['over 1,024 bytes', 'é'.repeat(513)],
  ['a NUL character', 'account\u0000'],
  ['a newline', 'account\n1'],
  ['DEL', 'account\u007f'],
  ['an unpaired surrogate', 'account\ud800'],
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['an object', { id: 'account-1' }],
];
const BAD_EXPECTED_VERSIONS: [string, unknown][] = [
  ['negative', -1],
  ['non-integer', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['beyond safe integers', 2 ** 53],
  ['a numeric string', '1'],
  ['an unknown string', 'latest'],
  ['NoStream in the wrong case', 'NoStream'],
  ['null', null],
  ['missing', undefined],
  ['an object', {}],
];
const BAD_DATA: [string, unknown, string][] = [
  ['NaN', { amount: Number.NaN }, UnsupportedValue],
  ['Infinity', { amount: Number.POSITIVE_INFINITY }, UnsupportedValue],
  ['1e400 (parses to Infinity)', { amount: JSON.parse('1e400') }, UnsupportedValue],
  ['-Infinity', { amount: Number.NEGATIVE_INFINITY }, UnsupportedValue],
  ['binary data (events are JSON)', { bytes: new Uint8Array([1, 2]) }, UnsupportedValue],
  ['an array with an extra property', { list: Object.assign([1], { total: 1 }) }, UnsupportedValue],
  ['a bigint', { amount: 10n }, UnsupportedValue],
  ['a Date', { at: new Date() }, UnsupportedValue],
  ['a Map', { m: new Map() }, UnsupportedValue],
  ['a Set', { s: new Set([1]) }, UnsupportedValue],
  ['a function', { f: () => 1 }, UnsupportedValue],
  ['a symbol', { s: Symbol('x') }, UnsupportedValue],
  ['a class instance', { money: new Money() }, UnsupportedValue],
  ['an unpaired surrogate', { text: 'a\udc00b' }, UnsupportedValue],
  ['an unpaired surrogate in a key', { 'a\ud800': 1 }, UnsupportedValue],
  ['a hole in an array', { list: new Array(3) }, UnsupportedValue],
  ['undefined in an array', { list: [1, undefined] }, UnsupportedValue],
  ['nesting 32 levels deep (one more than DynamoDB stores)', nested(32), UnsupportedValue],
  ['a cycle', cyclic(), UnsupportedValue],
  // Random base64 compresses to 3/4 at best: 600 KB of it is over 400 KB as sent.
  ['over 400 KB once compressed', { blob: randomText(600 * 1024) }, EventTooLarge],
  ['undefined (missing data)', undefined, InvalidInput],
];

describe('EventStore', () => {
  it('rejects bad constructor options', async () => {
    await expectRejected(() => new EventStore({} as never), InvalidInput);
    await expectRejected(() => new EventStore({ client, tableName: 'x' }), InvalidInput);
    await expectRejected(() => new EventStore({ client, tableName: 'bad name!' }), InvalidInput);
    await expectRejected(
      () => new EventStore({ client: {} as never, tableName: tables.events }),
      InvalidInput,
    );
  });

  // maxAppendAttempts bounds the retries of transient cancellations: with NaN or Infinity a stream
  // under constant TransactionConflict is retried forever. knownStreams bounds memory: NaN never evicts.
  it('rejects maxAppendAttempts and knownStreams that are not positive integers', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
      await expectRejected(
        () => new EventStore({ client, tableName: tables.events, maxAppendAttempts: bad as number }),
        InvalidInput,
      );
      await expectRejected(
        () => new EventStore({ client, tableName: tables.events, knownStreams: bad as number }),
        InvalidInput,
      );
    }
  });

  it.each(BAD_STREAM_IDS)('rejects a stream id that is %s, in every call', async (_, streamId) => {
    const id = streamId as string;
    await expectRejected(() => store.append(id, [deposit()], { expectedVersion: 'any' }), InvalidInput);
    await expectRejected(
      () => store.appendMany([{ streamId: id, events: [deposit()], expectedVersion: 'any' }]),
      InvalidInput,
    );
    await expectRejected(() => store.read(id), InvalidInput);
    await expectRejected(() => store.readStream(id), InvalidInput);
    await expectRejected(() => store.streamVersion(id), InvalidInput);
  });

  it.each(BAD_EXPECTED_VERSIONS)('rejects an expected version that is %s', async (_, expectedVersion) => {
    await expectRejected(
      () => store.append('account-1', [deposit()], { expectedVersion: expectedVersion as never }),
      InvalidInput,
    );
    await expectRejected(
      () =>
        store.appendMany([
          { streamId: 'account-1', events: [deposit()], expectedVersion: expectedVersion as never },
        ]),
      InvalidInput,
    );
  });

  it('rejects missing options and malformed event lists', async () => {
    await expectRejected(() => store.append('account-1', [deposit()], undefined as never), InvalidInput);
    for (const events of [
      undefined,
      null,
      'x',
      {},
      [],
      [null],
      [1],
      [[]],
      [{ data: {} }],
      [{ type: '', data: {} }],
      [{ type: 42, data: {} }],
      [{ type: 'X'.repeat(257), data: {} }],
      [{ type: 'A\u0001', data: {} }],
    ]) {
      await expectRejected(
        () => store.append('account-1', events as never, { expectedVersion: 'any' }),
        InvalidInput,
      );
    }
    for (const metadata of ['x', 1, [], null]) {
      await expectRejected(
        () =>
          store.append('account-1', [{ type: 'X', data: {}, metadata } as never], { expectedVersion: 'any' }),
        InvalidInput,
      );
    }
    for (const eventId of ['', 5, 'x'.repeat(129), 'id\n']) {
      await expectRejected(
        () =>
          store.append('account-1', [{ type: 'X', data: {}, eventId } as never], { expectedVersion: 'any' }),
        InvalidInput,
      );
    }
    const twice = [
      { type: 'X', data: {}, eventId: 'same' },
      { type: 'X', data: {}, eventId: 'same' },
    ];
    await expectRejected(
      () => store.append('account-1', twice as never, { expectedVersion: 'any' }),
      InvalidInput,
    );
  });

  it.each(BAD_DATA)('rejects event data with %s', async (_, data, code) => {
    await expectRejected(() => store.append('account-1', [deposit(data)], { expectedVersion: 'any' }), code);
    // In metadata too (an undefined property is left out, like JSON, so that one is valid there).
    if (data !== undefined) {
      await expectRejected(
        () =>
          store.append('account-1', [{ type: 'Deposited', data: {}, metadata: { note: data } } as never], {
            expectedVersion: 'any',
          }),
        code,
      );
    }
  });

  it('rejects appends beyond one transaction', async () => {
    const many = Array.from({ length: 101 }, () => deposit());
    await expectRejected(
      () => store.append('account-1', many, { expectedVersion: 'any' }),
      TransactionTooLarge,
    );
    // About 285 KB each once compressed: 16 of them are over the transaction's 4 MB.
    const big = Array.from({ length: 16 }, () => deposit({ blob: randomText(380 * 1024) }));
    await expectRejected(
      () => store.append('account-1', big, { expectedVersion: 'any' }),
      TransactionTooLarge,
    );
  });

  it('rejects malformed appendMany batches', async () => {
    for (const appends of [undefined, null, [], {}, 'x', [null], [1]]) {
      await expectRejected(() => store.appendMany(appends as never), InvalidInput);
    }
    await expectRejected(
      () =>
        store.appendMany([
          { streamId: 'a-1', events: [deposit()], expectedVersion: 0 },
          { streamId: 'a-1', events: [deposit()], expectedVersion: 0 },
        ]),
      InvalidInput,
    );
    await expectRejected(
      () =>
        store.appendMany([
          { streamId: 'a-1', events: [deposit()], expectedVersion: 0 },
          { streamId: 'a-2', events: [deposit({ amount: Number.NaN })], expectedVersion: 0 },
        ]),
      UnsupportedValue,
    );
  });

  it.each([
    ['fromVersion 0', { fromVersion: 0 }],
    ['fromVersion -1', { fromVersion: -1 }],
    ['fromVersion 1.5', { fromVersion: 1.5 }],
    ['fromVersion NaN', { fromVersion: Number.NaN }],
    ['fromVersion Infinity', { fromVersion: Number.POSITIVE_INFINITY }],
    ['fromVersion "1"', { fromVersion: '1' }],
    ['toVersion 0', { toVersion: 0 }],
    ['limit 0', { limit: 0 }],
    ['direction "sideways"', { direction: 'sideways' }],
    ['consistentRead "yes"', { consistentRead: 'yes' }],
    ['a string', 'forward'],
    ['null', null],
  ])('rejects read options with %s', async (_, options) => {
    await expectRejected(() => store.read('account-1', options as never), InvalidInput);
    if (options !== null)
      await expectRejected(() => store.readStream('account-1', options as never), InvalidInput);
  });

  it('wrote nothing for any of the rejected appends', async () => {
    expect(await readAllEvents(testClient(), tables.events)).toEqual([]);
  });
});

describe('AggregateRepository and deciders', () => {
  const accounts = () => new AggregateRepository({ store, factory: (id) => new Account(id) });

  it('rejects bad repository options', async () => {
    for (const options of [
      undefined,
      null,
      {},
      { store },
      { store: {}, factory: () => null },
      { store, factory: 'x' },
    ]) {
      await expectRejected(() => new AggregateRepository(options as never), InvalidInput);
    }
    for (const retries of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
      await expectRejected(
        () =>
          new AggregateRepository({ store, factory: (id) => new Account(id), retries: retries as number }),
        InvalidInput,
      );
    }
    await expectRejected(
      () => new AggregateRepository({ store, factory: (id) => new Account(id), retryDelay: 5 as never }),
      InvalidInput,
    );
    await expectRejected(
      () => new AggregateRepository({ store, factory: (id) => new Account(id), logger: {} as never }),
      InvalidInput,
    );
  });

  it.each(BAD_STREAM_IDS)('rejects an id that is %s in load, loadExisting and update', async (_, id) => {
    const repository = accounts();
    await expectRejected(() => repository.load(id as string), InvalidInput);
    await expectRejected(() => repository.loadExisting(id as string), InvalidInput);
    await expectRejected(() => repository.update(id as string, (a) => a.deposit(1, 'c')), InvalidInput);
  });

  it('rejects bad commands and update options', async () => {
    const repository = accounts();
    await expectRejected(() => repository.update('account-1', 'deposit' as never), InvalidInput);
    for (const options of [
      null,
      'x',
      { retries: -1 },
      { retries: Number.NaN },
      { retries: '3' },
      { metadata: 'x' },
      { metadata: [] },
      { mustExist: 'yes' },
    ]) {
      await expectRejected(
        () => repository.update('account-1', (a) => a.deposit(1, 'c'), options as never),
        InvalidInput,
      );
    }
    await expectRejected(() => repository.save({} as never), InvalidInput);
    await expectRejected(() => repository.save(null as never), InvalidInput);
  });

  it('rejects events a command raises with values DynamoDB cannot store, writing nothing', async () => {
    const repository = accounts();
    for (const [amount, code] of [
      [Number.NaN, UnsupportedValue],
      [Number.POSITIVE_INFINITY, UnsupportedValue],
      [JSON.parse('1e400') as number, UnsupportedValue],
    ] as const) {
      requests.reset();
      const error = await thrownBy(() => repository.update('account-nan', (a) => a.deposit(amount, 'c')));
      expect((error as { code?: string }).code).toBe(code);
      // The load ran (one query), the append was refused before sending.
      expect(requests.byCommand()).toEqual({ QueryCommand: 1 });
    }
    const error = await thrownBy(() =>
      repository.update('account-big', (a) => a.deposit(1, randomText(600 * 1024))),
    );
    expect((error as { code?: string }).code).toBe(EventTooLarge);
    expect(await readAllEvents(testClient(), tables.events)).toEqual([]);
  });

  it('rejects a factory that does not build a new aggregate with the id', async () => {
    const repository = new AggregateRepository({ store, factory: () => new Account('another-id') });
    requests.reset();
    const error = await thrownBy(() => repository.load('account-1'));
    expect((error as { code?: string }).code).toBe(InvalidInput);
    expect(requests.count()).toBe(0);
  });

  it('rejects bad decider options and commands', async () => {
    const decider = {
      initialState: () => ({ balance: 0 }),
      evolve: (state: { balance: number }) => state,
      decide: () => [],
    };
    for (const options of [
      undefined,
      {},
      { store },
      { store, decider: {} },
      { store, decider: { ...decider, decide: 1 } },
    ]) {
      await expectRejected(() => new DeciderCommandHandler(options as never), InvalidInput);
    }
    const handler = new DeciderCommandHandler({ store, decider });
    for (const [, id] of BAD_STREAM_IDS)
      await expectRejected(() => handler.handle(id as string, {}), InvalidInput);
    await expectRejected(
      () => handleCommand({ store, decider, streamId: '', command: {} } as never),
      InvalidInput,
    );
  });
});

describe('projections', () => {
  it('rejects bad projection definitions', async () => {
    const handlers = { Deposited: () => {} };
    for (const definition of [
      undefined,
      null,
      {},
      { name: '', handlers },
      { name: 'a#b', handlers },
      { name: 'x'.repeat(101), handlers },
      { name: 'ok', version: 0, handlers },
      { name: 'ok', version: 1.5, handlers },
      { name: 'ok', version: Number.NaN, handlers },
      { name: 'ok', handlers: null },
      { name: 'ok', handlers: { Deposited: 'x' } },
      { name: 'ok', handlers, onPoisonEvent: 'ignore' },
    ]) {
      await expectRejected(
        () => defineProjection(definition as never),
        ProjectionErrorCode.InvalidProjection,
      );
    }
  });

  it('rejects bad read-model and stream handler options', async () => {
    const projection = ledgerProjection({ name: 'bad-options' });
    const eventStore = store;
    for (const options of [
      undefined,
      {},
      { eventStore },
      { client },
      { client, eventStore, tableName: '' },
    ]) {
      await expectRejected(() => new ReadModels(options as never));
    }
    const readModels = new ReadModels({ client, eventStore, tableName: tables.readModels });
    for (const [projections, options] of [
      [[], {}],
      [undefined, {}],
      [[{}], {}],
      [[projection, projection], {}],
      [[projection], { maxAttempts: 0 }],
      [[projection], { maxAttempts: Number.NaN }],
      [[projection], { maxConflictRounds: -1 }],
    ] as const) {
      await expectRejected(() => readModels.streamHandler(projections as never, options as never));
    }
  });

  it('rejects bad StreamRunner options', async () => {
    const handler = async () => ({ batchItemFailures: [] });
    for (const options of [
      undefined,
      { tableName: tables.events, handler },
      { client, tableName: '', handler },
      { client, tableName: tables.events },
      { client, tableName: tables.events, handler, batchSize: 0 },
      { client, tableName: tables.events, handler, batchSize: 1001 },
      { client, tableName: tables.events, handler, batchSize: Number.NaN },
      { client, tableName: tables.events, handler, maxRetries: -1 },
      { client, tableName: tables.events, handler, startingPosition: 'AT_TIMESTAMP' },
    ]) {
      await expectRejected(() => new StreamRunner(options as never));
    }
  });

  it('rejects bad DynamoDBCheckpointStore options', async () => {
    for (const options of [
      undefined,
      {},
      { client, tableName: '' },
      { client, tableName: tables.checkpoints, consumer: '' },
    ]) {
      await expectRejected(() => new DynamoDBCheckpointStore(options as never));
    }
  });

  it('rejects bad document keys in readers', async () => {
    const projection = ledgerProjection({ name: 'bad-reads' });
    const readModels = new ReadModels({ client, eventStore: store, tableName: tables.readModels });
    for (const reader of [readModels.reader(projection, { pinned: true }), readModels.reader(projection)]) {
      for (const key of ['', 'k'.repeat(1025), 'a\ud800', 5, undefined]) {
        await expectRejected(() => reader.get(key as string), ProjectionErrorCode.InvalidDocument);
      }
    }
  });

  it('rejects a malformed projection reference everywhere one is taken', async () => {
    const readModels = new ReadModels({ client, eventStore: store, tableName: tables.readModels });
    for (const projection of [
      undefined,
      {},
      { name: 'a#b', version: 1 },
      { name: 'ok', version: -1 },
    ] as never[]) {
      await expectRejected(() => readModels.reader(projection));
      await expectRejected(() => readModels.deadLetters.list(projection));
      await expectRejected(() => readModels.deadLetters.replay(projection));
      await expectRejected(() => readModels.rebuild(projection));
      await expectRejected(() => readModels.versions.switch(projection));
      await expectRejected(() => readModels.versions.delete(projection));
    }
  });
});

describe('stream records fed to ReadModels.streamHandler', () => {
  it('ignores or reports missing images and foreign shapes without failing the valid records of the batch', async () => {
    const writer = new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events });
    const streamId = `${tables.events}-records`;
    const { events } = await writer.append(
      streamId,
      [1, 2, 3].map((amount) => ({
        type: 'Deposited',
        data: { amount, commandId: `c${amount}` },
        metadata: { correlationId: 'x' },
      })),
      { expectedVersion: 'no-stream' },
    );
    let sequence = 100;
    const record = (overrides: Partial<DynamoDBRecord>): DynamoDBRecord => ({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      ...overrides,
      dynamodb: { SequenceNumber: String(++sequence), StreamViewType: 'NEW_IMAGE', ...overrides.dynamodb },
    });
    const valid = (event: StoredEvent) =>
      record({ dynamodb: { NewImage: encodeEventItem(event).item as never, Keys: {} } });
    const foreign: DynamoDBRecord[] = [
      record({ dynamodb: {} }), // no image
      record({ dynamodb: { NewImage: undefined } }),
      record({ eventName: 'MODIFY', dynamodb: { NewImage: encodeEventItem(events[0]!).item as never } }),
      record({ eventName: 'REMOVE', dynamodb: { OldImage: encodeEventItem(events[0]!).item as never } }),
      record({ dynamodb: { NewImage: { pk: { S: 'not-an-event' }, snapshot: { M: {} } } } }),
      record({ dynamodb: { NewImage: { s: { S: 'x' }, v: { S: 'one' }, t: { S: 'Deposited' } } as never } }),
      record({ dynamodb: { NewImage: {} } }),
      { eventName: 'INSERT' } as DynamoDBRecord, // no dynamodb at all
      record({
        dynamodb: { NewImage: { s: { N: '5' }, v: { N: '1' }, t: { S: 'Deposited' }, b: { S: '{"d":1}' } } },
      }),
    ];
    const projection = ledgerProjection({ name: 'foreign-records' });
    const handler = new ReadModels({
      client: testClient(),
      eventStore: writer,
      tableName: tables.readModels,
      logger: recordingLogger(),
    }).streamHandler([projection]);
    const batch = [
      valid(events[0]!),
      ...foreign.slice(0, 5),
      valid(events[1]!),
      ...foreign.slice(5),
      valid(events[2]!),
    ];
    const response = await handler({ Records: batch });
    // Records that are not events are ignored; nothing here is an event that failed.
    expect(response.batchItemFailures).toEqual([]);
    for (const event of [
      undefined,
      null,
      {},
      { Records: null },
      { Records: 'x' },
      { Records: [] },
    ] as unknown[]) {
      expect(await handler(event as DynamoDBStreamEvent)).toEqual({ batchItemFailures: [] });
    }
    const stored = await readAllEvents(testClient(), tables.events);
    const { stored: documents, folded } = await readModelAndFold({
      client: testClient(),
      readModelTable: tables.readModels,
      projection,
      events: stored.filter((e) => e.streamId === streamId),
    });
    expect(documents).toEqual(folded);
    expect(documents[streamKey(streamId)]).toEqual({ balance: 6, count: 3, lastVersion: 3 });
  });

  it('survives null entries in Records, also next to valid records', async () => {
    const handler = new ReadModels({
      client: testClient(),
      eventStore: store,
      tableName: tables.readModels,
      logger: recordingLogger(),
    }).streamHandler([ledgerProjection({ name: 'null-records' })]);
    await expect(handler({ Records: [null, undefined] as never })).resolves.toEqual({
      batchItemFailures: [],
    });
    const streamId = `${tables.events}-null-records`;
    const { events } = await store.append(streamId, [deposit({ amount: 1, commandId: 'null-1' })], {
      expectedVersion: 'no-stream',
    });
    const image = encodeEventItem(events[0]!).item as never;
    const valid = {
      eventName: 'INSERT',
      dynamodb: { NewImage: image, SequenceNumber: '1' },
    } as DynamoDBRecord;
    await expect(handler({ Records: [null, valid, undefined] as never })).resolves.toEqual({
      batchItemFailures: [],
    });
  });
});
