/**
 * Connected tests of the codec's limits against DynamoDB Local: the 400 KB item size (as the codec
 * counts it and as DynamoDB does), the nesting depth, compression of large events, and exact round
 * trips through the SDK. `codec.test.ts` and `value-codec.test.ts` test the same promises offline.
 */
import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { countRequests } from '../../../test/support/request-counter.js';
import {
  decodeEventItem,
  decodeValue,
  type EventItem,
  type EventStore,
  type EventTooLargeError,
  encodeEventItem,
  encodeValue,
  isEventTooLargeError,
  isUnsupportedValueError,
  itemBytes,
  MAX_ITEM_BYTES,
  MAX_NESTING_DEPTH,
  type NewEvent,
  type StoredEvent,
  type UnsupportedValueError,
} from '../src/index.js';
import { eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
/** A table keyed by `p` for native documents, as read models store them. */
let documents: string;

beforeAll(async () => {
  table = await eventsTable();
  documents = uniqueId('documents');
  await table.client.send(
    new CreateTableCommand({
      TableName: documents,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }],
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const VERSION_OF_16_DIGITS = Number.MAX_SAFE_INTEGER;

/** Puts an item with the raw SDK: 'ok', or the error's name and message. */
async function put(tableName: string, item: Record<string, AttributeValue>): Promise<string> {
  try {
    await table.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    return 'ok';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const TOO_LARGE = /^ValidationException: .*size has exceeded/i;
const TOO_DEEP = /^ValidationException: .*nest/i;

async function getDocument(p: string): Promise<unknown> {
  const output = await table.client.send(
    new GetItemCommand({ TableName: documents, Key: { p: { S: p } }, ConsistentRead: true }),
  );
  return decodeValue(output.Item?.d as AttributeValue);
}

async function rawEvent(streamId: string, version: number): Promise<Record<string, AttributeValue>> {
  const output = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { s: { S: streamId }, v: { N: String(version) } },
      ConsistentRead: true,
    }),
  );
  expect(output.Item).toBeDefined();
  return output.Item as Record<string, AttributeValue>;
}

/** How many requests `run` sends through the store's client. */
async function requestsSent(run: () => Promise<unknown>): Promise<number> {
  const requests = countRequests(table.client);
  try {
    await run();
  } catch {
    // The caller checks the error itself.
  }
  requests.remove();
  return requests.count();
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected an error');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to fail'),
    (error: unknown) => error,
  );
}

/** The item with one more byte of padding in its text body: one byte over the count it had. */
function withOnePadByteMore(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const body = String(item.b?.S);
  expect(body).toContain('"pad":"');
  return { ...item, b: { S: body.replace('"pad":"', '"pad":"x') } };
}

/** An item as a Lambda stream record delivers it: binary values as base64 text. */
const asStreamImage = (item: Record<string, AttributeValue>): EventItem =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      value.B === undefined ? value : { B: Buffer.from(value.B).toString('base64') },
    ]),
  ) as unknown as EventItem;

/**
 * Same JSON text: same values, same key order, own "__proto__" keys included; `-0` is expected
 * back as `0` (documented: stored as JSON stores it, which `fc.jsonValue()` generates at times).
 */
const expectSameJson = (actual: unknown, expected: unknown) => {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  expect(actual).toEqual(expected === undefined ? undefined : JSON.parse(JSON.stringify(expected)));
};

function expectStored(stored: StoredEvent | undefined, sent: NewEvent, streamId: string): void {
  expect(stored).toMatchObject({ streamId, type: sent.type });
  expectSameJson(stored?.data, sent.data);
  expectSameJson(stored?.metadata, sent.metadata ?? {});
}

async function readAll(store: EventStore, streamId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.read(streamId)) events.push(event);
  return events;
}

/** The stored form of `event` as a store with clock T0 writes it (version: its 16-digit bound). */
const storedForm = (streamId: string, event: NewEvent, version = VERSION_OF_16_DIGITS): StoredEvent =>
  ({
    streamId,
    version,
    eventId: event.eventId ?? ulid(T0),
    type: event.type,
    data: event.data,
    metadata: event.metadata ?? {},
    recordedAt: new Date(T0).toISOString(),
    schemaVersion: 1,
  }) as StoredEvent;

/**
 * An event whose item is `size` bytes by the codec's count, uncompressed: `content` plus ASCII
 * padding. Its id is a ULID of T0, so a store with clock T0 writes exactly this body.
 */
function eventOfSize(streamId: string, size: number, content: unknown = null, type = 'Sized'): NewEvent {
  const eventId = ulid(T0);
  const sized = (pad: string): NewEvent => ({ type, data: { content, pad }, eventId });
  const bytes = (event: NewEvent) =>
    encodeEventItem(storedForm(streamId, event), { compressAbove: false }).size;
  const event = sized('x'.repeat(Math.min(size, MAX_ITEM_BYTES) - bytes(sized(''))));
  if (size <= MAX_ITEM_BYTES) {
    expect(bytes(event)).toBe(size);
    return event;
  }
  return sized(`${(event.data as { pad: string }).pad}${'x'.repeat(size - MAX_ITEM_BYTES)}`);
}

/** Realistic JSON of about `bytes` bytes: orders with repeated field names and varied values. */
function orders(bytes: number, seed: number): { customerId: string; orders: unknown[] } {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const list: unknown[] = [];
  for (let size = 0, index = 0; size < bytes; index++) {
    const order = {
      orderId: `ord-${seed}-${index}`,
      placedAt: new Date(T0 + index * 61_000 + Math.floor(random() * 1000)).toISOString(),
      status: pick(['placed', 'paid', 'shipped', 'delivered', 'cancelled']),
      lines: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        sku: `SKU-${Math.floor(random() * 100_000)}`,
        name: pick(['Espresso beans 1 kg', 'Oat milk', 'Ceramic mug', 'Café au lait bowl', 'Thé vert 🍵']),
        quantity: 1 + Math.floor(random() * 5),
        unitPrice: Math.round(random() * 10_000) / 100,
      })),
      shipping: {
        city: pick(['Lyon', 'Zürich', 'Kraków', 'São Paulo', 'Tōkyō']),
        postcode: String(10_000 + index),
      },
    };
    list.push(order);
    size += JSON.stringify(order).length + 1;
  }
  return { customerId: `customer-${seed}`, orders: list };
}

/** Nested `levels` deep, alternating maps and lists: `{ a: [{ a: [ ... ] }] }`. */
function alternating(levels: number, leaf: unknown = 'leaf'): unknown {
  let inner = leaf;
  for (let level = levels - 1; level >= 0; level--) inner = level % 2 === 0 ? { a: inner } : [inner];
  return inner;
}

function mapsOf(levels: number, leaf: unknown = 1): unknown {
  let inner = leaf;
  for (let level = 0; level < levels; level++) inner = { a: inner };
  return inner;
}

const SMALLEST = 1e-130;
const LARGEST = 9.999999999999998e125; // the double below 1e126
const positive = fc.double({ min: SMALLEST, max: LARGEST, noNaN: true });
const storableNumber = fc.oneof(
  fc.constantFrom(
    0,
    1.234567890123456,
    -1.234567890123456e-7,
    123,
    -1.5,
    SMALLEST,
    -LARGEST,
    Number.MAX_SAFE_INTEGER,
  ),
  positive,
  positive.map((n) => -n),
  fc.integer(),
);
// Any Unicode but control characters: valid as a stream id, type or event id.
const text = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 30 })
  .filter((value) => [...value].every((char) => (char.codePointAt(0) as number) > 0x1f && char !== '\u007f'));

// ---------------------------------------------------------------------------------------------
// Promise 2: the 400 KB limit, as the codec counts it and as DynamoDB Local does
// ---------------------------------------------------------------------------------------------

describe('the 400 KB item limit', () => {
  const store = () => table.newStore({ compressAbove: false, now: () => new Date(T0) });

  it('appends an event of exactly 409,600 bytes by the codec count and reads it back exactly', async () => {
    const streamId = newStreamId();
    const event = eventOfSize(streamId, MAX_ITEM_BYTES, { note: 'Grüße 😀' });
    const result = await store().append(streamId, [event], { expectedVersion: 'no-stream' });
    expect(result.events[0]?.eventId).toBe(event.eventId);
    const { events } = await store().readStream(streamId);
    expect(events).toHaveLength(1);
    expectStored(events[0], event, streamId);
    expect(events[0]?.recordedAt).toBe(new Date(T0).toISOString());
  });

  it('refuses an event of 409,601 bytes with EventTooLargeError naming its size, sending nothing', async () => {
    const streamId = newStreamId();
    const event = eventOfSize(streamId, MAX_ITEM_BYTES + 1);
    let error: unknown;
    const sent = await requestsSent(async () => {
      error = await rejection(store().append(streamId, [event], { expectedVersion: 'no-stream' }));
    });
    expect(isEventTooLargeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ streamId, eventType: 'Sized', sizeBytes: MAX_ITEM_BYTES + 1 });
    expect(sent).toBe(0);
    expect(await table.rawVersions(streamId)).toEqual([]);
  });

  it('matches DynamoDB Local: it accepts an item of exactly 409,600 bytes by itemBytes and refuses one more', async () => {
    const streamId = newStreamId();
    const event = eventOfSize(streamId, MAX_ITEM_BYTES, { text: 'é😀\u2028' }, 'Exact');
    const { item, size } = encodeEventItem(storedForm(streamId, event), { compressAbove: false });
    expect(size).toBe(MAX_ITEM_BYTES);
    expect(itemBytes(item)).toBe(MAX_ITEM_BYTES);
    const oneMore = withOnePadByteMore(item);
    expect(itemBytes(oneMore)).toBe(MAX_ITEM_BYTES + 1);
    expect(await put(table.tableName, oneMore)).toMatch(TOO_LARGE);
    expect(await put(table.tableName, item)).toBe('ok');
    expectStored(decodeEventItem(await rawEvent(streamId, VERSION_OF_16_DIGITS)), event, streamId);
  });

  it('has DynamoDB Local accept every event item of 409,600 bytes by the codec count and refuse 409,601 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          streamId: text,
          type: text,
          eventId: fc.oneof(fc.constant(undefined), text),
          metadata: fc.dictionary(text, fc.string({ unit: 'binary' }), { maxKeys: 3 }),
          content: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
        }),
        async ({ streamId, type, eventId, metadata, content }) => {
          const event = (pad: string): NewEvent => ({
            type,
            data: { content, pad },
            metadata,
            eventId: eventId ?? ulid(T0),
          });
          const probe = encodeEventItem(storedForm(streamId, event('')), { compressAbove: false }).size;
          const exact = event('x'.repeat(MAX_ITEM_BYTES - probe));
          const { item, size } = encodeEventItem(storedForm(streamId, exact), { compressAbove: false });
          expect(size).toBe(MAX_ITEM_BYTES);
          expect(itemBytes(item)).toBe(size);
          const oneMore = withOnePadByteMore(item);
          expect(await put(table.tableName, oneMore)).toMatch(TOO_LARGE);
          expect(await put(table.tableName, item)).toBe('ok');
          expectStored(decodeEventItem(await rawEvent(streamId, VERSION_OF_16_DIGITS)), exact, streamId);
        },
      ),
      { seed: propertySeed('limits #1'), numRuns: 20 },
    );
  });
});

describe('native documents: sizes', () => {
  it('stores { l: Array(37230).fill(1.234567890123456) }: 11 bytes a number, which fits and DynamoDB Local accepts', async () => {
    const p = uniqueId('doc');
    const doc = { l: Array(37_230).fill(1.234567890123456) };
    const { value, size } = encodeValue(doc, 'doc');
    // 16 digits with one before the point take 9 base-100 pairs: 10 bytes, 1 more in the list.
    expect(size).toBeGreaterThanOrEqual(3 + 1 + 3 + 37_230 * 11 + 1);
    expect(itemBytes({ p: { S: p } }) + 'd'.length + size).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    expect(await put(documents, { p: { S: p }, d: value })).toBe('ok');
    expectSameJson(await getDocument(p), doc);
  });

  it('has DynamoDB Local accept every item of random doubles padded to 409,600 bytes by the codec count (property)', async () => {
    // Padded to the exact limit, a single byte under-counted anywhere makes DynamoDB refuse the item.
    await fc.assert(
      fc.asyncProperty(
        fc.array(storableNumber, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 4000 }),
        async (samples, length) => {
          const p = uniqueId('doc');
          const list = Array.from({ length }, (_, index) => samples[index % samples.length] as number);
          const { value, size } = encodeValue({ list, first: samples[0] }, 'doc');
          const pad = MAX_ITEM_BYTES - itemBytes({ p: { S: p } }) - 'd'.length - size - 'q'.length;
          const item = { p: { S: p }, d: value, q: { S: 'x'.repeat(pad) } };
          expect(size + itemBytes({ p: item.p, q: item.q }) + 'd'.length).toBe(MAX_ITEM_BYTES);
          expect(await put(documents, item)).toBe('ok');
          const zero = (n: number) => (Object.is(n, -0) ? 0 : n);
          expect(await getDocument(p)).toEqual({ list: list.map(zero), first: zero(samples[0] as number) });
        },
      ),
      { seed: propertySeed('limits #2'), numRuns: 30 },
    );
  });

  it('stores the numbers at the edges of DynamoDB range exactly', async () => {
    const p = uniqueId('doc');
    const doc = [SMALLEST, -SMALLEST, LARGEST, -LARGEST, 1e21, 5e-7];
    expect(await put(documents, { p: { S: p }, d: encodeValue(doc, 'doc').value })).toBe('ok');
    expectSameJson(await getDocument(p), doc);
    // The codec refuses the next ones out; DynamoDB Local does too.
    for (const [n, text] of [
      [1e126, '1e126'],
      [1e-131, '1e-131'],
    ] as const) {
      expect(isUnsupportedValueError(thrownBy(() => encodeValue(n, 'doc')))).toBe(true);
      expect(await put(documents, { p: { S: uniqueId('doc') }, d: { N: text } })).toMatch(
        /^ValidationException/,
      );
    }
  });

  it('keeps "__proto__", "constructor" and unicode keys as data through the SDK and DynamoDB', async () => {
    const p = uniqueId('doc');
    const doc = JSON.parse('{"__proto__":{"x":1},"constructor":[1],"é😀":{"__proto__":null},"0":true}');
    expect(await put(documents, { p: { S: p }, d: encodeValue(doc, 'doc').value })).toBe('ok');
    const read = (await getDocument(p)) as Record<string, unknown>;
    // DynamoDB maps keep no order: the same keys come back, in DynamoDB's order.
    expect(read).toEqual(doc);
    expect(Object.keys(read).sort()).toEqual(['0', '__proto__', 'constructor', 'é😀']);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.keys(read['é😀'] as object)).toEqual(['__proto__']);
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 3: 31 levels stored and read back, 32 refused before sending
// ---------------------------------------------------------------------------------------------

describe('nesting', () => {
  it('appends events nested 31 levels, in data and in metadata, and reads them back', async () => {
    const streamId = newStreamId();
    const events: NewEvent[] = [
      { type: 'Maps', data: mapsOf(MAX_NESTING_DEPTH) },
      {
        type: 'Mixed',
        data: alternating(MAX_NESTING_DEPTH),
        metadata: { deep: alternating(MAX_NESTING_DEPTH - 1) },
      },
      {
        type: 'Big',
        data: { items: Array.from({ length: 50 }, (_, i) => alternating(MAX_NESTING_DEPTH - 2, i)) },
      },
    ];
    await table.newStore().append(streamId, events, { expectedVersion: 'no-stream' });
    const { events: read } = await table.newStore().readStream(streamId);
    expect(read).toHaveLength(3);
    for (const [index, stored] of read.entries()) expectStored(stored, events[index] as NewEvent, streamId);
  });

  it.each([
    ['maps in data', { type: 'Deep', data: mapsOf(MAX_NESTING_DEPTH + 1) }, `data${'.a'.repeat(31)}`],
    [
      'a mix in data',
      { type: 'Deep', data: alternating(MAX_NESTING_DEPTH + 1) },
      `data${'.a[0]'.repeat(15)}.a`,
    ],
    [
      'metadata',
      { type: 'Deep', data: null, metadata: { a: mapsOf(MAX_NESTING_DEPTH) } },
      `metadata${'.a'.repeat(31)}`,
    ],
  ])('refuses 32 levels of %s before sending anything', async (_name, event, path) => {
    const streamId = newStreamId();
    let error: unknown;
    const sent = await requestsSent(async () => {
      error = await rejection(
        table.newStore().append(streamId, [event as NewEvent], { expectedVersion: 'any' }),
      );
    });
    expect(isUnsupportedValueError(error), String(error)).toBe(true);
    expect((error as UnsupportedValueError).path).toBe(path);
    expect(sent).toBe(0);
  });

  it('stores native documents of 31 levels (maps, lists, a mix) and reads them back exactly', async () => {
    let lists: unknown = 'leaf';
    for (let level = 0; level < MAX_NESTING_DEPTH; level++) lists = [lists];
    for (const doc of [mapsOf(MAX_NESTING_DEPTH), lists, alternating(MAX_NESTING_DEPTH)]) {
      const p = uniqueId('doc');
      expect(await put(documents, { p: { S: p }, d: encodeValue(doc, 'doc').value })).toBe('ok');
      expectSameJson(await getDocument(p), doc);
    }
  });

  it('refuses native documents of 32 levels in the codec, where DynamoDB Local would refuse them too', async () => {
    const deep = mapsOf(MAX_NESTING_DEPTH + 1);
    let error: unknown;
    try {
      encodeValue(deep, 'doc');
    } catch (caught) {
      error = caught;
    }
    expect(isUnsupportedValueError(error), String(error)).toBe(true);
    expect((error as UnsupportedValueError).path).toBe(`doc${'.a'.repeat(31)}`);
    // The same value built by hand: DynamoDB Local refuses it, so the codec's bound is its bound.
    let raw: AttributeValue = { N: '1' };
    for (let level = 0; level < MAX_NESTING_DEPTH + 1; level++) raw = { M: { a: raw } };
    expect(await put(documents, { p: { S: uniqueId('doc') }, d: raw })).toMatch(TOO_DEEP);
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 4: compression
// ---------------------------------------------------------------------------------------------

describe('compression', () => {
  it('stores a 20 KB JSON event as z, several times smaller, read back exactly by readStream, read and a stream image', async () => {
    const streamId = newStreamId();
    const event: NewEvent = {
      type: 'OrdersImported',
      data: orders(20_000, 1),
      metadata: { correlationId: 'c-1' },
    };
    const store = table.newStore();
    await store.append(streamId, [event], { expectedVersion: 'no-stream' });
    const item = await rawEvent(streamId, 1);
    expect(item.b).toBeUndefined();
    expect(item.z?.B?.[0]).toBe(1);
    expect(itemBytes(item) * 3).toBeLessThan(Buffer.byteLength(JSON.stringify(event.data)));
    const { events } = await store.readStream(streamId);
    expectStored(events[0], event, streamId);
    const [streamed] = await readAll(store, streamId);
    expectStored(streamed, event, streamId);
    const fromImage = decodeEventItem(asStreamImage(item));
    expectStored(fromImage, event, streamId);
    expect(fromImage).toEqual(events[0]);
  });

  it('stores a ~1.5 MB JSON event that compresses below 400 KB and reads it back exactly', async () => {
    const streamId = newStreamId();
    const event: NewEvent = { type: 'OrdersImported', data: orders(1_500_000, 2) };
    expect(JSON.stringify(event.data).length).toBeGreaterThan(1_500_000);
    const store = table.newStore();
    await store.append(streamId, [event], { expectedVersion: 'no-stream' });
    expect(itemBytes(await rawEvent(streamId, 1))).toBeLessThan(MAX_ITEM_BYTES);
    const { events } = await store.readStream(streamId);
    expectStored(events[0], event, streamId);
  });

  it('stores a 500 KB random base64 string: DEFLATE codes its 64 symbols in about 6 bits, to ~377 KB', async () => {
    const streamId = newStreamId();
    const event: NewEvent = { type: 'BlobAttached', data: { blob: randomBytes(375_000).toString('base64') } };
    const store = table.newStore();
    await store.append(streamId, [event], { expectedVersion: 'no-stream' });
    const item = await rawEvent(streamId, 1);
    expect(item.z).toBeDefined();
    expect(itemBytes(item)).toBeGreaterThan(370_000);
    expectStored((await store.readStream(streamId)).events[0], event, streamId);
  });

  it('refuses random base64 that does not compress below 400 KB, naming its size, sending nothing', async () => {
    const streamId = newStreamId();
    const blob = randomBytes(450_000).toString('base64'); // 600,000 characters
    let error: unknown;
    const sent = await requestsSent(async () => {
      error = await rejection(
        table
          .newStore()
          .append(streamId, [{ type: 'BlobAttached', data: { blob } }], { expectedVersion: 'any' }),
      );
    });
    expect(isEventTooLargeError(error), String(error)).toBe(true);
    const { sizeBytes } = error as EventTooLargeError;
    expect(sizeBytes).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(sizeBytes).toBeLessThan(blob.length);
    expect((error as Error).message).toContain(`is ${sizeBytes} bytes`);
    expect(sent).toBe(0);
  });

  it('stores an item of at most compressAbove bytes as text, and a larger one compressed', async () => {
    const streamId = newStreamId();
    const store = table.newStore({ now: () => new Date(T0) });
    const fits = eventOfSize(streamId, 1024);
    const over = eventOfSize(streamId, 1025);
    await store.append(streamId, [fits, over], { expectedVersion: 'no-stream' });
    expect((await rawEvent(streamId, 1)).b).toBeDefined();
    expect((await rawEvent(streamId, 2)).z).toBeDefined();
    const { events } = await store.readStream(streamId);
    expectStored(events[0], fits, streamId);
    expectStored(events[1], over, streamId);
  });
});

// ---------------------------------------------------------------------------------------------
// Promises 1 and 6 through DynamoDB: exact values, ids in 16 bytes or as text
// ---------------------------------------------------------------------------------------------

describe('round trips through DynamoDB Local', () => {
  it('reads back supported values exactly through append and readStream (property)', async () => {
    const key = fc.oneof(
      fc.constantFrom('__proto__', '', 'constructor', '0', 'a b', 'é'),
      fc.string({ unit: 'binary' }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { maxDepth: 4, depthIdentifier: 'node' },
        fc.oneof(
          fc.string({ unit: 'binary' }),
          // -0 is stored as 0, as JSON does (documented): the property is about every other number.
          fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
          fc.boolean(),
          fc.constant(null),
        ),
        fc.array(tie('node'), { maxLength: 4, depthIdentifier: 'node' }),
        fc.array(fc.tuple(key, tie('node')), { maxLength: 4, depthIdentifier: 'node' }).map((entries) => {
          const object: Record<string, unknown> = {};
          for (const [name, v] of entries)
            Object.defineProperty(object, name, {
              value: v,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          return object;
        }),
      ),
    })).node;
    const store = table.newStore();
    await fc.assert(
      fc.asyncProperty(value, fc.dictionary(key, value, { maxKeys: 3 }), async (data, metadata) => {
        const streamId = newStreamId();
        const event: NewEvent = { type: 'Anything', data, metadata };
        await store.append(streamId, [event], { expectedVersion: 'no-stream' });
        const { events } = await store.readStream(streamId);
        expectStored(events[0], event, streamId);
      }),
      { seed: propertySeed('limits #3'), numRuns: 25 },
    );
  });

  it('stores a canonical ULID id as 16 bytes and other ids as text, each read back unchanged', async () => {
    const streamId = newStreamId();
    const canonical = ulid();
    const ids = [canonical, ulid().toLowerCase(), 'order-42/attempt-1', `8${'Z'.repeat(25)}`];
    const store = table.newStore();
    await store.append(
      streamId,
      ids.map((eventId) => ({ type: 'Identified', data: { eventId }, eventId })),
      { expectedVersion: 'no-stream' },
    );
    const first = await rawEvent(streamId, 1);
    expect(first.i?.B).toHaveLength(16);
    for (const [index, eventId] of ids.entries()) {
      if (index > 0) expect((await rawEvent(streamId, index + 1)).i).toEqual({ S: eventId });
    }
    const { events } = await store.readStream(streamId);
    expect(events.map((event) => event.eventId)).toEqual(ids);
  });

  it('leaves r out of events with the store ids, and reads recordedAt back from the id', async () => {
    const streamId = newStreamId();
    const store = table.newStore({ now: () => new Date(T0) });
    const { events: appended } = await store.append(streamId, [{ type: 'Timed', data: 1 }], {
      expectedVersion: 'no-stream',
    });
    const item = await rawEvent(streamId, 1);
    expect(item.b?.S).toBe('{"d":1}');
    const { events } = await store.readStream(streamId);
    expect(events).toEqual(appended);
    expect(events[0]?.recordedAt).toBe(new Date(T0).toISOString());
  });
});

describe('item format in the table', () => {
  it('writes only s, v, t, i and one body attribute', async () => {
    const streamId = newStreamId();
    await table.newStore().append(
      streamId,
      [
        { type: 'Small', data: 1 },
        { type: 'Large', data: orders(5_000, 3), metadata: { correlationId: 'c' } },
      ],
      { expectedVersion: 'no-stream' },
    );
    const output = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 's = :s',
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ConsistentRead: true,
      }),
    );
    expect(output.Items?.map((item) => Object.keys(item).sort())).toEqual([
      ['b', 'i', 's', 't', 'v'],
      ['i', 's', 't', 'v', 'z'],
    ]);
  });
});
