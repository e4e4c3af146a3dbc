import type { StoredEvent } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { INITIAL_CHECKPOINT } from '../../src/engine/checkpoint.js';
import { type EventRangeReader, eventsToApply } from '../../src/engine/contiguous-events.js';
import { type DeliveredEvent, isStub } from '../../src/engine/delivered-event.js';
import { isMissingEventsError } from '../../src/index.js';
import { skippedByType } from '../../src/rebuild/rebuild-source.js';

// Offline: which events a stream's job applies, and what it reads from the store to get them.

const event = (version: number): StoredEvent =>
  ({
    streamId: 's',
    version,
    eventId: `e${version}`,
    type: 'T',
    data: {},
    metadata: {},
    recordedAt: '',
    schemaVersion: 1,
  }) as StoredEvent;

/** A store of versions 1..head; `broken` versions cannot be decoded (stubs with an error). */
function source(head: number, broken: number[] = []) {
  const reads: [number, number | undefined][] = [];
  const read: EventRangeReader = async (_streamId, from, to) => {
    reads.push([from, to]);
    const events: DeliveredEvent[] = [];
    for (let version = from; version <= Math.min(head, to ?? head); version++) {
      events.push(
        broken.includes(version)
          ? {
              stub: true,
              streamId: 's',
              version,
              eventId: `e${version}`,
              type: 'T',
              error: new Error('no upcaster'),
            }
          : event(version),
      );
    }
    return events;
  };
  return { read, reads };
}

describe('eventsToApply (offline)', () => {
  it('lets a rebuild source skip versions of other types without reading, keeping the delivered ones', async () => {
    // A source of the projection's types delivered 1, 4 and 6: 2, 3 and 5 are of other types.
    const result = await eventsToApply(
      skippedByType,
      { streamId: 's', delivered: [event(1), event(4), event(6)] },
      INITIAL_CHECKPOINT,
    );
    expect(result.events.map((e) => [e.version, isStub(e)])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, false],
      [5, true],
      [6, false],
    ]);
    expect(result.events.filter(isStub).every((e) => e.error === undefined && e.type !== '')).toBe(true);
  });

  it('drops duplicates and versions at or below the checkpoint, in version order', async () => {
    const { read, reads } = source(5);
    const result = await eventsToApply(
      read,
      { streamId: 's', delivered: [event(4), event(3), event(4), event(2)] },
      { version: 2 },
    );
    expect(result.events.map((e) => e.version)).toEqual([3, 4]);
    expect(result).toMatchObject({ duplicates: 2, filled: 0 });
    expect(reads).toEqual([]);
  });

  it('reads only the missing range from the store', async () => {
    const { read, reads } = source(9);
    const result = await eventsToApply(
      read,
      { streamId: 's', delivered: [event(6), event(9), event(8)] },
      { version: 2 },
    );
    expect(result.events.map((e) => e.version)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(result).toMatchObject({ duplicates: 0, filled: 4 });
    expect(reads).toEqual([[3, 7]]);
  });

  it('keeps an event that cannot be decoded in its place', async () => {
    const { read } = source(4, [2]);
    const result = await eventsToApply(read, { streamId: 's', delivered: [event(4)] }, INITIAL_CHECKPOINT);
    expect(result.events.map((e) => [e.version, isStub(e)])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, false],
    ]);
  });

  it('ends with a failing stub at the first version the store lacks, instead of failing the read', async () => {
    const { read } = source(1);
    const result = await eventsToApply(read, { streamId: 's', delivered: [event(3)] }, INITIAL_CHECKPOINT);
    expect(result.events.map((e) => [e.version, isStub(e)])).toEqual([
      [1, false],
      [2, true],
    ]);
    const missing = result.events[1];
    expect(missing && isStub(missing) && isMissingEventsError(missing.error)).toBe(true);
  });

  it('reads to the head for a catch-up', async () => {
    const { read } = source(3);
    const result = await eventsToApply(read, { streamId: 's', delivered: [], toHead: true }, { version: 1 });
    expect(result.events.map((e) => e.version)).toEqual([2, 3]);
  });
});
