import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEventItem,
  decodeValue,
  encodeEventItem,
  encodeValue,
  isEventTooLargeError,
  isUnsupportedValueError,
  MAX_ITEM_BYTES,
  type StoredEvent,
} from '../src/index.js';

const roundTrip = (value: unknown) => decodeValue(encodeValue(value, 'data').value);

describe('value codec', () => {
  it('round-trips plain data exactly', () => {
    const value = {
      text: 'héllo 😀',
      empty: '',
      int: 42,
      float: -0.1,
      big: 9007199254740991,
      tiny: 1e-130,
      huge: 9.99e125,
      yes: true,
      nothing: null,
      list: [1, 'two', [3], { four: 4 }],
      nested: { a: { b: { c: [] } } },
      bytes: new Uint8Array([0, 1, 255]),
    };
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps a "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
    const decoded = roundTrip(value) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(value));
  });

  it('decodes binary values and sets from Lambda stream images (base64) and from the SDK (bytes)', () => {
    expect(decodeValue({ B: 'AQID' } as never)).toEqual(new Uint8Array([1, 2, 3]));
    expect(decodeValue({ BS: ['AQID', new Uint8Array([4])] } as never)).toEqual([
      new Uint8Array([1, 2, 3]),
      new Uint8Array([4]),
    ]);
  });

  it('leaves out undefined properties and stores -0 as 0, as JSON does', () => {
    expect(roundTrip({ a: undefined, b: 1 })).toEqual({ b: 1 });
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
  });

  it.each([
    ['a function', { f: () => 1 }, 'data.f'],
    ['a symbol', { s: Symbol('x') }, 'data.s'],
    ['undefined in an array', [1, undefined], 'data[1]'],
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this case is about.
    ['a hole in an array', [1, , 3], 'data[1]'],
    ['NaN', { n: Number.NaN }, 'data.n'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'data.n'],
    ['a number above DynamoDB range', { n: 1e300 }, 'data.n'],
    ['a number below DynamoDB range', { n: 5e-324 }, 'data.n'],
    ['a bigint', { n: 10n }, 'data.n'],
    ['a Date', { d: new Date(0) }, 'data.d'],
    ['a Map', { m: new Map() }, 'data.m'],
    ['a Set', { s: new Set() }, 'data.s'],
    ['a class instance', { c: new (class Money {})() }, 'data.c'],
    ['an unpaired surrogate', { s: '\ud800' }, 'data.s'],
    ['an empty map key', { '': 1 }, 'data'],
    ['top-level undefined', undefined, 'data'],
  ])('rejects %s with a typed error naming the path', (_name, value, path) => {
    try {
      encodeValue(value, 'data');
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(isUnsupportedValueError(error)).toBe(true);
      expect((error as { path: string }).path).toBe(path);
    }
  });

  it('rejects nesting deeper than 32 levels and cycles', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { deep };
    expect(() => encodeValue(deep, 'data')).toThrow(/nesting/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeValue(cycle, 'data')).toThrow(/nesting/);
  });

  it('a JSON value either round-trips exactly or is rejected with a typed error (fuzz)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let encoded: ReturnType<typeof encodeValue>;
        try {
          encoded = encodeValue(value, 'data');
        } catch (error) {
          expect(isUnsupportedValueError(error)).toBe(true);
          return;
        }
        expect(JSON.stringify(decodeValue(encoded.value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('any string either round-trips or is rejected (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          expect(roundTrip({ [text || 'k']: text })).toEqual({ [text || 'k']: text });
        } catch (error) {
          expect(isUnsupportedValueError(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('event item codec', () => {
  const event: StoredEvent = {
    streamId: 'account-1',
    version: 3,
    eventId: '01J0000000000000000000000',
    type: 'MoneyDeposited',
    data: { amount: 100 },
    metadata: { correlationId: 'c-1', causationId: 'k-1' },
    recordedAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 2,
  };

  it('encodes and decodes a stored event', () => {
    expect(decodeEventItem(encodeEventItem(event).item)).toEqual(event);
  });

  it('rejects an event over 400 KB naming the stream, type and size', () => {
    const big = { ...event, data: { blob: 'x'.repeat(MAX_ITEM_BYTES) } };
    try {
      encodeEventItem(big);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(isEventTooLargeError(error)).toBe(true);
      expect((error as Error).message).toMatch(/MoneyDeposited.*account-1/);
    }
  });

  it('estimates sizes at or above what DynamoDB counts', () => {
    const { size } = encodeEventItem({ ...event, data: { text: 'x'.repeat(1000) } });
    expect(size).toBeGreaterThan(1000 + 'text'.length);
  });
});
