import { type StoredEvent, UpcastError } from '@dynamo-es/event-store';
import { describe, expect, it } from 'vitest';
import { eventsToApply } from '../src/apply/gap-fill.js';
import type { EventSource } from '../src/apply/types.js';
import { isMissingEventsError } from '../src/index.js';
import { INITIAL_CHECKPOINT } from '../src/storage/checkpoint.js';

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

/** An event source over versions 1..head; `broken` versions throw an UpcastError when read. */
function source(head: number, broken: number[] = []) {
  const reads: [number, number | undefined][] = [];
  const events: EventSource = {
    tableName: 'events',
    client: {} as EventSource['client'],
    upcasters: {} as EventSource['upcasters'],
    async *read(_streamId, options) {
      reads.push([options?.fromVersion ?? 1, options?.toVersion]);
      for (
        let version = options?.fromVersion ?? 1;
        version <= Math.min(head, options?.toVersion ?? head);
        version++
      ) {
        if (broken.includes(version))
          throw new UpcastError({ eventType: 'T', schemaVersion: 9, problem: 'no upcaster' });
        yield event(version);
      }
    },
  };
  return { events, reads };
}

describe('eventsToApply (offline)', () => {
  it('drops duplicates and versions at or below the checkpoint, in version order', async () => {
    const { events, reads } = source(5);
    const result = await eventsToApply(
      events,
      { streamId: 's', delivered: [event(4), event(3), event(4), event(2)] },
      { version: 2, rev: 1 },
    );
    expect(result.events.map((e) => e.version)).toEqual([3, 4]);
    expect(result).toMatchObject({ duplicates: 2, filled: 0 });
    expect(reads).toEqual([]);
  });

  it('reads only the missing range from the store', async () => {
    const { events, reads } = source(9);
    const result = await eventsToApply(
      events,
      { streamId: 's', delivered: [event(6), event(9), event(8)] },
      { version: 2, rev: 1 },
    );
    expect(result.events.map((e) => e.version)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(result).toMatchObject({ duplicates: 0, filled: 4 });
    expect(reads).toEqual([[3, 7]]);
  });

  it('keeps an event that cannot be upcast in its place instead of failing the read', async () => {
    const { events } = source(4, [2]);
    const result = await eventsToApply(events, { streamId: 's', delivered: [event(4)] }, INITIAL_CHECKPOINT);
    expect(result.events.map((e) => [e.version, 'undecodable' in e])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, false],
    ]);
  });

  it('fails when the store lacks versions the stream delivered', async () => {
    const { events } = source(1);
    await expect(
      eventsToApply(events, { streamId: 's', delivered: [event(3)] }, INITIAL_CHECKPOINT),
    ).rejects.toSatisfy(isMissingEventsError);
  });

  it('reads to the head for a catch-up', async () => {
    const { events } = source(3);
    const result = await eventsToApply(
      events,
      { streamId: 's', delivered: [], toHead: true },
      { version: 1, rev: 1 },
    );
    expect(result.events.map((e) => e.version)).toEqual([2, 3]);
  });
});
