import {
  decodeEventItem,
  type EventShape,
  isCorruptEventError,
  isUpcastError,
  mapLimit,
  type ReadOptions,
  readEventHeader,
  type StoredEvent,
  type UpcasterChain,
} from '@dynamo-es/event-store';
import type { EventsTable } from '../dynamodb/events-table.js';
import { CorruptFeedError, MissingEventError } from '../errors.js';
import { chunks } from '../internal/chunks.js';
import type { FeedEntry } from './entries.js';

/** An event read from the feed: the stored event and its position in the feed. */
export type FeedEvent<E extends EventShape = EventShape> = StoredEvent<E> & { readonly position: number };

/**
 * An indexed event whose body cannot be decoded or upcast (damaged, written by something else, or
 * of a schema version no upcaster knows): its header, its position and why. Only read with
 * `undecodable: 'yield'` (a rebuild dead-letters it); otherwise reading throws the error.
 */
export interface UndecodableFeedEvent {
  readonly undecodable: true;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly position: number;
  readonly error: unknown;
}

/** True for an {@link UndecodableFeedEvent} among the items of `readPages({ undecodable: 'yield' })`. */
export const isUndecodableFeedEvent = (event: object): event is UndecodableFeedEvent =>
  (event as Partial<UndecodableFeedEvent>).undecodable === true;

type Undecodable = Omit<UndecodableFeedEvent, 'position'>;
type Found = Map<string, StoredEvent | Undecodable>;

/** What the feed needs of the event store: its table and client, its upcasters, its reads. */
export interface FeedEventSource {
  readonly tableName: string;
  readonly client: EventsTable['client'];
  readonly upcasters: UpcasterChain;
  read(streamId: string, options?: ReadOptions): AsyncIterable<StoredEvent>;
}

/**
 * Runs of at least this many consecutive versions of one stream are read with one `Query` (billed
 * on their summed size) rather than by key (`BatchGetItem` bills every item as 4 KB at least).
 */
export const RANGE_READ_MIN = 8;

interface Fetch {
  readonly events: EventsTable;
  readonly source: FeedEventSource;
  readonly consistentRead: boolean;
  readonly concurrency: number;
  /** Hand back an event that cannot be decoded as an {@link UndecodableFeedEvent} instead of throwing. */
  readonly keepUndecodable: boolean;
}

type Job = { kind: 'keys'; keys: FeedEntry[] } | { kind: 'range'; run: FeedEntry[] };

const keyOf = (streamId: string, version: number) => `${version}\u0000${streamId}`;

/**
 * The events of some entries, in their order: runs of one stream's consecutive versions by range
 * `Query` (through the event store, which decodes and upcasts), the rest by `BatchGetItem` of
 * 100 keys, decoded with the store's codec and upcasters; all in parallel.
 *
 * @throws MissingEventError when the events table lacks an indexed event.
 */
export async function fetchEvents(
  fetch: Fetch,
  entries: readonly FeedEntry[],
): Promise<(FeedEvent | UndecodableFeedEvent)[]> {
  const found: Found = new Map();
  await mapLimit(jobsOf(entries), fetch.concurrency, async (job) => {
    if (job.kind === 'range') return readRange(fetch, job.run, found);
    return readKeys(fetch, job.keys, fetch.consistentRead, found);
  });
  const missing = entries.filter((entry) => !found.has(keyOf(entry.streamId, entry.version)));
  // An eventually consistent read may not see an event written a moment ago: ask again consistently.
  if (missing.length > 0 && !fetch.consistentRead) await readKeys(fetch, missing, true, found);
  return entries.map((entry) => {
    const event = found.get(keyOf(entry.streamId, entry.version));
    if (!event) throw new MissingEventError({ streamId: entry.streamId, version: entry.version });
    if (event.type !== entry.type) {
      throw new CorruptFeedError(
        `position ${entry.position} lists "${entry.type}" for version ${entry.version} of "${entry.streamId}", which is a "${event.type}"`,
      );
    }
    return { ...event, position: entry.position } as FeedEvent | UndecodableFeedEvent;
  });
}

/** Splits entries into range reads (long runs of one stream) and key reads (100 keys each). */
function jobsOf(entries: readonly FeedEntry[]): Job[] {
  const jobs: Job[] = [];
  const keys: FeedEntry[] = [];
  let run: FeedEntry[] = [];
  const endRun = () => {
    if (run.length >= RANGE_READ_MIN) jobs.push({ kind: 'range', run });
    else keys.push(...run);
    run = [];
  };
  for (const entry of entries) {
    const last = run[run.length - 1];
    if (last && (last.streamId !== entry.streamId || last.version + 1 !== entry.version)) endRun();
    run.push(entry);
  }
  endRun();
  for (const part of chunks(keys, 100)) jobs.push({ kind: 'keys', keys: part });
  return jobs;
}

async function readKeys(
  fetch: Fetch,
  entries: readonly FeedEntry[],
  consistentRead: boolean,
  found: Found,
): Promise<void> {
  const items = await fetch.events.getItems(entries, { consistentRead, concurrency: fetch.concurrency });
  for (const item of items) {
    const event = decode(fetch, item);
    found.set(keyOf(event.streamId, event.version), event);
  }
}

/** One item with the store's codec and upcasters; a failure (local work only) kept when asked to. */
function decode(fetch: Fetch, item: Record<string, unknown>): StoredEvent | Undecodable {
  try {
    return fetch.source.upcasters.upcast(decodeEventItem(item as Parameters<typeof decodeEventItem>[0]));
  } catch (error) {
    const header = fetch.keepUndecodable ? readEventHeader(item) : undefined;
    if (!header) throw error;
    return { undecodable: true, ...header, error };
  }
}

async function readRange(fetch: Fetch, run: readonly FeedEntry[], found: Found) {
  const first = run[0] as FeedEntry;
  const last = run[run.length - 1] as FeedEntry;
  const read: StoredEvent[] = [];
  try {
    for await (const event of fetch.source.read(first.streamId, {
      fromVersion: first.version,
      toVersion: last.version,
      consistentRead: fetch.consistentRead,
    })) {
      read.push(event);
    }
  } catch (error) {
    // The store's read stops at an event it cannot decode: read the run by key, event by event.
    if (!fetch.keepUndecodable || !(isCorruptEventError(error) || isUpcastError(error))) throw error;
    return readKeys(fetch, run, fetch.consistentRead, found);
  }
  for (const event of read) found.set(keyOf(event.streamId, event.version), event);
}
