import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { readEventHeader } from '../codec/event-item.js';
import { EventIdReusedError } from '../errors.js';
import { buildEventQuery } from '../requests/query-events.js';
import type { StoredEvent } from '../types.js';
import type { PreparedStream } from './plan.js';

type Item = Record<string, AttributeValue>;

/** What is known of one stream of an append found to have landed already. */
export interface LandedStream {
  readonly stream: PreparedStream;
  /** Where its events must be when the expected version was exact (`'any'`/`'exists'`: unknown). */
  readonly base?: number;
  /** Its own events seen so far (in a head read or a cancellation reason). */
  readonly seen: readonly StoredEvent[];
}

export interface LocatorConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly decode: (item: Item) => StoredEvent;
}

// Backward search for a buried retry: pages of this many items (a retry is rarely buried deep).
const SEARCH_PAGE = 100;

/**
 * Finds the stored events of an append that had already landed (its answer was lost and this is a
 * retry with the same event ids). One `TransactWriteItems` writes every stream or none, so one
 * stream holding its events proves the others hold theirs: this reads them where they must be, or
 * searches an `'any'` stream backwards from its head.
 *
 * @throws EventIdReusedError when a stream does not hold this append's events where they must be:
 * the ids were used before by another append.
 */
export async function locateLanded(
  config: LocatorConfig,
  landed: readonly LandedStream[],
): Promise<StoredEvent[][]> {
  return Promise.all(landed.map((entry) => locateStream(config, entry)));
}

async function locateStream(config: LocatorConfig, entry: LandedStream): Promise<StoredEvent[]> {
  const { stream } = entry;
  const ids = stream.events.map((event) => event.eventId);
  const seen = [...entry.seen].sort((a, b) => a.version - b.version);
  if (matches(seen, ids)) return seen;
  const first = seen[0];
  const start =
    first !== undefined
      ? first.version - ids.indexOf(first.eventId)
      : entry.base !== undefined
        ? entry.base + 1
        : await searchBackward(config, stream);
  const events = (await readRange(config, stream.streamId, start, start + ids.length - 1)).map(config.decode);
  if (!matches(events, ids)) {
    throw new EventIdReusedError({
      streamId: stream.streamId,
      eventId: ids[0] as string,
      problem: `versions ${start} to ${start + ids.length - 1} do not hold this append's events in order`,
    });
  }
  return events;
}

function matches(events: readonly StoredEvent[], ids: readonly string[]): boolean {
  return (
    events.length === ids.length &&
    events.every(
      (event, index) =>
        event.eventId === ids[index] && event.version === (events[0] as StoredEvent).version + index,
    )
  );
}

/** The version where the stream's part of the append starts, found from the head down. */
async function searchBackward(config: LocatorConfig, stream: PreparedStream): Promise<number> {
  const ids = stream.events.map((event) => event.eventId);
  let highest = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const { items } = await query(config, stream.streamId, {
      lowest: 1,
      highest,
      forward: false,
      limit: SEARCH_PAGE,
    });
    for (const item of items) {
      const header = readEventHeader(item);
      const index = header === undefined ? -1 : ids.indexOf(header.eventId);
      if (header !== undefined && index >= 0) return header.version - index;
    }
    const last = readEventHeader(items[items.length - 1]);
    if (items.length < SEARCH_PAGE || last === undefined || last.version <= 1) break;
    highest = last.version - 1;
  }
  throw new EventIdReusedError({
    streamId: stream.streamId,
    eventId: ids[0] as string,
    problem: 'the rest of this append was stored and this stream holds none of its events',
  });
}

/** Every item of a version range, across pages (k events of up to 400 KB may span several). */
async function readRange(
  config: LocatorConfig,
  streamId: string,
  lowest: number,
  highest: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await query(config, streamId, {
      lowest,
      highest,
      forward: true,
      ...(startKey ? { startKey } : {}),
    });
    items.push(...page.items);
    startKey = page.next;
  } while (startKey !== undefined);
  return items;
}

async function query(
  config: LocatorConfig,
  streamId: string,
  range: { lowest: number; highest: number; forward: boolean; limit?: number; startKey?: Item },
): Promise<{ items: Item[]; next: Item | undefined }> {
  const output = await config.client.send(
    new QueryCommand(buildEventQuery(config.tableName, { streamId, consistentRead: true, ...range })),
  );
  return { items: output.Items ?? [], next: output.LastEvaluatedKey };
}
