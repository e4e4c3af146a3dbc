import type { FeedMeta } from '../codec/meta-item.js';
import type { EventsTable } from '../dynamodb/events-table.js';
import type { FeedLog } from '../indexer/feed-log.js';
import { chunks } from '../internal/chunks.js';
import { type FeedEntry, matchingEntries } from './entries.js';
import {
  type FeedEvent,
  type FeedEventSource,
  fetchEvents,
  type UndecodableFeedEvent,
} from './fetch-events.js';
import type { EntryMatcher } from './filter.js';
import { readBatches } from './read-batches.js';
import { readTypeEntryPages } from './read-type-pages.js';

/** Events read from the feed, in position order, and where reading goes on. */
export interface FeedPage<T> {
  readonly items: readonly T[];
  /**
   * The first position not covered yet: every position before it was read (or skipped by the
   * filter). A subscription's checkpoint is `end - 1`.
   */
  readonly end: number;
  /**
   * The first position of a batch from which reading on covers `end`: where a reader that keeps
   * going starts its next read without looking the position up again.
   */
  readonly resumeFrom: number;
}

export interface ReaderContext {
  readonly log: FeedLog;
  readonly events: EventsTable;
  readonly source: FeedEventSource;
  readonly concurrency: number;
}

export interface PageOptions {
  /** The first position of the batch to start at (from `locate`). */
  readonly from: number;
  /** Entries before this position are skipped. */
  readonly fromPosition: number;
  readonly matches: EntryMatcher;
  /** The types the filter asks for: read through the type index rather than every batch. */
  readonly types?: readonly string[];
  readonly consistentRead: boolean;
  /** Events fetched per page at most. */
  readonly pageSize: number;
  /** Events that cannot be decoded are handed back as {@link UndecodableFeedEvent}s instead of thrown. */
  readonly keepUndecodable?: boolean;
}

/**
 * The matching entries from a batch on, in pages of at most `pageSize` (and at least one page per
 * `Query` page of batches, empty when nothing matched, so `end` keeps moving). A filter by type
 * reads the type index instead of the batches (see `readTypeEntryPages`).
 */
export async function* readEntryPages(
  log: FeedLog,
  meta: FeedMeta,
  options: PageOptions,
): AsyncGenerator<FeedPage<FeedEntry>> {
  if (options.types) {
    yield* readTypeEntryPages(log, meta, { ...options, types: options.types });
    return;
  }
  const { from, consistentRead } = options;
  for await (const page of readBatches(log.table, meta, { from, consistentRead })) {
    const entries = matchingEntries(page.batches, options.fromPosition, options.matches);
    const parts = chunks(entries, options.pageSize);
    const pageStart = (page.batches[0] as { first: number }).first;
    for (let index = 0; index < parts.length - 1; index++) {
      const part = parts[index] as FeedEntry[];
      yield { items: part, end: (part[part.length - 1] as FeedEntry).position + 1, resumeFrom: pageStart };
    }
    yield { items: parts[parts.length - 1] ?? [], end: page.end, resumeFrom: page.end };
  }
}

/**
 * The matching events from a batch on, a page at a time; the next page's events are fetched while
 * the caller handles the current one.
 */
export async function* readEventPages(
  context: ReaderContext,
  meta: FeedMeta,
  options: PageOptions,
): AsyncGenerator<FeedPage<FeedEvent | UndecodableFeedEvent>> {
  const fetch = {
    events: context.events,
    source: context.source,
    consistentRead: options.consistentRead,
    concurrency: context.concurrency,
    keepUndecodable: options.keepUndecodable === true,
  };
  let pending: Promise<FeedPage<FeedEvent | UndecodableFeedEvent>> | undefined;
  for await (const page of readEntryPages(context.log, meta, options)) {
    const next = fetchEvents(fetch, page.items).then((items) => ({ ...page, items }));
    // Awaited below; until then a failure must not count as unhandled if the caller stops early.
    next.catch(() => {});
    if (pending) yield await pending;
    pending = next;
  }
  if (pending) yield await pending;
}
