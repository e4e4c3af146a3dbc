import { describe, expect, it } from 'vitest';
import {
  type Batch,
  decodeBatchItem,
  decodeTypeItem,
  encodeBatchItem,
  encodeTypeItems,
  isCorruptFeedError,
  TYPE_ITEM_MAX_BYTES,
} from '../src/index.js';

const batch: Batch = {
  first: 41,
  count: 4,
  writtenAt: 1_700_000_000_000,
  entries: [
    { streamId: 'account-1', fromVersion: 7, types: ['Deposited', 'Withdrawn', 'Deposited'] },
    { streamId: 'account-"2"', fromVersion: 1, types: ['Opened'] },
  ],
};

const corrupt = (patch: Record<string, unknown>) => {
  const { item } = encodeBatchItem(batch, 100);
  return () => decodeBatchItem({ ...item, ...patch } as never, 100);
};

describe('batch items (offline)', () => {
  it('round-trip, with each type named once and the item keyed by epoch and first position', () => {
    const { item, size } = encodeBatchItem(batch, 20);
    expect(item.p).toEqual({ S: 'b#2' });
    expect(item.n).toEqual({ N: '41' });
    expect(item.b?.S).toBe(
      '{"t":["Deposited","Withdrawn","Opened"],"e":[["account-1",7,[0,1,0]],["account-\\"2\\"",1,[2]]]}',
    );
    // The entries plus a few bytes of keys, count and time.
    expect(size - Buffer.byteLength(item.b?.S as string)).toBeLessThan(30);
    expect(decodeBatchItem(item, 20)).toEqual(batch);
  });

  it('cost about 3 bytes per event of a stream already in the batch', () => {
    const types = Array.from({ length: 100 }, (_, index) => (index % 2 === 0 ? 'Deposited' : 'Withdrawn'));
    const small = encodeBatchItem(
      { ...batch, count: 1, entries: [{ streamId: 's', fromVersion: 1, types: ['Deposited'] }] },
      100,
    );
    const large = encodeBatchItem(
      { ...batch, count: 100, entries: [{ streamId: 's', fromVersion: 1, types }] },
      100,
    );
    expect((large.size - small.size) / 99).toBeLessThan(2.2);
  });

  it.each([
    ['a count that does not match the entries', { c: { N: '5' } }],
    ['a batch under another epoch', { p: { S: 'b#1' } }],
    ['entries that are not JSON', { b: { S: '{"t":[' } }],
    ['a type index out of range', { b: { S: '{"t":["A"],"e":[["s",1,[1]]]}' }, c: { N: '1' } }],
    ['the same stream twice', { b: { S: '{"t":["A"],"e":[["s",1,[0]],["s",2,[0]]]}' }, c: { N: '2' } }],
    ['a version 0', { b: { S: '{"t":["A"],"e":[["s",0,[0]]]}' }, c: { N: '1' } }],
    ['no entries', { b: { S: '{"t":[],"e":[]}' } }],
    ['no first position', { n: { N: 'x' } }],
  ])('reject %s as corrupt', (_, patch) => {
    expect(corrupt(patch)).toThrow(expect.objectContaining({ code: 'DYNAMO_ES_FEED_CORRUPT' }));
    try {
      corrupt(patch)();
    } catch (error) {
      expect(isCorruptFeedError(error)).toBe(true);
    }
  });
});

describe('type index items (offline)', () => {
  it('list each type of a batch with its positions, streams and versions, keyed by type, epoch and first position', () => {
    const items = encodeTypeItems(batch, 20);
    expect(items.map((item) => [item.p?.S, item.n?.N, item.c?.N])).toEqual([
      ['y#2#Deposited', '41', '2'],
      ['y#2#Withdrawn', '42', '1'],
      ['y#2#Opened', '44', '1'],
    ]);
    expect(items[0]?.b?.S).toBe('{"s":["account-1"],"e":[[0,0,7],[2,0,9]]}');
    expect(decodeTypeItem(items[0] as never, 'Deposited', 20)).toEqual([
      { position: 41, streamId: 'account-1', version: 7, type: 'Deposited' },
      { position: 43, streamId: 'account-1', version: 9, type: 'Deposited' },
    ]);
    expect(decodeTypeItem(items[2] as never, 'Opened', 20)).toEqual([
      { position: 44, streamId: 'account-"2"', version: 1, type: 'Opened' },
    ]);
    // Derived from the batch alone: writing them again writes the same items.
    expect(encodeTypeItems(batch, 20)).toEqual(items);
  });

  it('keep every item of a batch that reaches into the next epoch under the epoch of the batch', () => {
    // Positions 6..8 with 7 positions per epoch: 7 and 8 are in epoch 1, the batch began in epoch 0.
    const spanning: Batch = {
      first: 6,
      count: 3,
      writtenAt: 0,
      entries: [{ streamId: 's', fromVersion: 1, types: ['A', 'B', 'A'] }],
    };
    const items = encodeTypeItems(spanning, 7);
    expect(items.map((item) => [item.p?.S, item.n?.N])).toEqual([
      ['y#0#A', '6'],
      ['y#0#B', '7'],
    ]);
    expect(decodeTypeItem(items[1] as never, 'B', 7)).toEqual([
      { position: 7, streamId: 's', version: 2, type: 'B' },
    ]);
  });

  it('split a type with many events in a batch into items of bounded size, each keyed by its first position', () => {
    const streams = Array.from({ length: 60 }, (_, index) => ({
      streamId: `${'x'.repeat(400)}-${index}`,
      fromVersion: 1,
      types: Array(50).fill('Deposited') as string[],
    }));
    const large: Batch = { first: 1, count: 3_000, writtenAt: 0, entries: streams };
    const items = encodeTypeItems(large, 100_000);
    expect(items.length).toBeGreaterThan(1);
    for (const item of items)
      expect(Buffer.byteLength(item.b?.S ?? '')).toBeLessThan(TYPE_ITEM_MAX_BYTES + 1_024);
    const entries = items.flatMap((item) => decodeTypeItem(item, 'Deposited', 100_000));
    expect(entries.map((entry) => entry.position)).toEqual(
      Array.from({ length: 3_000 }, (_, index) => index + 1),
    );
    expect(items.map((item) => Number(item.n?.N))).toEqual(
      items.map((item) => decodeTypeItem(item, 'Deposited', 100_000)[0]?.position),
    );
  });

  it.each([
    ['a count that does not match the rows', { c: { N: '3' } }],
    ['an item under another type', { p: { S: 'y#2#Withdrawn' } }],
    ['an item under another epoch', { p: { S: 'y#0#Deposited' } }],
    ['rows that are not JSON', { b: { S: '{"s":[' } }],
    ['a first row not at the first position', { b: { S: '{"s":["a"],"e":[[1,0,7],[2,0,9]]}' } }],
    ['rows out of order', { b: { S: '{"s":["a"],"e":[[0,0,7],[0,0,9]]}' } }],
    ['a stream index out of range', { b: { S: '{"s":["a"],"e":[[0,0,7],[2,1,9]]}' } }],
    ['a version 0', { b: { S: '{"s":["a"],"e":[[0,0,0],[2,0,9]]}' } }],
  ])('reject %s as corrupt', (_, patch) => {
    const [item] = encodeTypeItems(batch, 20);
    expect(() => decodeTypeItem({ ...item, ...patch } as never, 'Deposited', 20)).toThrow(
      expect.objectContaining({ code: 'DYNAMO_ES_FEED_CORRUPT' }),
    );
  });
});
