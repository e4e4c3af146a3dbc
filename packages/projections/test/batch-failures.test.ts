import type { StoredEvent } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { batchItemFailures, compareSequenceNumbers } from '../src/handler/batch-failures.js';
import type { DeliveredRecord } from '../src/handler/delivered-records.js';

const record = (sequenceNumber: string, streamId: string, version: number): DeliveredRecord => ({
  sequenceNumber,
  event: { streamId, version } as StoredEvent,
});

describe('batchItemFailures (offline)', () => {
  const records = [
    record('100', 'a', 1),
    record('101', 'b', 1),
    record('102', 'a', 3),
    record('103', 'b', 2),
    record('104', 'a', 2),
  ];

  it('reports, per failed stream, its first record at or after the version to retry from', () => {
    expect(batchItemFailures(records, new Map([['a', 2]]))).toEqual([{ itemIdentifier: '102' }]);
    expect(
      batchItemFailures(
        records,
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    ).toEqual([{ itemIdentifier: '100' }, { itemIdentifier: '103' }]);
  });

  it('reports nothing for streams that succeeded or whose records are all before the version', () => {
    expect(batchItemFailures(records, new Map())).toEqual([]);
    expect(batchItemFailures(records, new Map([['b', 3]]))).toEqual([]);
  });

  it('compares sequence numbers as numbers, not strings', () => {
    expect(compareSequenceNumbers('99', '100')).toBe(-1);
    expect(
      compareSequenceNumbers('49668042781096717133062014311463620000', '4966804278109671713306201431146362'),
    ).toBe(1);
    expect(batchItemFailures([record('99', 'a', 2), record('100', 'a', 1)], new Map([['a', 1]]))).toEqual([
      { itemIdentifier: '99' },
    ]);
  });
});
