/**
 * Offline tests of the native value codec (`encodeValue` / `decodeValue`), which stores read-model
 * documents as DynamoDB maps, lists and numbers. `limits.test.ts` checks its sizes and nesting
 * against DynamoDB Local.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../../../test/support/property-seed.js';
import {
  decodeValue,
  encodeValue,
  isCorruptEventError,
  isUnsupportedValueError,
  itemBytes,
  MAX_NESTING_DEPTH,
  type UnsupportedValueError,
} from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const roundTrip = (value: unknown) => decodeValue(encodeValue(value, 'doc').value);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected an error');
}

function expectUnsupportedAt(value: unknown, path: string): UnsupportedValueError {
  const error = thrown(() => encodeValue(value, 'doc'));
  expect(isUnsupportedValueError(error), String(error)).toBe(true);
  expect((error as UnsupportedValueError).path).toBe(path);
  return error as UnsupportedValueError;
}

const show = (value: unknown): string => {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
};

/**
 * The first place where `actual` is not exactly `expected`: same types, own enumerable keys in the
 * same order, numbers `Object.is`-equal (-0 read back as 0), plain prototypes, bytes read back as
 * a `Uint8Array` of the same bytes. Properties of `expected` whose value is `undefined` are left out.
 */
function difference(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (typeof expected === 'number') {
    const want = Object.is(expected, -0) ? 0 : expected;
    return Object.is(actual, want) ? undefined : `${at}: got ${show(actual)}, expected ${want}`;
  }
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return actual === expected ? undefined : `${at}: got ${show(actual)}, expected ${show(expected)}`;
  }
  if (expected instanceof Uint8Array) {
    const same =
      Object.getPrototypeOf(actual) === Uint8Array.prototype &&
      Buffer.from(actual as Uint8Array).equals(Buffer.from(expected));
    return same ? undefined : `${at}: not a Uint8Array of the same bytes`;
  }
  return Array.isArray(expected)
    ? listDifference(actual, expected, at)
    : recordDifference(actual, expected as Record<string, unknown>, at);
}

function listDifference(actual: object, expected: readonly unknown[], at: string): string | undefined {
  if (!Array.isArray(actual) || Object.getPrototypeOf(actual) !== Array.prototype)
    return `${at}: not an array`;
  if (actual.length !== expected.length) return `${at}: length ${actual.length}, expected ${expected.length}`;
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

const expectExact = (actual: unknown, expected: unknown) =>
  expect(difference(actual, expected)).toBeUndefined();

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

const keyPath = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** The double just below a positive `value`. */
function below(value: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

/** DynamoDB's documented number range: magnitudes from 1e-130 to below 1e126, or 0. */
const SMALLEST = 1e-130;
const LARGEST = below(1e126);

/**
 * Bytes DynamoDB counts for a number, modelled independently of the codec: its significant digits
 * in base-100 pairs aligned on the decimal point, one byte of exponent, one more when negative
 * (the developer guide's rule, as measured on DynamoDB Local; it counts 0 as 1 byte).
 */
function dynamoNumberBytes(value: number): number {
  if (value === 0) return 1;
  const [mantissa = '', exponent = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  // Written as 0.<digits> x 10^integerDigits, the pairs start on the decimal point.
  const integerDigits = Number(exponent) + 1;
  const aligned = (integerDigits % 2 !== 0 ? '0' : '') + digits;
  return Math.ceil(aligned.length / 2) + 1 + (value < 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const TRICKY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'length',
  '0',
  '01',
  '-1',
  'a b',
  'é',
  '😀',
  '\u0000',
];
const TRICKY_NUMBERS = [
  SMALLEST,
  -SMALLEST,
  LARGEST,
  -LARGEST,
  0,
  -0,
  1.234567890123456,
  -1.234567890123456e-7,
  123,
  -1.5,
  Number.MAX_SAFE_INTEGER,
  1e21,
  1e-7,
  0.1 + 0.2,
];

const key = fc.oneof(
  fc.constantFrom(...TRICKY_KEYS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);
const positive = fc.double({ min: SMALLEST, max: LARGEST, noNaN: true });
/** Any double DynamoDB can store. */
const storableNumber = fc.oneof(
  fc.constantFrom(...TRICKY_NUMBERS),
  positive,
  positive.map((n) => -n),
  fc.integer(),
);
const primitive = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  storableNumber,
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
);

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'doc' },
    primitive,
    fc.array(tie('tree'), { maxLength: 4, depthIdentifier: 'doc' }),
    fc
      .tuple(
        fc.array(fc.tuple(key, fc.option(tie('tree'), { nil: undefined, freq: 8 })), {
          maxLength: 4,
          depthIdentifier: 'doc',
        }),
        fc.boolean(),
      )
      .map(([entries, nullPrototype]) => objectOf(entries, nullPrototype)),
  ),
}));

/** A value nested exactly `levels` levels deep along one random path of lists and maps. */
const nestedTo = (levels: number) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.boolean(), key, fc.nat(2)), { minLength: levels, maxLength: levels }),
      primitive,
    )
    .map(([steps, leaf]) =>
      steps.reduceRight<unknown>(
        (inner, [inList, name, index]) =>
          inList ? [...Array.from({ length: index }, () => 0), inner] : objectOf([[name, inner]]),
        leaf,
      ),
    );

const document = fc.oneof(
  tree,
  fc.oneof(fc.constant(MAX_NESTING_DEPTH), fc.integer({ min: 1, max: MAX_NESTING_DEPTH })).chain(nestedTo),
);

type Step = { readonly key: string } | { readonly index: number };
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
  'undefined in a list': () => ({ value: [1, undefined], suffix: '[1]' }),
  'a hole in a list': () => {
    const list = new Array<unknown>(3);
    list[0] = 1;
    list[2] = 3;
    return { value: list, suffix: '[1]' };
  },
  'a list with an extra property': alone(() => Object.assign([1, 2], { extra: 3 })),
  'a non-enumerable property': alone(() => Object.defineProperty({ a: 1 }, 'hidden', { value: 2 })),
  'a symbol key': alone(() => ({ a: 1, [Symbol('key')]: 2 })),
  'an empty key': alone(() => objectOf([['', 1]])),
  'an unpaired surrogate in a key': alone(() => objectOf([['a\ud800', 1]])),
  'a function': alone(() => () => 1),
  'a symbol': alone(() => Symbol('s')),
  'a bigint': alone(() => 10n),
  'a Date': alone(() => new Date(0)),
  'a Map': alone(() => new Map([['a', 1]])),
  'a Set': alone(() => new Set([1])),
  'a RegExp': alone(() => /x/),
  'an Error': alone(() => new Error('x')),
  'a class instance': alone(() => new (class Money {})()),
  'an Int8Array': alone(() => new Int8Array(2)),
  'an ArrayBuffer': alone(() => new ArrayBuffer(2)),
  NaN: alone(() => Number.NaN),
  Infinity: alone(() => Number.POSITIVE_INFINITY),
  '1e126': alone(() => 1e126),
  '-1e126': alone(() => -1e126),
  '1e300': alone(() => 1e300),
  'the double below 1e-130': alone(() => below(SMALLEST)),
  '-5e-324': alone(() => -5e-324),
  'an unpaired surrogate': alone(() => 'x\udc00'),
  'a cycle': (depth) => {
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
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

const withOneUnsupported = fc
  .record({
    kind: fc.constantFrom(...Object.keys(UNSUPPORTED)),
    steps: fc.array(step, { maxLength: 6 }),
    sibling: fc.oneof(primitive, tree),
  })
  .map(({ kind, steps, sibling }) => {
    const bad = (UNSUPPORTED[kind] as Unsupported)(steps.length);
    const path = steps.map((s) => ('index' in s ? `[${s.index}]` : keyPath(s.key))).join('');
    return { value: placeAt(steps, bad.value, sibling), path: `doc${path}${bad.suffix}` };
  });

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('native codec: exact round trip', () => {
  it('reads back every supported document exactly (property)', () => {
    fc.assert(
      fc.property(document, (doc) => {
        expectExact(roundTrip(doc), doc);
      }),
      { seed: propertySeed('value-codec #1'), numRuns: 300 },
    );
  });

  it('round-trips plain data of every kind', () => {
    const doc = {
      text: 'héllo 😀',
      empty: '',
      int: 42,
      float: -0.1,
      big: Number.MAX_SAFE_INTEGER,
      tiny: SMALLEST,
      huge: LARGEST,
      yes: true,
      nothing: null,
      list: [1, 'two', [3], { four: 4 }, []],
      nested: { a: { b: { c: {} } } },
      bytes: new Uint8Array([0, 1, 255]),
      noBytes: new Uint8Array(0),
    };
    expectExact(roundTrip(doc), doc);
  });

  it('keeps "__proto__" and "constructor" keys as own data keys, with Object.prototype', () => {
    const doc = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":1},"a":2}');
    const decoded = roundTrip(doc) as Record<string, unknown>;
    expectExact(decoded, doc);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'constructor', 'a']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(decodeValue({ M: { ['__proto__']: { N: '1' } } }) as object)).toEqual(['__proto__']);
  });

  it('reads null-prototype objects back as plain objects, and a Buffer back as a Uint8Array', () => {
    const doc = objectOf([['b', Buffer.from('hi')]], true);
    const decoded = roundTrip(doc) as { b: Uint8Array };
    expectExact(decoded, doc);
    expect(Object.getPrototypeOf(decoded.b)).toBe(Uint8Array.prototype);
  });

  it('copies bytes both ways, so neither side can change the other', () => {
    const bytes = new Uint8Array([1, 2]);
    const encoded = encodeValue(bytes, 'doc').value;
    bytes[0] = 9;
    expect(encoded.B).toEqual(new Uint8Array([1, 2]));
    const decoded = decodeValue(encoded) as Uint8Array;
    decoded[1] = 9;
    expect(encoded.B).toEqual(new Uint8Array([1, 2]));
  });

  it('leaves out undefined properties and stores -0 as 0, as JSON does', () => {
    expectExact(roundTrip({ a: undefined, b: 1, '': undefined }), { b: 1 });
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
    expect(encodeValue(-0, 'doc').value).toEqual({ N: '0' });
  });

  it('decodes binary values and sets from stream images (base64) and from the SDK (bytes)', () => {
    expectExact(decodeValue({ B: 'AQID' } as never), new Uint8Array([1, 2, 3]));
    expectExact(decodeValue({ BS: ['AQID', new Uint8Array([4])] } as never), [
      new Uint8Array([1, 2, 3]),
      new Uint8Array([4]),
    ]);
    expectExact(decodeValue({ SS: ['a', 'b'] }), ['a', 'b']);
    expectExact(decodeValue({ NS: ['1', '-1.5'] }), [1, -1.5]);
  });

  it('gives CorruptEventError for values it cannot read', () => {
    expect(isCorruptEventError(thrown(() => decodeValue({} as never)))).toBe(true);
    expect(isCorruptEventError(thrown(() => decodeValue({ B: 3 } as never)))).toBe(true);
    expect(isCorruptEventError(thrown(() => decodeValue({ M: { a: { X: 1 } } } as never)))).toBe(true);
  });

  it('either round-trips any string or rejects it (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (text) => {
          if (text.isWellFormed()) {
            expectExact(roundTrip({ [text || 'k']: text }), { [text || 'k']: text });
          } else {
            expect(isUnsupportedValueError(thrown(() => encodeValue({ k: text }, 'doc')))).toBe(true);
            expect(isUnsupportedValueError(thrown(() => encodeValue({ [text]: 1 }, 'doc')))).toBe(true);
          }
        },
      ),
      { seed: propertySeed('value-codec #2'), numRuns: 300 },
    );
  });
});

describe('native codec: rejected with the path of the value', () => {
  it('rejects a document holding exactly one unsupported value, naming its path (property)', () => {
    fc.assert(
      fc.property(withOneUnsupported, ({ value, path }) => {
        expectUnsupportedAt(value, path);
      }),
      { seed: propertySeed('value-codec #3'), numRuns: 300 },
    );
  });

  it.each(Object.keys(UNSUPPORTED))('rejects %s at the top, with path "doc"', (kind) => {
    const bad = (UNSUPPORTED[kind] as Unsupported)(0);
    expectUnsupportedAt(bad.value, `doc${bad.suffix}`);
  });

  it('names paths as documented: doc.items[3], doc["a b"]', () => {
    expectUnsupportedAt({ items: [0, 1, 2, new Date()] }, 'doc.items[3]');
    expectUnsupportedAt({ 'a b': 1n }, 'doc["a b"]');
  });

  it('accepts numbers at the edges of DynamoDB range and rejects the next ones out', () => {
    for (const n of [SMALLEST, -SMALLEST, LARGEST, -LARGEST]) expectExact(roundTrip(n), n);
    expect(encodeValue(LARGEST, 'doc').value.N).toBe('9.999999999999998e+125');
    for (const n of [below(SMALLEST), -below(SMALLEST), 1e126, -1e126]) expectUnsupportedAt({ n }, 'doc.n');
  });

  it('rejects lists with non-enumerable or symbol-keyed extra properties, which would be lost', () => {
    expectUnsupportedAt({ list: Object.defineProperty([1, 2], 'total', { value: 3 }) }, 'doc.list');
    expectUnsupportedAt({ list: Object.assign([1, 2], { [Symbol('total')]: 3 }) }, 'doc.list');
  });
});

describe('native codec: nesting', () => {
  it('stores 31 levels of maps, lists or a mix (property)', () => {
    fc.assert(
      fc.property(nestedTo(MAX_NESTING_DEPTH), (doc) => {
        expectExact(roundTrip(doc), doc);
      }),
      { seed: propertySeed('value-codec #4'), numRuns: 100 },
    );
  });

  it('rejects 32 levels, naming the 32nd, and a cycle, saying so', () => {
    expectUnsupportedAt(chainOf(32, 1), `doc${'.a'.repeat(31)}`);
    expectUnsupportedAt(chainOf(31, []), `doc${'.a'.repeat(31)}`);
    let lists: unknown = 'leaf';
    for (let level = 0; level < 32; level++) lists = [lists];
    expectUnsupportedAt(lists, `doc${'[0]'.repeat(31)}`);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(expectUnsupportedAt(cycle, `doc${'[0]'.repeat(31)}`).message).toMatch(/cycle/);
  });
});

describe('native codec: sizes', () => {
  it('reports at least the bytes itemBytes counts for the value (property)', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const { value, size } = encodeValue(doc, 'doc');
        expect(size).toBeGreaterThanOrEqual(itemBytes({ d: value }) - 1);
      }),
      { seed: propertySeed('value-codec #5'), numRuns: 300 },
    );
  });

  it('counts every number at least as DynamoDB does: base-100 pairs aligned on the point (property)', () => {
    fc.assert(
      fc.property(storableNumber, (n) => {
        expect(encodeValue(n, 'doc').size).toBeGreaterThanOrEqual(dynamoNumberBytes(n));
        expect(encodeValue([n], 'doc').size).toBeGreaterThanOrEqual(dynamoNumberBytes(n) + 4);
      }),
      { seed: propertySeed('value-codec #6'), numRuns: 300 },
    );
  });

  it.each([
    [1.234567890123456, 10],
    [123, 3],
    [1.5, 3],
    [-1.5, 4],
    [12, 2],
    [-1.234567890123456e-7, 10],
    [0.05, 2],
  ])('counts %d as at least %d bytes (odd integer digits take a pair more)', (n, bytes) => {
    expect(dynamoNumberBytes(n)).toBe(bytes);
    expect(encodeValue(n, 'doc').size).toBeGreaterThanOrEqual(bytes);
  });

  it('counts 37,230 numbers of 16 digits at 11 bytes each or more', () => {
    const { size } = encodeValue({ l: Array(37_230).fill(1.234567890123456) }, 'doc');
    expect(size).toBeGreaterThanOrEqual(3 + 1 + 3 + 37_230 * 11 + 1);
  });
});
