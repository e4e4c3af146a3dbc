import { mapLimit } from '@dynamo-es/event-store';
import type { StreamState } from '../codec/state-item.js';
import { EventsTable } from '../dynamodb/events-table.js';
import { FeedTable } from '../dynamodb/feed-table.js';
import { isCorruptFeedError } from '../errors.js';
import type { Feed } from '../feed.js';
import { FeedLog } from '../indexer/feed-log.js';
import { integerOption } from '../internal/validation.js';
import { Findings } from './findings.js';
import { type FeedProblem, FeedProblemKind } from './problem-kind.js';
import { type StreamTally, streamTally, typeDigest } from './stream-tally.js';
import { TypeIndexCheck } from './type-index-check.js';

export { type FeedProblem, FeedProblemKind } from './problem-kind.js';

/** What {@link validateFeed} found. */
export interface FeedValidation {
  /** True when the feed holds every event of the table exactly once, in order, and nothing else. */
  readonly ok: boolean;
  /** Events in the events table. */
  readonly events: number;
  /** Positions in the feed (its last position). */
  readonly positions: number;
  readonly streams: number;
  readonly counts: Readonly<Record<FeedProblemKind, number>>;
  /** The first problems found (at most `maxProblems`). */
  readonly problems: readonly FeedProblem[];
}

export interface ValidateFeedOptions {
  readonly feed: Feed;
  /** Parallel scan segments of the events table (default 4). */
  readonly segments?: number;
  /** Strongly consistent scans and reads (default true). */
  readonly consistentRead?: boolean;
  /** Problems listed at most (default 100; all are counted). */
  readonly maxProblems?: number;
}

/**
 * Checks a feed against its events table: every event indexed exactly once, each stream in version
 * order, positions contiguous from 1, types matching, and no stream state ahead of the feed. Reads
 * the whole feed (its compact batches, in order) and scans the events table (headers only) and the
 * feed table's states; memory grows with the number of streams, not events. Run it on a quiet
 * system, or expect the indexer's lag among `missing`.
 *
 * @example
 * const report = await validateFeed({ feed });
 * if (!report.ok) console.error(report.counts, report.problems.slice(0, 5));
 */
export async function validateFeed(options: ValidateFeedOptions): Promise<FeedValidation> {
  const { feed } = options;
  const segments = integerOption(options.segments, 4, 'segments');
  const consistentRead = options.consistentRead ?? true;
  const found = new Findings(
    integerOption(options.maxProblems, 100, 'maxProblems'),
    Object.values(FeedProblemKind),
  );
  const table = new FeedTable(feed.client, feed.tableName);
  const meta = await table.meta();
  const latest = meta
    ? await new FeedLog(table, { positionsPerEpoch: meta.epochSize, concurrency: 1 })
        .latest()
        // A corrupt batch is reported by the read of the batches below; the index is not compared.
        .catch((error) => {
          if (isCorruptFeedError(error)) return undefined;
          throw error;
        })
    : undefined;
  // Every batch before the latest has its type index items: compare them below this position.
  const typeIndex = new TypeIndexCheck(latest?.first ?? 1);
  const streams = new Map<string, StreamTally>();
  const tally = (streamId: string) => {
    const known = streams.get(streamId);
    if (known) return known;
    const entry = streamTally();
    streams.set(streamId, entry);
    return entry;
  };
  const positions = await readFeedSide(feed, { consistentRead, tally, found, typeIndex });
  const events = new EventsTable(feed.eventStore.client, feed.eventStore.tableName);
  let scanned = 0;
  await mapLimit([...Array(segments).keys()], segments, async (segment) => {
    for await (const headers of events.scanHeaders({ segment, segments, consistentRead })) {
      for (const { streamId, version, type } of headers) {
        const entry = tally(streamId);
        entry.table.count++;
        entry.table.max = Math.max(entry.table.max, version);
        entry.table.digest = typeDigest(entry.table.digest, version, type);
        scanned++;
      }
    }
  });
  await scanStatesAndIndex(
    table,
    { consistentRead, epochSize: meta?.epochSize ?? 1, found, typeIndex },
    (state) => {
      const feedMax = streams.get(state.streamId)?.feed.max ?? 0;
      if (state.version > feedMax) {
        found.add(
          FeedProblemKind.StateAhead,
          state.streamId,
          `state at version ${state.version}, feed at ${feedMax}`,
        );
      }
    },
  );
  for (const [streamId, entry] of streams) compare(streamId, entry, found);
  typeIndex.report(found);
  return {
    ok: found.total === 0,
    events: scanned,
    positions,
    streams: streams.size,
    counts: found.counts,
    problems: found.problems,
  };
}

/** Scans the stream states and type index items of the feed table. */
async function scanStatesAndIndex(
  table: FeedTable,
  options: { consistentRead: boolean; epochSize: number; found: Findings; typeIndex: TypeIndexCheck },
  onState: (state: StreamState) => void,
): Promise<void> {
  try {
    for await (const { states, typed } of table.scanStates(options.consistentRead, options.epochSize)) {
      states.forEach(onState);
      for (const entry of typed) options.typeIndex.addIndexed(entry);
    }
  } catch (error) {
    if (!isCorruptFeedError(error)) throw error;
    options.found.add(FeedProblemKind.Corrupt, undefined, error.message);
  }
}

/** Reads every entry in order; returns the last position. */
async function readFeedSide(
  feed: Feed,
  sides: {
    consistentRead: boolean;
    tally: (streamId: string) => StreamTally;
    found: Findings;
    typeIndex: TypeIndexCheck;
  },
): Promise<number> {
  const { consistentRead, tally, found, typeIndex } = sides;
  let expected = 1;
  try {
    for await (const entry of feed.readEntries({ consistentRead })) {
      const { position, streamId, version, type } = entry;
      typeIndex.addBatched(entry);
      if (position !== expected) {
        found.add(FeedProblemKind.Corrupt, undefined, `position ${position} follows ${expected - 1}`);
      }
      expected = position + 1;
      const side = tally(streamId).feed;
      if (version < side.next) {
        found.add(FeedProblemKind.Duplicate, streamId, `version ${version} again at position ${position}`);
      } else if (version > side.next) {
        found.add(
          FeedProblemKind.OutOfOrder,
          streamId,
          `version ${version} at position ${position} before version ${side.next}`,
        );
      }
      side.next = Math.max(side.next, version + 1);
      side.max = Math.max(side.max, version);
      side.count++;
      side.digest = typeDigest(side.digest, version, type);
    }
  } catch (error) {
    if (!isCorruptFeedError(error)) throw error;
    found.add(FeedProblemKind.Corrupt, undefined, error.message);
  }
  return expected - 1;
}

function compare(streamId: string, { feed, table }: StreamTally, found: Findings): void {
  if (table.max > feed.max) {
    found.add(
      FeedProblemKind.Missing,
      streamId,
      `versions ${feed.max + 1}..${table.max} are not in the feed`,
      table.max - feed.max,
    );
  } else if (feed.max > table.max) {
    found.add(
      FeedProblemKind.Unknown,
      streamId,
      `versions ${table.max + 1}..${feed.max} are not in the events table`,
    );
  } else if (feed.count === table.count && feed.digest !== table.digest) {
    found.add(
      FeedProblemKind.TypeMismatch,
      streamId,
      'the feed lists other types than the events table holds',
    );
  }
}
