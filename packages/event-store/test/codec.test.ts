/**
 * Offline tests of the event item codec (format 1) and the snapshot item codec: each `describe`
 * attacks one promise of `src/codec/`. Nothing here talks to DynamoDB; `limits.test.ts` checks the
 * same promises against DynamoDB Local.
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { decodeTime, monotonicFactory, ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../../../test/support/property-seed.js';
import { isCanonicalUlid, ulidFromBytes, ulidTime, ulidToBytes } from '../src/codec/event-id.js';
import {
  DEFAULT_COMPRESS_ABOVE,
  decodeEventItem,
  type EventItem,
  type EventTooLargeError,
  encodeEventItem,
  isCorruptEventError,
  isCorruptSnapshotError,
  isEventItem,
  isEventStoreError,
  isEventTooLargeError,
  isInvalidInputError,
  isUnsupportedValueError,
  itemBytes,
  MAX_BODY_BYTES,
  MAX_ITEM_BYTES,
  MAX_NESTING_DEPTH,
  readEventHeader,
  type Snapshot,
  type StoredEvent,
  type UnsupportedValueError,
} from '../src/index.js';
import { decodeSnapshotItem, encodeSnapshotItem } from '../src/snapshots/snapshot-item.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** The error `run` throws; fails the test when it returns. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected an error');
}

function expectUnsupportedAt(run: () => unknown, path: string): UnsupportedValueError {
  const error = thrown(run);
  expect(isUnsupportedValueError(error), String(error)).toBe(true);
  expect((error as UnsupportedValueError).path).toBe(path);
  return error as UnsupportedValueError;
}

function expectCorrupt(run: () => unknown): void {
  const error = thrown(run);
  expect(isCorruptEventError(error), String(error)).toBe(true);
}

const show = (value: unknown): string => {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
};

/**
 * The first place where `actual` is not exactly `expected` as the codec promises: same types, own
 * enumerable keys in the same order (no symbols, nothing extra), numbers `Object.is`-equal (-0
 * read back as 0), `Object.prototype` / `Array.prototype` as prototypes. Properties of `expected`
 * whose value is `undefined` are left out, as JSON does.
 */
function difference(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (typeof expected === 'number') {
    const want = Object.is(expected, -0) ? 0 : expected;
    return Object.is(actual, want) ? undefined : `${at}: got ${show(actual)}, expected ${want}`;
  }
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return actual === expected ? undefined : `${at}: got ${show(actual)}, expected ${show(expected)}`;
  }
  return Array.isArray(expected)
    ? listDifference(actual, expected, at)
    : recordDifference(actual, expected as Record<string, unknown>, at);
}

function listDifference(actual: object, expected: readonly unknown[], at: string): string | undefined {
  if (!Array.isArray(actual) || Object.getPrototypeOf(actual) !== Array.prototype)
    return `${at}: not an array`;
  if (actual.length !== expected.length) return `${at}: length ${actual.length}, expected ${expected.length}`;
  if (Reflect.ownKeys(actual).length !== actual.length + 1) return `${at}: the array has extra properties`;
  for (let index = 0; index < expected.length; index++) {
    const found = difference(actual[index], expected[index], `${at}[${index}]`);
    if (found) return found;
  }
  return undefined;
}

function recordDifference(actual: object, expected: Record<string, unknown>, at: string): string | undefined {
  if (Array.isArray(actual) || Object.getPrototypeOf(actual) !== Object.prototype) {
    return `${at}: not an object with Object.prototype as prototype`;
  }
  const keys = Object.keys(expected).filter((key) => expected[key] !== undefined);
  const own = Reflect.ownKeys(actual).map(String);
  if (JSON.stringify(own) !== JSON.stringify(keys)) {
    return `${at}: keys ${JSON.stringify(own)}, expected ${JSON.stringify(keys)}`;
  }
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(actual, key);
    if (!descriptor?.enumerable || !('value' in descriptor))
      return `${at}[${JSON.stringify(key)}]: not a data property`;
    const found = difference(descriptor.value, expected[key], `${at}[${JSON.stringify(key)}]`);
    if (found) return found;
  }
  return undefined;
}

/** The bytes of a binary attribute (fails the test when there are none). */
function bytesOf(value: AttributeValue | undefined): Uint8Array {
  expect(value?.B).toBeInstanceOf(Uint8Array);
  return value?.B as Uint8Array;
}

const expectExact = (actual: unknown, expected: unknown) =>
  expect(difference(actual, expected)).toBeUndefined();

/** Header fields compared as values, data and metadata exactly (see {@link difference}). */
function expectSameEvent(actual: StoredEvent, expected: StoredEvent): void {
  expect({ ...actual, data: 0, metadata: 0 }).toEqual({ ...expected, data: 0, metadata: 0 });
  expectExact(actual.data, expected.data);
  expectExact(actual.metadata, expected.metadata);
}

/** An object with exactly these own properties, in this order ("__proto__" included, as data). */
function objectOf(
  entries: readonly (readonly [string, unknown])[],
  nullPrototype = false,
): Record<string, unknown> {
  const object: Record<string, unknown> = nullPrototype ? Object.create(null) : {};
  for (const [name, value] of entries) {
    Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** An item as a Lambda stream record delivers it: binary values as base64 text. */
const asStreamImage = (item: Record<string, AttributeValue>): EventItem =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      value.B === undefined ? value : { B: Buffer.from(value.B).toString('base64') },
    ]),
  ) as unknown as EventItem;

/** The documented path of a property: `data.amount`, `data["a b"]`, `data.items[3]`. */
const keyPath = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

const at = (epochMs: number) => new Date(epochMs).toISOString();
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
/** A ULID of T0: the default event id, so that recordedAt T0 leaves `r` out. */
const EVENT_ID = ulid(T0);

function storedEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    streamId: 'account-1',
    version: 3,
    eventId: EVENT_ID,
    type: 'MoneyDeposited',
    data: { amount: 5 },
    metadata: {},
    recordedAt: at(T0),
    schemaVersion: 1,
    ...overrides,
  } as StoredEvent;
}

const roundTrip = (event: StoredEvent, compressAbove?: number | false) =>
  decodeEventItem(encodeEventItem(event, compressAbove === undefined ? {} : { compressAbove }).item);

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
      placedAt: at(T0 + index * 61_000 + Math.floor(random() * 1000)),
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

// ---------------------------------------------------------------------------------------------
// Arbitraries: supported values only
// ---------------------------------------------------------------------------------------------

const TRICKY_KEYS = [
  '__proto__',
  '',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'toJSON',
  'length',
  '0',
  '7',
  '01',
  '-1',
  '1.5',
  '4294967295',
  'a b',
  'a.b',
  'a"b',
  '\\',
  '\n',
  '\u0000',
  'é',
  '😀',
  '\u2028',
  '$x',
];
const TRICKY_NUMBERS = [
  5e-324,
  -5e-324,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  -1.234567890123456e-7,
  1.234567890123456,
  0,
  -0,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53 + 2,
  1e21,
  1e-7,
  0.1 + 0.2,
  Number.EPSILON,
];
const TRICKY_STRINGS = [
  '',
  '\u0000',
  '"\\/',
  '\b\f\n\r\t',
  '</script>',
  '😀x',
  '\u2028\u2029',
  'e\u0301',
  '\ufeff',
  '\uffff',
];

const key = fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.string({ unit: 'binary', maxLength: 8 }));
const number = fc.oneof(
  fc.constantFrom(...TRICKY_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const text = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 20 }),
);
const primitive = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** A random tree of arrays and objects (null-prototype ones too), a few levels deep. */
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'tree' },
    primitive,
    fc.array(tie('tree'), { maxLength: 4, depthIdentifier: 'tree' }),
    fc
      .tuple(
        fc.array(fc.tuple(key, fc.option(tie('tree'), { nil: undefined, freq: 8 })), {
          maxLength: 4,
          depthIdentifier: 'tree',
        }),
        fc.boolean(),
      )
      .map(([entries, nullPrototype]) => objectOf(entries, nullPrototype)),
  ),
}));

/** A value nested exactly `levels` levels deep along one random path of arrays and objects. */
const nestedTo = (levels: number) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.boolean(), key, fc.nat(2), primitive), { minLength: levels, maxLength: levels }),
      primitive,
    )
    .map(([steps, leaf]) =>
      steps.reduceRight<unknown>(
        (inner, [inArray, name, index, sibling]) =>
          inArray
            ? [...Array.from({ length: index }, () => sibling), inner]
            : objectOf(
                name === 'sibling'
                  ? [[name, inner]]
                  : [
                      [name, inner],
                      ['sibling', sibling],
                    ],
              ),
        leaf,
      ),
    );

/** Nested up to `maxLevels` levels, the bound itself often. */
const nested = (maxLevels: number) =>
  fc.oneof(fc.constant(maxLevels), fc.integer({ min: 1, max: maxLevels })).chain(nestedTo);

const value = fc.oneof(tree, nested(MAX_NESTING_DEPTH));
const metadata = fc.oneof(
  fc.constant({}),
  fc.record({ correlationId: fc.string(), causationId: fc.string() }),
  fc
    .array(fc.tuple(key, fc.option(tree, { nil: undefined, freq: 6 })), { maxLength: 4 })
    .map((e) => objectOf(e)),
  // metadata is itself a level: its values may nest 30 more.
  nested(MAX_NESTING_DEPTH - 1).map((inner) => ({ nested: inner })),
);

const epochMs = fc.integer({ min: -8.64e15, max: 8.64e15 });
// From 1: the ulid package reads a seed time of 0 as "now".
const ulidMs = fc.integer({ min: 1, max: 2 ** 48 - 1 });

/** Text valid as a stream id, type or event id: any Unicode but control characters. */
const identifier = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 30 })
  .filter((text) => [...text].every((char) => (char.codePointAt(0) as number) > 0x1f && char !== '\u007f'));

/** Stored events of every kind of id: a ULID of recordedAt's millisecond, another ULID, any text. */
const anyStoredEvent = fc
  .record({
    streamId: identifier,
    version: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
    type: identifier,
    data: value,
    metadata,
    schemaVersion: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 2 ** 31 })),
    time: ulidMs,
    otherTime: epochMs,
    id: fc.oneof(
      fc.constant({ kind: 'ulid-of-recordedAt' as const }),
      fc.constant({ kind: 'ulid-of-another-time' as const }),
      identifier.map((text) => ({ kind: 'text' as const, text })),
    ),
  })
  .map(({ time, otherTime, id, ...event }) => {
    if (id.kind === 'ulid-of-recordedAt') return { ...event, eventId: ulid(time), recordedAt: at(time) };
    if (id.kind === 'ulid-of-another-time') {
      return { ...event, eventId: ulid(time), recordedAt: at(otherTime === time ? time + 1 : otherTime) };
    }
    return { ...event, eventId: id.text, recordedAt: at(otherTime) };
  }) as fc.Arbitrary<StoredEvent>;

// ---------------------------------------------------------------------------------------------
// Arbitraries: one unsupported value at a random path
// ---------------------------------------------------------------------------------------------

type Step = { readonly key: string } | { readonly index: number };

/** An unsupported value to place at depth `depth`, and the path suffix its error must name. */
type Unsupported = (depth: number) => { readonly value: unknown; readonly suffix: string };

const alone =
  (make: () => unknown): Unsupported =>
  () => ({ value: make(), suffix: '' });

function chainOf(levels: number, leaf: unknown): unknown {
  let inner = leaf;
  for (let level = 0; level < levels; level++) inner = { a: inner };
  return inner;
}

const UNSUPPORTED: Record<string, Unsupported> = {
  'undefined in an array': () => ({ value: [1, undefined], suffix: '[1]' }),
  'a hole in an array': () => {
    const list = new Array<unknown>(3);
    list[0] = 1;
    list[2] = 3;
    return { value: list, suffix: '[1]' };
  },
  'an array with an extra property': alone(() => Object.assign([1, 2], { extra: 3 })),
  'a non-enumerable property': alone(() => Object.defineProperty({ a: 1 }, 'hidden', { value: 2 })),
  'a symbol key': alone(() => ({ a: 1, [Symbol('key')]: 2 })),
  'a function': alone(() => () => 1),
  'a class': alone(() => class Money {}),
  'a symbol': alone(() => Symbol('s')),
  'a bigint': alone(() => 10n),
  'a Date': alone(() => new Date(0)),
  'a Map': alone(() => new Map([['a', 1]])),
  'a Set': alone(() => new Set([1])),
  'a RegExp': alone(() => /x/),
  'an Error': alone(() => new Error('x')),
  'a class instance': alone(() => new (class Money {})()),
  'an object of another prototype': alone(() => Object.create({ inherited: 1 })),
  'a boxed number': alone(() => Object(1)),
  'a Promise': alone(() => Promise.resolve(1)),
  'a Uint8Array': alone(() => new Uint8Array([1, 2])),
  'a Buffer': alone(() => Buffer.from('abc')),
  NaN: alone(() => Number.NaN),
  Infinity: alone(() => Number.POSITIVE_INFINITY),
  '-Infinity': alone(() => Number.NEGATIVE_INFINITY),
  'a high surrogate alone': alone(() => 'ab\ud800cd'),
  'a low surrogate alone': alone(() => '\udc00'),
  'a cycle': (depth) => {
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
    // Found where it nests past the limit: the node at depth MAX_NESTING_DEPTH.
    return { value: cycle, suffix: '.self'.repeat(MAX_NESTING_DEPTH - depth) };
  },
  'nesting 32 levels': (depth) => ({
    value: chainOf(MAX_NESTING_DEPTH + 1 - depth, 1),
    suffix: '.a'.repeat(MAX_NESTING_DEPTH - depth),
  }),
};

const step: fc.Arbitrary<Step> = fc.oneof(
  key.map((name) => ({ key: name })),
  fc.nat(3).map((index) => ({ index })),
);

/** Builds the containers along `steps` around `inner`, with supported siblings before and after it. */
function placeAt(steps: readonly Step[], inner: unknown, sibling: unknown): unknown {
  return steps.reduceRight<unknown>((value, next) => {
    if ('index' in next) return [...Array.from({ length: next.index }, () => sibling), value, sibling];
    const entries: [string, unknown][] = [
      ['before', sibling],
      [next.key, value],
      ['after', sibling],
    ];
    return objectOf(entries.filter(([name], index) => index === 1 || name !== next.key));
  }, inner);
}

/** A value with exactly one unsupported value in it, and the path its error must name. */
const withOneUnsupported = (root: string, firstStepIsKey = false) =>
  fc
    .record({
      kind: fc.constantFrom(...Object.keys(UNSUPPORTED)),
      first: key,
      steps: fc.array(step, { maxLength: 6 }),
      sibling: fc.oneof(primitive, tree),
    })
    .map(({ kind, first, steps: rest, sibling }) => {
      const steps: Step[] = firstStepIsKey ? [{ key: first }, ...rest] : rest;
      const bad = (UNSUPPORTED[kind] as Unsupported)(steps.length);
      const path = steps.map((s) => ('index' in s ? `[${s.index}]` : keyPath(s.key))).join('');
      return { kind, value: placeAt(steps, bad.value, sibling), path: `${root}${path}${bad.suffix}` };
    });

// ---------------------------------------------------------------------------------------------
// Promise 1: every value round-trips exactly or is rejected with its path
// ---------------------------------------------------------------------------------------------

describe('values: exact round trip', () => {
  it('reads back every supported event exactly, as text, compressed or from a stream image (property)', () => {
    fc.assert(
      fc.property(
        anyStoredEvent,
        fc.constantFrom<number | false>(false, 0, DEFAULT_COMPRESS_ABOVE),
        fc.boolean(),
        (event, compressAbove, image) => {
          const { item } = encodeEventItem(event, { compressAbove });
          expectSameEvent(decodeEventItem(image ? asStreamImage(item) : item), event);
        },
      ),
      { seed: propertySeed('codec #1'), numRuns: 300 },
    );
  });

  it('keeps "__proto__", "constructor" and "" keys as own data keys, in order', () => {
    const data = JSON.parse(
      '{"__proto__":{"polluted":true},"":1,"constructor":{"prototype":2},"z":[{"__proto__":3}]}',
    );
    const decoded = roundTrip(storedEvent({ data, metadata: JSON.parse('{"__proto__":"m"}') }));
    expectExact(decoded.data, data);
    expect(Object.keys(decoded.data as object)).toEqual(['__proto__', '', 'constructor', 'z']);
    expect(Object.getPrototypeOf(decoded.data)).toBe(Object.prototype);
    expect(Object.keys(decoded.metadata)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('reads null-prototype objects back as plain objects with the same keys', () => {
    const data = objectOf(
      [
        ['b', 1],
        ['a', objectOf([['x', null]], true)],
      ],
      true,
    );
    const decoded = roundTrip(storedEvent({ data, metadata: objectOf([['correlationId', 'c-1']], true) }));
    expectExact(decoded.data, data);
    expect(decoded.metadata).toEqual({ correlationId: 'c-1' });
  });

  it.each([
    ['the smallest subnormal', 5e-324],
    ['the largest double', 1.7976931348623157e308],
    ['a small negative with 16 digits', -1.234567890123456e-7],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER],
    ['0.1 + 0.2', 0.1 + 0.2],
  ])('keeps %s exactly', (_name, n) => {
    expectExact(roundTrip(storedEvent({ data: { n, list: [n, -n] } })).data, { n, list: [n, -n] });
  });

  it('stores -0 as 0 and leaves out properties whose value is undefined, as JSON does', () => {
    const decoded = roundTrip(
      storedEvent({
        data: { zero: -0, list: [-0], gone: undefined },
        metadata: { correlationId: undefined },
      }),
    );
    expect(Object.is((decoded.data as { zero: number }).zero, 0)).toBe(true);
    expect(Object.is((decoded.data as { list: number[] }).list[0], 0)).toBe(true);
    expect(Object.keys(decoded.data as object)).toEqual(['zero', 'list']);
    expect(decoded.metadata).toEqual({});
  });

  it('accepts top-level data of every JSON kind', () => {
    for (const data of [null, 0, 'text', true, [], {}, [[[]]]])
      expectExact(roundTrip(storedEvent({ data })).data, data);
  });
});

describe('values: rejected before anything is sent, naming the path', () => {
  it('rejects an event holding exactly one unsupported value in its data, naming its path (property)', () => {
    fc.assert(
      fc.property(withOneUnsupported('data'), ({ value, path }) => {
        expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: value })), path);
      }),
      { seed: propertySeed('codec #2'), numRuns: 300 },
    );
  });

  it('rejects an event holding exactly one unsupported value in its metadata, naming its path (property)', () => {
    fc.assert(
      fc.property(withOneUnsupported('metadata', true), ({ value, path }) => {
        expectUnsupportedAt(() => encodeEventItem(storedEvent({ metadata: value as never })), path);
      }),
      { seed: propertySeed('codec #3'), numRuns: 200 },
    );
  });

  it.each(Object.keys(UNSUPPORTED))('rejects %s at the top of data, with path "data"', (kind) => {
    const bad = (UNSUPPORTED[kind] as Unsupported)(0);
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: bad.value })), `data${bad.suffix}`);
  });

  it('names paths as documented: data.items[3], data["a b"], metadata.when', () => {
    const items = [0, 1, 2, new Date()];
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: { items } })), 'data.items[3]');
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: { 'a b': 1n } })), 'data["a b"]');
    expectUnsupportedAt(
      () => encodeEventItem(storedEvent({ metadata: { when: new Date() } })),
      'metadata.when',
    );
    expectUnsupportedAt(
      () => encodeEventItem(storedEvent({ data: { __proto__x: [NaN] } })),
      'data.__proto__x[0]',
    );
  });

  it.each([
    ['a Date', new Date()],
    ['a Map', new Map([['correlationId', 'c-1']])],
    [
      'a class instance',
      new (class Context {
        correlationId = 'c-1';
      })(),
    ],
    ['an array', ['c-1']],
    ['a string', 'c-1'],
    ['an object of another prototype', Object.create({ correlationId: 'c-1' })],
    ['null', null],
  ])('rejects %s as metadata instead of storing {}', (_name, bad) => {
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ metadata: bad as never })), 'metadata');
  });

  it('rejects arrays with non-enumerable or symbol-keyed extra properties, which JSON would drop', () => {
    const hidden = Object.defineProperty([1, 2], 'total', { value: 3, enumerable: false });
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: { list: hidden } })), 'data.list');
    const symbolic = Object.assign([1, 2], { [Symbol('total')]: 3 });
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: { list: symbolic } })), 'data.list');
  });

  it.each([
    ['in data', { ok: { '\ud800': 1 } }, 'data.ok', 'data.ok["\\ud800"]'],
    ['at the top of data', { 'x\udfff': 1 }, 'data', 'data["x\\udfff"]'],
  ])('rejects an unpaired surrogate in a key %s', (_name, data, holder, own) => {
    const error = thrown(() => encodeEventItem(storedEvent({ data })));
    expect(isUnsupportedValueError(error), String(error)).toBe(true);
    // The object holding the key (as the native codec reports it), or the key's own path.
    expect([holder, own]).toContain((error as UnsupportedValueError).path);
  });

  it('rejects an unpaired surrogate in a key of metadata', () => {
    const error = thrown(() => encodeEventItem(storedEvent({ metadata: { 'a\ud83d': 'c-1' } })));
    expect(isUnsupportedValueError(error), String(error)).toBe(true);
    expect(['metadata', 'metadata["a\\ud83d"]']).toContain((error as UnsupportedValueError).path);
  });

  it.each<[string, Partial<StoredEvent>]>([
    ['schema version 0', { schemaVersion: 0 }],
    ['version 0', { version: 0 }],
    ['an empty stream id', { streamId: '' }],
    ['an empty event id', { eventId: '' }],
  ])(
    'either round-trips or refuses an event with %s (no item decodeEventItem calls corrupt)',
    (_name, overrides) => {
      const event = storedEvent(overrides);
      let item: EventItem;
      try {
        item = encodeEventItem(event).item;
      } catch (error) {
        expect(isEventStoreError(error), String(error)).toBe(true);
        return;
      }
      expectSameEvent(decodeEventItem(item), event);
    },
  );

  it('refuses a recordedAt that is not the ISO text toISOString writes', () => {
    for (const recordedAt of ['2026-01-01T00:00:00Z', '2026-01-01', 'yesterday', '']) {
      expect(isInvalidInputError(thrown(() => encodeEventItem(storedEvent({ recordedAt }))))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 2 (offline part): sizes are upper bounds of DynamoDB's count
// ---------------------------------------------------------------------------------------------

describe('item sizes', () => {
  it('reports a size at least itemBytes of the item, for SDK items and stream images alike (property)', () => {
    fc.assert(
      fc.property(
        anyStoredEvent,
        fc.constantFrom<number | false>(false, 0, DEFAULT_COMPRESS_ABOVE),
        (event, c) => {
          const { item, size } = encodeEventItem(event, { compressAbove: c });
          expect(size).toBeGreaterThanOrEqual(itemBytes(item));
          expect(itemBytes(asStreamImage(item))).toBe(itemBytes(item));
          expect(size).toBeLessThanOrEqual(MAX_ITEM_BYTES);
        },
      ),
      { seed: propertySeed('codec #4'), numRuns: 200 },
    );
  });

  it('counts the version as the largest one, so the size holds whatever version is placed', () => {
    const { item, size } = encodeEventItem(storedEvent({ version: Number.MAX_SAFE_INTEGER }));
    expect(size).toBe(itemBytes(item));
    expect(encodeEventItem(storedEvent({ version: 1 })).size).toBe(size);
  });

  it('counts strings in UTF-8 bytes: 2 per é, 4 per emoji', () => {
    const size = (data: string) => encodeEventItem(storedEvent({ data }), { compressAbove: false }).size;
    const empty = size('');
    expect(size('ee')).toBe(empty + 2);
    expect(size('éé')).toBe(empty + 4);
    expect(size('😀')).toBe(empty + 4);
    expect(encodeEventItem(storedEvent({ streamId: 'é', type: '😀' })).size).toBe(
      encodeEventItem(storedEvent({ streamId: 'e', type: 't' })).size + 4,
    );
  });

  it('accepts an item of exactly 409,600 bytes and rejects 409,601, naming the stream, type and size', () => {
    const probe = encodeEventItem(storedEvent({ data: '' }), { compressAbove: false }).size;
    const fits = storedEvent({ data: 'x'.repeat(MAX_ITEM_BYTES - probe) });
    expect(encodeEventItem(fits, { compressAbove: false }).size).toBe(MAX_ITEM_BYTES);
    const error = thrown(() =>
      encodeEventItem(storedEvent({ data: 'x'.repeat(MAX_ITEM_BYTES - probe + 1) }), {
        compressAbove: false,
      }),
    );
    expect(isEventTooLargeError(error)).toBe(true);
    expect(error).toMatchObject({ streamId: 'account-1', eventType: 'MoneyDeposited', sizeBytes: 409_601 });
    expect((error as Error).message).toMatch(/MoneyDeposited.*account-1.*409601 bytes/);
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 3 (offline part): nesting limit
// ---------------------------------------------------------------------------------------------

describe('nesting', () => {
  it('reads back data and metadata nested exactly 31 levels (property)', () => {
    fc.assert(
      fc.property(nestedTo(MAX_NESTING_DEPTH), nestedTo(MAX_NESTING_DEPTH - 1), (data, inner) => {
        const event = storedEvent({ data, metadata: { inner } });
        expectSameEvent(roundTrip(event), event);
      }),
      { seed: propertySeed('codec #5'), numRuns: 100 },
    );
  });

  it('rejects 32 levels of objects, arrays or a mix, naming the 32nd level', () => {
    expect(MAX_NESTING_DEPTH).toBe(31);
    expectUnsupportedAt(
      () => encodeEventItem(storedEvent({ data: chainOf(32, 1) })),
      `data${'.a'.repeat(31)}`,
    );
    let lists: unknown = 1;
    for (let level = 0; level < 32; level++) lists = [lists];
    expectUnsupportedAt(() => encodeEventItem(storedEvent({ data: lists })), `data${'[0]'.repeat(31)}`);
    expectUnsupportedAt(
      () => encodeEventItem(storedEvent({ data: chainOf(31, []) })),
      `data${'.a'.repeat(31)}`,
    );
    expectUnsupportedAt(
      () => encodeEventItem(storedEvent({ metadata: chainOf(32, 1) as never })),
      `metadata${'.a'.repeat(31)}`,
    );
  });

  it('rejects a cycle, saying so', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    const error = expectUnsupportedAt(
      () => encodeEventItem(storedEvent({ data: cycle })),
      `data${'[0]'.repeat(31)}`,
    );
    expect(error.message).toMatch(/cycle/);
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 4 (offline part): compression
// ---------------------------------------------------------------------------------------------

describe('body format and compression', () => {
  it('stores format 1: s, v, t, i (16 bytes for a ULID) and one body b, leaving defaults out', () => {
    const event = storedEvent();
    const { item } = encodeEventItem(event);
    expect(Object.keys(item)).toEqual(['s', 'v', 't', 'i', 'b']);
    expect(item).toMatchObject({ s: { S: 'account-1' }, v: { N: '3' }, t: { S: 'MoneyDeposited' } });
    expect(item.i?.B).toEqual(ulidToBytes(event.eventId));
    expect(item.b?.S).toBe('{"d":{"amount":5}}');
  });

  it('writes m, r and s only when they differ from their defaults', () => {
    const body = (overrides: Partial<StoredEvent>) => encodeEventItem(storedEvent(overrides)).item.b?.S;
    expect(body({ metadata: { correlationId: 'c' } })).toBe('{"d":{"amount":5},"m":{"correlationId":"c"}}');
    expect(body({ schemaVersion: 2 })).toBe('{"d":{"amount":5},"s":2}');
    expect(body({ recordedAt: at(T0 + 1) })).toBe(`{"d":{"amount":5},"r":${T0 + 1}}`);
    expect(body({ eventId: 'evt-1' })).toBe(`{"d":{"amount":5},"r":${T0}}`);
  });

  it('keeps an item of exactly compressAbove bytes as text and compresses one byte more', () => {
    for (const limit of [DEFAULT_COMPRESS_ABOVE, 300, 5000]) {
      const probe = encodeEventItem(storedEvent({ data: '' }), { compressAbove: false }).size;
      const atLimit = encodeEventItem(storedEvent({ data: 'a'.repeat(limit - probe) }), {
        compressAbove: limit,
      });
      expect(atLimit.size).toBe(limit);
      expect(atLimit.item.b).toBeDefined();
      const over = encodeEventItem(storedEvent({ data: 'a'.repeat(limit - probe + 1) }), {
        compressAbove: limit,
      });
      expect(over.item.b).toBeUndefined();
      expect(over.item.z?.B).toBeInstanceOf(Uint8Array);
      expect(over.size).toBeLessThan(limit);
    }
    const probe = encodeEventItem(storedEvent({ data: '' }), { compressAbove: false }).size;
    const byDefault = encodeEventItem(storedEvent({ data: 'a'.repeat(DEFAULT_COMPRESS_ABOVE - probe + 1) }));
    expect(byDefault.item.z).toBeDefined();
  });

  it('writes z as a marker byte 1 then raw DEFLATE of the JSON text', () => {
    const event = storedEvent({ data: orders(5000, 1) });
    const z = bytesOf(encodeEventItem(event).item.z);
    expect(z[0]).toBe(1);
    const text = inflateRawSync(z.subarray(1)).toString('utf8');
    expect(text).toBe(encodeEventItem(event, { compressAbove: false }).item.b?.S);
  });

  it('never compresses with compressAbove: false, and keeps the text when compressing would not shrink it', () => {
    expect(
      encodeEventItem(storedEvent({ data: 'a'.repeat(200_000) }), { compressAbove: false }).item.b,
    ).toBeDefined();
    const tiny = encodeEventItem(storedEvent({ data: 1 }), { compressAbove: 0 });
    expect(tiny.item.b?.S).toBe('{"d":1}');
    expect(tiny.item.z).toBeUndefined();
  });

  it('compresses a 20 KB JSON event several times and reads it back exactly, from the SDK or a stream image', () => {
    const event = storedEvent({ data: orders(20_000, 2), metadata: { correlationId: 'c-1' } });
    const text = JSON.stringify({ d: event.data, m: event.metadata });
    const { item, size } = encodeEventItem(event);
    expect(item.z).toBeDefined();
    expect(size * 3).toBeLessThan(Buffer.byteLength(text));
    expectSameEvent(decodeEventItem(item), event);
    expectSameEvent(decodeEventItem(asStreamImage(item)), event);
  });

  it('stores a ~1.5 MB JSON event that compresses below 400 KB', () => {
    const event = storedEvent({ data: orders(1_500_000, 3) });
    const { item, size } = encodeEventItem(event);
    expect(JSON.stringify(event.data).length).toBeGreaterThan(1_500_000);
    expect(size).toBeLessThan(MAX_ITEM_BYTES);
    expectSameEvent(decodeEventItem(item), event);
  });

  it('rejects random base64 that does not compress below 400 KB, with its compressed size', () => {
    const blob = randomBytes(450_000).toString('base64'); // 600,000 characters, ~463 KB deflated
    const error = thrown(() => encodeEventItem(storedEvent({ data: { blob } })));
    expect(isEventTooLargeError(error)).toBe(true);
    const { sizeBytes } = error as EventTooLargeError;
    expect(sizeBytes).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(sizeBytes).toBeLessThan(blob.length);
    expect((error as Error).message).toContain(`${sizeBytes} bytes`);
  });

  it('accepts a body of exactly 16 MiB of JSON text and reads it back; one byte more is too large', () => {
    // A ULID of recordedAt's millisecond leaves `r` out: the text is {"d":"..."}, 8 bytes plus the string.
    const fits = storedEvent({ data: 'x'.repeat(MAX_BODY_BYTES - 8) });
    const { item } = encodeEventItem(fits);
    expect(inflateRawSync(bytesOf(item.z).subarray(1)).byteLength).toBe(MAX_BODY_BYTES);
    expect(decodeEventItem(item).data).toBe(fits.data);
    const error = thrown(() => encodeEventItem(storedEvent({ data: 'x'.repeat(MAX_BODY_BYTES - 7) })));
    expect(isEventTooLargeError(error)).toBe(true);
    expect((error as EventTooLargeError).sizeBytes).toBeGreaterThan(MAX_BODY_BYTES);
  });
});

describe('corrupt compressed bodies', () => {
  const { item } = encodeEventItem(storedEvent({ data: orders(3000, 4) }));
  const z = bytesOf(item.z);
  const deflated = (text: Buffer) => new Uint8Array([1, ...deflateRawSync(text)]);

  it.each([
    ['marker 0', new Uint8Array([0, ...z.subarray(1)])],
    ['marker 2 (a future algorithm)', new Uint8Array([2, ...z.subarray(1)])],
    ['marker 255', new Uint8Array([255, ...z.subarray(1)])],
    ['no bytes at all', new Uint8Array(0)],
    ['a marker and nothing else', new Uint8Array([1])],
    ['truncated DEFLATE', z.subarray(0, z.byteLength >> 1)],
    ['garbage after the marker', new Uint8Array([1, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13])],
    ['a deflate bomb inflating past 16 MiB', deflated(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20))],
    ['text that is not JSON', deflated(Buffer.from('{"d":'))],
    ['JSON that is not a body', deflated(Buffer.from('[1,2]'))],
  ])('gives CorruptEventError for %s', (_name, bytes) => {
    expectCorrupt(() => decodeEventItem({ ...item, z: { B: bytes } }));
    expectCorrupt(() => decodeEventItem(asStreamImage({ ...item, z: { B: bytes } })));
  });

  it('gives CorruptEventError for a body that inflates to invalid UTF-8, instead of reading U+FFFD', () => {
    const bytes = deflated(
      Buffer.concat([Buffer.from('{"d":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    );
    expectCorrupt(() => decodeEventItem({ ...item, z: { B: bytes } }));
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 5: foreign items give no header or a CorruptEventError, never a TypeError
// ---------------------------------------------------------------------------------------------

describe('foreign items', () => {
  const valid = encodeEventItem(storedEvent({ eventId: 'evt-1' })).item;
  const ulidItem = encodeEventItem(storedEvent()).item;
  const withAttributes = (base: EventItem, changes: Record<string, unknown>): EventItem => {
    const item: Record<string, unknown> = { ...base };
    for (const [name, change] of Object.entries(changes)) {
      if (change === undefined) delete item[name];
      else item[name] = change;
    }
    return item as EventItem;
  };

  it.each<[string, unknown]>([
    ['no body', withAttributes(valid, { b: undefined })],
    ['a body of the wrong type', withAttributes(valid, { b: { N: '1' } })],
    ['a compressed body of the wrong type', withAttributes(valid, { b: undefined, z: { S: 'x' } })],
    ['v of 1e20', withAttributes(valid, { v: { N: '1e20' } })],
    ['v of 0', withAttributes(valid, { v: { N: '0' } })],
    ['v of -1', withAttributes(valid, { v: { N: '-1' } })],
    ['v of abc', withAttributes(valid, { v: { N: 'abc' } })],
    ['v of 1.5', withAttributes(valid, { v: { N: '1.5' } })],
    ['v of empty text', withAttributes(valid, { v: { N: '' } })],
    ['v as a string', withAttributes(valid, { v: { S: '1' } })],
    ['no v', withAttributes(valid, { v: undefined })],
    ['i as B of 15 bytes', withAttributes(valid, { i: { B: new Uint8Array(15) } })],
    ['i as B of 17 bytes', withAttributes(valid, { i: { B: new Uint8Array(17) } })],
    ['i as base64 of 15 bytes', withAttributes(valid, { i: { B: Buffer.alloc(15).toString('base64') } })],
    ['i as an empty string', withAttributes(valid, { i: { S: '' } })],
    ['i as a number', withAttributes(valid, { i: { N: '1' } })],
    ['no i', withAttributes(valid, { i: undefined })],
    ['an empty stream id', withAttributes(valid, { s: { S: '' } })],
    ['no type', withAttributes(valid, { t: undefined })],
    ['attributes that are null', withAttributes(valid, { s: null, t: null })],
    ['an empty item', {}],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'item'],
    ['an array', []],
  ])('has no header: %s', (_name, item) => {
    expect(readEventHeader(item as EventItem)).toBeUndefined();
    expect(isEventItem(item as EventItem)).toBe(false);
    expectCorrupt(() => decodeEventItem(item as EventItem));
  });

  it.each<[string, string, EventItem?]>([
    ['a body that is not JSON', 'not json'],
    ['an empty body', ''],
    ['a JSON number', '1'],
    ['a JSON string', '"d"'],
    ['JSON null', 'null'],
    ['a JSON array', '[{"d":1}]'],
    ['a body without d', `{"m":{},"r":${T0}}`],
    ['a body with an unknown key', `{"d":1,"r":${T0},"x":1}`],
    ['a body with a "__proto__" key', `{"d":1,"r":${T0},"__proto__":{}}`],
    ['r that is a fraction', '{"d":1,"r":1.5}'],
    ['r beyond safe integers', '{"d":1,"r":1e20}'],
    ['r past the last valid Date', '{"d":1,"r":8640000000000001}'],
    ['r as text', `{"d":1,"r":"${T0}"}`],
    ['r as null', '{"d":1,"r":null}'],
    ['no r while i is not a ULID', '{"d":1}'],
    ['m that is an array', `{"d":1,"m":[],"r":${T0}}`],
    ['m that is null', `{"d":1,"m":null,"r":${T0}}`],
    ['m that is a string', `{"d":1,"m":"c-1","r":${T0}}`],
    ['s of 0', `{"d":1,"r":${T0},"s":0}`],
    ['s of -1', `{"d":1,"r":${T0},"s":-1}`],
    ['s of 1.5', `{"d":1,"r":${T0},"s":1.5}`],
    ['s as text', `{"d":1,"r":${T0},"s":"2"}`],
    ['s as null', `{"d":1,"r":${T0},"s":null}`],
    ['r that is a fraction, with a ULID id', '{"d":1,"r":0.5}', ulidItem],
  ])('reads the header, then gives CorruptEventError for %s', (_name, body, base = valid) => {
    const item = { ...base, b: { S: body } };
    expect(readEventHeader(item)).toEqual(readEventHeader(base));
    expect(readEventHeader(item)?.streamId).toBe('account-1');
    expectCorrupt(() => decodeEventItem(item));
  });

  it('reads the header of an SDK item and of a stream image alike', () => {
    const event = storedEvent();
    const header = { streamId: 'account-1', version: 3, type: 'MoneyDeposited', eventId: event.eventId };
    expect(readEventHeader(ulidItem)).toEqual(header);
    expect(readEventHeader(asStreamImage(ulidItem))).toEqual(header);
  });

  it('decodes any item to a valid event or a CorruptEventError, never another error (property)', () => {
    const attribute = (...values: unknown[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
    const bodyObject = fc
      .record(
        {
          d: fc.jsonValue(),
          m: fc.oneof(fc.jsonValue(), fc.constant({ correlationId: 'c' })),
          r: fc.oneof(fc.integer(), fc.double(), fc.jsonValue(), fc.constant(T0)),
          s: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.jsonValue()),
          x: fc.jsonValue(),
        },
        { requiredKeys: [] },
      )
      .map((body) => JSON.stringify(body));
    const item = fc.record({
      s: attribute({ S: 'a' }, { S: '' }, { N: '1' }, null, {}),
      v: attribute({ N: '1' }, { N: '1e300' }, { N: '-0' }, { N: 'x' }, { S: '2' }),
      t: attribute({ S: 'T' }, { S: '' }, { B: new Uint8Array(1) }),
      i: attribute({ S: 'evt' }, { S: EVENT_ID }, { B: ulidToBytes(EVENT_ID) }, { B: 'AAAA' }, { B: 3 }),
      b: fc.option(
        fc.oneof(bodyObject, fc.json(), fc.string()).map((S) => ({ S })),
        { nil: undefined },
      ),
      z: attribute({ B: new Uint8Array([1, 3, 0]) }, { B: 'AQMA' }, { B: new Uint8Array([9]) }, { B: null }),
    });
    fc.assert(
      fc.property(item, (candidate) => {
        const foreign = Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined));
        const header = readEventHeader(foreign);
        let event: StoredEvent;
        try {
          event = decodeEventItem(foreign as EventItem);
        } catch (error) {
          expect(isCorruptEventError(error), String(error)).toBe(true);
          return;
        }
        expect(header).toEqual({
          streamId: event.streamId,
          version: event.version,
          type: event.type,
          eventId: event.eventId,
        });
        // What was read is a storable event: writing it again reads back the same.
        expectSameEvent(roundTrip(event), event);
      }),
      { seed: propertySeed('codec #6'), numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 6: ULIDs in 16 bytes
// ---------------------------------------------------------------------------------------------

describe('ULID event ids', () => {
  it('turns any 16 bytes into a canonical ULID and back, its time agreeing with the ulid package (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const id = ulidFromBytes(bytes);
        expect(isCanonicalUlid(id)).toBe(true);
        expect(ulidToBytes(id)).toEqual(bytes);
        expect(ulidTime(id)).toBe(decodeTime(id));
      }),
      { seed: propertySeed('codec #7'), numRuns: 300 },
    );
  });

  it('keeps ids of ulid() and monotonicFactory() unchanged through 16 bytes, with their time (property)', () => {
    fc.assert(
      fc.property(fc.array(ulidMs, { minLength: 1, maxLength: 8 }), (times) => {
        const monotonic = monotonicFactory();
        for (const time of times) {
          for (const id of [ulid(time), monotonic(time), monotonic(time)]) {
            expect(isCanonicalUlid(id)).toBe(true);
            expect(ulidFromBytes(ulidToBytes(id))).toBe(id);
            expect(ulidTime(id)).toBe(decodeTime(id));
          }
          expect(ulidTime(ulid(time))).toBe(time);
        }
      }),
      { seed: propertySeed('codec #8'), numRuns: 200 },
    );
    const id = ulid();
    expect(ulidFromBytes(ulidToBytes(id))).toBe(id);
  });

  it('stores a ULID of recordedAt as 16 bytes without r, and reads the time back from the id', () => {
    fc.assert(
      fc.property(ulidMs, (time) => {
        const event = storedEvent({ eventId: monotonicFactory()(time), recordedAt: at(time) });
        const { item } = encodeEventItem(event);
        expect(item.i?.B).toHaveLength(16);
        expect(item.b?.S).toBe('{"d":{"amount":5}}');
        expectSameEvent(decodeEventItem(item), event);
      }),
      { seed: propertySeed('codec #9'), numRuns: 100 },
    );
  });

  it.each([
    ['lower case', EVENT_ID.toLowerCase()],
    ['mixed case', `${EVENT_ID.slice(0, 13)}${EVENT_ID.slice(13).toLowerCase()}`],
    ['with I, L, O and U', '01ARZ3NDEKTSV4RRFFQ69GILOU'],
    ['beyond 48 bits of time (first character 8)', `8${'Z'.repeat(25)}`],
    ['25 characters', EVENT_ID.slice(1)],
    ['27 characters', `${EVENT_ID}0`],
    ['a UUID', '0190a3f2-7c4e-7b3a-9f1e-2d4c6b8a0e1f'],
  ])('stores a %s id as S and reads it back unchanged', (_name, eventId) => {
    expect(isCanonicalUlid(eventId)).toBe(false);
    const event = storedEvent({ eventId });
    const { item } = encodeEventItem(event);
    expect(item.i).toEqual({ S: eventId });
    expect(JSON.parse(item.b?.S as string).r).toBe(T0);
    expectSameEvent(decodeEventItem(item), event);
  });
});

// ---------------------------------------------------------------------------------------------
// Promise 7: snapshot items
// ---------------------------------------------------------------------------------------------

describe('snapshot items', () => {
  const snapshot = (overrides: Partial<Snapshot> = {}): Snapshot => ({
    streamId: 'account-1',
    version: 7,
    eventId: EVENT_ID,
    schemaVersion: 2,
    state: { balance: 5 },
    takenAt: at(T0),
    ...overrides,
  });
  const anySnapshot = fc.record({
    streamId: identifier,
    version: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    eventId: fc.oneof(
      ulidMs.map((time) => ulid(time)),
      identifier,
    ),
    schemaVersion: fc.integer({ min: 1, max: 2 ** 31 }),
    state: value,
    takenAt: epochMs.map(at),
  });
  const expectSameSnapshot = (actual: Snapshot, expected: Snapshot) => {
    expect({ ...actual, state: 0 }).toEqual({ ...expected, state: 0 });
    expectExact(actual.state, expected.state);
  };

  it('reads back every supported state exactly, as text, compressed or from a stream image (property)', () => {
    fc.assert(
      fc.property(
        anySnapshot,
        fc.constantFrom<number | false>(false, 0, DEFAULT_COMPRESS_ABOVE),
        fc.boolean(),
        (s, c, image) => {
          const { item, size } = encodeSnapshotItem(s, { compressAbove: c });
          expect(size).toBeGreaterThanOrEqual(itemBytes(item));
          expectSameSnapshot(decodeSnapshotItem(image ? asStreamImage(item) : item), s);
        },
      ),
      { seed: propertySeed('codec #10'), numRuns: 300 },
    );
  });

  it('compresses a 20 KB state several times and reads it back exactly', () => {
    const state = orders(20_000, 5);
    const { item, size } = encodeSnapshotItem(snapshot({ state }));
    expect(item.b).toBeUndefined();
    expect(item.z?.B?.[0]).toBe(1);
    expect(size * 3).toBeLessThan(JSON.stringify(state).length);
    expectSameSnapshot(decodeSnapshotItem(item), snapshot({ state }));
  });

  it('rejects a state that does not fit one item, naming "state" and its size', () => {
    const error = expectUnsupportedAt(
      () => encodeSnapshotItem(snapshot({ state: { blob: randomBytes(450_000).toString('base64') } })),
      'state',
    );
    expect(error.message).toMatch(/is \d+ bytes as a DynamoDB item and the limit is 409600/);
  });

  it('rejects a state holding exactly one unsupported value, naming its path (property)', () => {
    fc.assert(
      fc.property(withOneUnsupported('state'), ({ value, path }) => {
        expectUnsupportedAt(() => encodeSnapshotItem(snapshot({ state: value })), path);
      }),
      { seed: propertySeed('codec #11'), numRuns: 200 },
    );
    expectUnsupportedAt(() => encodeSnapshotItem(snapshot({ state: { x: new Date() } })), 'state.x');
    expectUnsupportedAt(() => encodeSnapshotItem(snapshot({ state: { x: new Uint8Array(1) } })), 'state.x');
  });

  it.each<[string, Partial<Snapshot>]>([
    ['a takenAt that is not a time', { takenAt: 'not a time' }],
    ['a takenAt without milliseconds', { takenAt: '2026-01-01T00:00:00Z' }],
    ['schema version 0', { schemaVersion: 0 }],
    ['version 0', { version: 0 }],
    ['an empty event id', { eventId: '' }],
  ])(
    'either round-trips or refuses a snapshot with %s (no item decodeSnapshotItem calls corrupt)',
    (_name, overrides) => {
      const expected = snapshot(overrides);
      let item: EventItem;
      try {
        item = encodeSnapshotItem(expected).item;
      } catch (error) {
        expect(isEventStoreError(error), String(error)).toBe(true);
        return;
      }
      expectSameSnapshot(decodeSnapshotItem(item), expected);
    },
  );

  it('gives CorruptSnapshotError for corrupt or foreign items', () => {
    const { item } = encodeSnapshotItem(snapshot({ state: orders(3000, 6) }));
    const z = bytesOf(item.z);
    for (const broken of [
      { ...item, z: { B: new Uint8Array([2, ...z.subarray(1)]) } },
      { ...item, z: { B: z.subarray(0, 20) } },
      { ...item, z: { B: new Uint8Array([1, ...deflateRawSync(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20))]) } },
      { ...item, z: undefined, b: { S: '{"d":1}' } },
      { ...item, z: undefined, b: { S: '{"r":1}' } },
      { ...item, i: { B: new Uint8Array(15) } },
      { ...item, v: { N: 'abc' } },
      { s: { S: 'a' } },
    ]) {
      const error = thrown(() => decodeSnapshotItem(broken as unknown as EventItem));
      expect(isCorruptSnapshotError(error), String(error)).toBe(true);
    }
  });
});
