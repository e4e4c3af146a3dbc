import { describe, expect, it } from 'vitest';
import { type Batch, decodeBatchItem, encodeBatchItem, isCorruptFeedError } from '../src/index.js';

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
