import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { batchItemFailures, deliveredHeaders } from '../src/indexer/stream-records.js';
import { ulidTime } from '../src/internal/ulid-time.js';
import { compileFilter } from '../src/reader/filter.js';

const record = (overrides: Partial<DynamoDBRecord> & { image?: Record<string, unknown>; seq?: string }) =>
  ({
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: overrides.seq ?? '100',
      ApproximateCreationDateTime: 1_700_000_000,
      NewImage: overrides.image ?? {
        s: { S: 'a' },
        v: { N: '1' },
        t: { S: 'Opened' },
        i: { S: 'my-id' },
        b: { S: '{"d":{}}' },
      },
    },
    ...overrides,
  }) as DynamoDBRecord;

describe('stream records (offline)', () => {
  it('take the headers of inserted events only, without decoding bodies', () => {
    const headers = deliveredHeaders([
      record({}),
      record({ eventName: 'MODIFY' }),
      record({ image: { s: { S: 'a' }, v: { N: '2' }, t: { S: 'Opened' } } }),
      record({
        image: { s: { S: 'b' }, v: { N: '1' }, t: { S: 'X' }, i: { S: 'id' }, b: { S: 'not json' } },
      }),
      null as unknown as DynamoDBRecord,
    ]);
    expect(headers).toEqual([
      { streamId: 'a', version: 1, type: 'Opened', sequenceNumber: '100', writtenAt: 1_700_000_000_000 },
      { streamId: 'b', version: 1, type: 'X', sequenceNumber: '100', writtenAt: 1_700_000_000_000 },
    ]);
  });

  it('report the lowest sequence number of each failed stream, lowest first, compared as numbers', () => {
    const at = (streamId: string, sequenceNumber: string) => ({
      streamId,
      version: 1,
      type: 'T',
      sequenceNumber,
      writtenAt: 0,
    });
    const headers = [at('a', '900'), at('b', '1000'), at('a', '850'), at('c', '10')];
    expect(batchItemFailures(headers, new Set(['a', 'b']))).toEqual([
      { itemIdentifier: '850' },
      { itemIdentifier: '1000' },
    ]);
    expect(batchItemFailures(headers, new Set())).toEqual([]);
  });

  it('read the time of a ULID event id', () => {
    expect(ulidTime('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(1_469_922_850_259);
    expect(ulidTime('my-own-id')).toBeUndefined();
  });

  it('filter entries by type and stream prefix', () => {
    const matches = compileFilter({ types: ['A', 'B'], streamPrefix: ['acct-', 'user-'] });
    expect([
      matches('acct-1', 'A'),
      matches('user-1', 'B'),
      matches('acct-1', 'C'),
      matches('order-1', 'A'),
    ]).toEqual([true, true, false, false]);
    expect(compileFilter(undefined)('x', 'y')).toBe(true);
    expect(() => compileFilter({ types: [''] })).toThrow(/Invalid options.filter.types/);
  });
});
