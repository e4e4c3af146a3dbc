import type { MetricUnit } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedIndexer } from '../src/index.js';
import { recordsOf } from './support/stream-records.js';
import { appendEvents, feedTables } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;
beforeAll(async () => {
  tables = await feedTables();
});
afterAll(() => tables.destroy());

/** The shape of Powertools' `Metrics` (2.x) that dynamo-es uses, recording what it is given. */
function powertoolsLikeMetrics() {
  const stored: Record<string, { unit: MetricUnit; value: number }> = {};
  let published = 0;
  return {
    stored,
    published: () => published,
    addMetric: (name: string, unit: MetricUnit, value: number) => {
      stored[name] = { unit, value };
    },
    singleMetric: () => ({ addDimension: () => {}, addMetric: () => {} }),
    publishStoredMetrics: () => {
      published++;
    },
  };
}

describe('the indexer reports', () => {
  it("what it did and its lag, to Powertools' Metrics as it is", async () => {
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited']);
    await appendEvents(tables.store, 'b', ['Opened']);
    const records = await recordsOf(tables.client, tables.eventsTable, ['a', 'b']);
    // The feed's clock runs a minute ahead of the events' ids: the lag is that minute.
    const feed = tables.newFeed({ now: () => new Date(Date.now() + 60_000) });
    const metrics = powertoolsLikeMetrics();
    const index = createFeedIndexer({ feed, metrics });
    await index({ Records: [...records, records[0] as never] });
    expect(metrics.stored).toMatchObject({
      FeedEventsIndexed: { unit: 'Count', value: 3 },
      FeedDuplicatesSkipped: { unit: 'Count', value: 1 },
      FeedGapsFilled: { unit: 'Count', value: 0 },
      FeedBatchesWritten: { unit: 'Count', value: 1 },
      FeedConflicts: { unit: 'Count', value: 0 },
      FeedStreamsFailed: { unit: 'Count', value: 0 },
      FeedIndexerLag: { unit: 'Milliseconds' },
    });
    const lag = metrics.stored.FeedIndexerLag?.value ?? 0;
    expect(lag).toBeGreaterThanOrEqual(60_000);
    expect(lag).toBeLessThan(90_000);
  });
});
