import { mapLimit } from '@dynamo-es/event-store';
import { EventsTable } from '../dynamodb/events-table.js';
import type { Feed } from '../feed.js';
import { integerOption } from '../internal/validation.js';

export interface RebuildFeedOptions {
  /** The feed to build: a fresh table, or one to repair (what it holds already is skipped). */
  readonly feed: Feed;
  /** Parallel scan segments of the events table (default 4); one writer appends the batches. */
  readonly segments?: number;
  /** Strongly consistent scan (default true). */
  readonly consistentRead?: boolean;
  /** Called after each scanned page is indexed. */
  readonly onProgress?: (progress: RebuildFeedProgress) => void;
}

export interface RebuildFeedProgress {
  readonly scanned: number;
  readonly indexed: number;
  readonly batches: number;
  readonly elapsedMs: number;
}

export interface RebuildFeedResult extends RebuildFeedProgress {
  /** Scanned events the feed held already. */
  readonly duplicates: number;
  /** Streams that could not be indexed (a version missing from the table), with why. */
  readonly failed: ReadonlyMap<string, unknown>;
}

/**
 * Builds (or repairs) a feed from the events table: scans it (headers only) and indexes every
 * event through the same exact protocol as the live indexer, so it may run while the indexer runs
 * too, and again after a failure. The global order of a rebuilt feed is the scan's (streams as
 * DynamoDB lays them out), each stream in version order: the order across streams is the
 * indexer's choice in any feed; only each stream's order is a promise.
 *
 * @example
 * await createFeedTable(client, { tableName: 'events-feed-2' });
 * const result = await rebuildFeed({ feed: new Feed({ client, tableName: 'events-feed-2', eventStore }) });
 */
export async function rebuildFeed(options: RebuildFeedOptions): Promise<RebuildFeedResult> {
  const { feed } = options;
  const segments = integerOption(options.segments, 4, 'segments');
  const consistentRead = options.consistentRead ?? true;
  const events = new EventsTable(feed.eventStore.client, feed.eventStore.tableName);
  const started = Date.now();
  const totals = { scanned: 0, indexed: 0, batches: 0, duplicates: 0 };
  const failed = new Map<string, unknown>();
  // One writer: concurrent writers would be exact too, but would only race for the same positions.
  let writer: Promise<unknown> = Promise.resolve();
  const progress = () => ({ ...totals, elapsedMs: Date.now() - started });
  await mapLimit([...Array(segments).keys()], segments, async (segment) => {
    for await (const headers of events.scanHeaders({ segment, segments, consistentRead })) {
      const turn = writer.then(() => feed.index(headers));
      writer = turn.catch(() => {});
      const outcome = await turn;
      totals.scanned += headers.length;
      totals.indexed += outcome.indexed;
      totals.batches += outcome.batches.length;
      totals.duplicates += outcome.duplicates;
      for (const [streamId, error] of outcome.failed) failed.set(streamId, error);
      options.onProgress?.(progress());
    }
  });
  return { ...progress(), duplicates: totals.duplicates, failed };
}
