import { beforeAll, describe, expect, it } from 'vitest';
import { isConcurrencyError } from '../src/index.js';
import { event, eventsTable, newStreamId } from './fixture.js';

let table: Awaited<ReturnType<typeof eventsTable>>;
beforeAll(async () => {
  table = await eventsTable();
});

describe('concurrent writers', () => {
  it('50 writers racing on one stream: winners stored contiguously, every loser told', async () => {
    const streamId = newStreamId();
    const seed = table.newStore();
    await seed.append(streamId, [event('Opened')], { expectedVersion: 'no-stream' });
    // Each writer has its own store (its own process, in effect) and appends at version 1.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, writer) =>
        table.newStore().append(streamId, [{ ...event('Wrote', { writer }), eventId: `w-${writer}` }], {
          expectedVersion: 1,
        }),
      ),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.filter((o) => o.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) expect(isConcurrencyError(loser.reason)).toBe(true);
    expect(await table.rawVersions(streamId)).toEqual([1, 2]);
  });

  it('50 writers that reload and retry until they win: all 50 events stored, 1..51 contiguous', async () => {
    const streamId = newStreamId();
    await table.newStore().append(streamId, [event('Opened')], { expectedVersion: 'no-stream' });
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, writer) => {
        const store = table.newStore();
        for (;;) {
          const { version } = await store.readStream(streamId);
          try {
            await store.append(streamId, [{ ...event('Wrote', { writer }), eventId: `r-${writer}` }], {
              expectedVersion: version,
            });
            return;
          } catch (error) {
            if (!isConcurrencyError(error)) throw error;
            conflicts++;
          }
        }
      }),
    );
    const { events } = await table.newStore().readStream(streamId);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const writers = events.slice(1).map((e) => (e.data as { writer: number }).writer);
    expect(new Set(writers).size).toBe(50);
    expect(conflicts).toBeGreaterThan(0);
  });

  it("50 'any' writers at once: every event stored exactly once", async () => {
    const streamId = newStreamId();
    await Promise.all(
      Array.from({ length: 50 }, (_, writer) =>
        table
          .newStore({ maxAppendAttempts: 100 })
          .append(streamId, [event('Wrote', { writer })], { expectedVersion: 'any' }),
      ),
    );
    expect(await table.rawVersions(streamId)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
