import { describe, expect, it } from 'vitest';
import { type BatchLimits, planBatch, type StreamWork } from '../src/indexer/plan-batch.js';

const limits: BatchLimits = { maxStreams: 100, maxEvents: 1_000, maxBytes: 32 * 1024 };
const work = (streamId: string, types: Record<number, string>): StreamWork => {
  const versions = Object.keys(types).map(Number);
  return {
    streamId,
    target: Math.max(...versions),
    types: new Map(Object.entries(types).map(([v, t]) => [Number(v), t])),
  };
};
const none = () => 0;

describe('planning a batch (offline)', () => {
  it('starts each stream after what the feed holds and skips streams it holds to their target', () => {
    const plan = planBatch(
      [work('a', { 3: 'X', 4: 'Y' }), work('b', { 1: 'X' }), work('c', { 1: 'X', 2: 'Y' })],
      (id) => ({ a: 2, b: 1, c: 1 })[id] ?? 0,
      limits,
    );
    expect(plan).toEqual({
      entries: [
        { streamId: 'a', fromVersion: 3, types: ['X', 'Y'] },
        { streamId: 'c', fromVersion: 2, types: ['Y'] },
      ],
      count: 3,
      missing: [],
    });
  });

  it('asks for the versions the delivery lacks before anything is planned', () => {
    const plan = planBatch(
      [work('a', { 4: 'X' }), work('b', { 2: 'Y' })],
      (id) => (id === 'a' ? 1 : 0),
      limits,
    );
    expect(plan.entries).toEqual([]);
    expect(plan.missing).toEqual([
      { streamId: 'a', version: 2 },
      { streamId: 'a', version: 3 },
      { streamId: 'b', version: 1 },
    ]);
  });

  it('keeps to the stream, event and byte limits, cutting a stream that does not fit whole', () => {
    const long = work('a', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i + 1, 'T'])));
    expect(planBatch([long, work('b', { 1: 'T' })], none, { ...limits, maxEvents: 4 })).toMatchObject({
      entries: [{ streamId: 'a', fromVersion: 1, types: ['T', 'T', 'T', 'T'] }],
      count: 4,
    });
    expect(planBatch([long, work('b', { 1: 'T' })], none, { ...limits, maxStreams: 1 }).entries).toHaveLength(
      1,
    );
    const bytes = planBatch([long, work('b', { 1: 'T' })], none, { ...limits, maxBytes: 40 });
    expect(bytes.entries).toEqual([{ streamId: 'a', fromVersion: 1, types: ['T', 'T', 'T', 'T', 'T', 'T'] }]);
    // The estimate is an upper bound of the JSON written.
    expect(JSON.stringify({ t: ['T'], e: [['a', 1, [0, 0, 0, 0, 0, 0]]] }).length).toBeLessThanOrEqual(40);
  });

  it('always takes one event, however small the byte limit', () => {
    const plan = planBatch([work('a-very-long-stream-id', { 1: 'AVeryLongTypeName' })], none, {
      ...limits,
      maxBytes: 1,
    });
    expect(plan.count).toBe(1);
  });
});
