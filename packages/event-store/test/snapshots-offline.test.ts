import { randomBytes } from 'node:crypto';
import {
  CorruptSnapshotError,
  isUnsupportedValueError,
  MAX_ITEM_BYTES,
  snapshotTableDefinition,
} from '@dynamo-es/event-store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../../../test/support/property-seed.js';
import { decodeSnapshotItem, encodeSnapshotItem } from '../src/snapshots/snapshot-item.js';
import { buildGetSnapshot, buildPutSnapshot } from '../src/snapshots/snapshot-requests.js';

const takenAt = '2025-01-01T00:00:00.000Z';
const snapshot = (state: unknown) => ({
  streamId: 'account-1',
  version: 7,
  eventId: '01JDX4Q8ZK2M3N4P5Q6R7S8T9V',
  schemaVersion: 2,
  state,
  takenAt,
});

// Any finite number but -0 (stored as 0, as JSON does); any key, "__proto__" and "" included.
const number = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((value) => (Object.is(value, -0) ? 0 : value));
const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', '', 'constructor'));
const { plainData } = fc.letrec((tie) => ({
  plainData: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('plainData'), { maxLength: 4 }),
    fc.dictionary(key, tie('plainData'), { maxKeys: 4 }),
  ),
}));

describe('snapshot items (offline)', () => {
  it('round-trip plain state exactly (property)', () => {
    fc.assert(
      fc.property(plainData, (state) => {
        expect(decodeSnapshotItem(encodeSnapshotItem(snapshot(state)).item)).toEqual(snapshot(state));
      }),
      { seed: propertySeed('snapshot items round-trip') },
    );
  });

  it('refuse bytes, which JSON cannot hold, naming the path', () => {
    const error = catchError(() => encodeSnapshotItem(snapshot({ bytes: new Uint8Array([0, 1, 255]) })));
    expect((error as { path?: string }).path).toBe('state.bytes');
  });

  it('compress a large state and read it back exactly', () => {
    const state = {
      lines: Array.from({ length: 400 }, (_, i) => ({ sku: `SKU-${i}`, quantity: i % 7, note: 'gift wrap' })),
    };
    const { item, size } = encodeSnapshotItem(snapshot(state));
    expect(item.z?.B).toBeInstanceOf(Uint8Array);
    expect(size).toBeLessThan(JSON.stringify(state).length / 3);
    expect(decodeSnapshotItem(item).state).toEqual(state);
    expect(encodeSnapshotItem(snapshot(state), { compressAbove: false }).item.b?.S).toBe(
      JSON.stringify({ d: state, r: Date.parse(takenAt) }),
    );
  });

  it('reject state DynamoDB cannot store exactly, naming the path', () => {
    const error = catchError(() => encodeSnapshotItem(snapshot({ openedAt: new Date() })));
    expect(isUnsupportedValueError(error)).toBe(true);
    expect((error as Error).message).toMatch(/state\.openedAt/);
  });

  it('reject state too large for one item', () => {
    const blob = randomBytes(MAX_ITEM_BYTES).toString('base64');
    const error = catchError(() => encodeSnapshotItem(snapshot({ blob })));
    expect(isUnsupportedValueError(error)).toBe(true);
    expect((error as Error).message).toMatch(/is \d+ bytes as a DynamoDB item and the limit is 409600/);
  });

  it('refuse to decode an item that is not a snapshot', () => {
    expect(() => decodeSnapshotItem({ s: { S: 'a' }, v: { N: '1' } })).toThrow(CorruptSnapshotError);
    expect(() => decodeSnapshotItem({ s: { S: 'a' }, v: { S: 'x' } })).toThrow(/version undefined/);
    const { item } = encodeSnapshotItem(snapshot({}));
    expect(() => decodeSnapshotItem({ ...item, b: { S: 'null' } })).toThrow(/not a snapshot body/);
    expect(() => decodeSnapshotItem({ ...item, b: { S: '{"d":' } })).toThrow(CorruptSnapshotError);
  });
});

describe('snapshot requests (offline)', () => {
  it('write with a condition that keeps a newer snapshot', () => {
    const { item } = encodeSnapshotItem(snapshot({}));
    const put = buildPutSnapshot('snapshots', item);
    expect(put.ConditionExpression).toBe('attribute_not_exists(#s) OR #v < :v OR (#v = :v AND #n <> :n)');
    expect(put.ExpressionAttributeNames).toEqual({ '#s': 's', '#v': 'v', '#n': 'n' });
    expect(put.ExpressionAttributeValues).toEqual({ ':v': { N: '7' }, ':n': { N: '2' } });
    expect(buildPutSnapshot('snapshots', item, true)).toEqual({ TableName: 'snapshots', Item: item });
  });

  it('read eventually consistent unless asked otherwise', () => {
    expect(buildGetSnapshot('snapshots', 'a', false)).toEqual({
      TableName: 'snapshots',
      Key: { s: { S: 'a' } },
      ConsistentRead: false,
    });
  });

  it('live in a table keyed by stream id, without a DynamoDB stream', () => {
    const definition = snapshotTableDefinition('snapshots');
    expect(definition.KeySchema).toEqual([{ AttributeName: 's', KeyType: 'HASH' }]);
    expect(definition.StreamSpecification).toBeUndefined();
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
