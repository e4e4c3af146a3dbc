import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem } from './codec/event-item.js';
import { CorruptEventError } from './errors.js';
import type { KnownVersions } from './known-versions.js';
import { buildEventQuery, type EventQuery } from './requests/query-events.js';
import type { ReadOptions, StoredEvent } from './types.js';
import type { UpcasterChain } from './upcasting.js';

export interface ReaderConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly known: KnownVersions;
  readonly upcasters: UpcasterChain;
}

type Item = Record<string, AttributeValue>;

/**
 * Reads a stream's events in version order, one page (at most 1 MB, or `limit` items) per
 * request, decoding and upcasting each event as the caller takes it: a caller that folds holds
 * one page at a time, never the whole stream. Forward reads go from `fromVersion` (default 1) up
 * to `toVersion`; backward reads go from `fromVersion` (default: the last event) down to
 * `toVersion` (default 1).
 *
 * Versions must follow each other without a hole: events are never deleted, so a missing version
 * means the table was changed by hand, and a history with a hole would fold into a wrong state.
 *
 * @throws CorruptEventError for an item that is not an event, or a missing version.
 */
export async function* readEvents(
  config: ReaderConfig,
  streamId: string,
  options: ReadOptions,
): AsyncGenerator<StoredEvent, void, undefined> {
  for await (const page of readPages(config, streamId, options)) yield* page;
}

/**
 * The same read, one decoded page at a time: what `readStream` and folds use, since an async
 * iteration step per event costs more than decoding the event.
 */
export async function* readPages(
  config: ReaderConfig,
  streamId: string,
  options: ReadOptions,
): AsyncGenerator<StoredEvent[], void, undefined> {
  const query = rangeOf(streamId, options);
  if (query.lowest > query.highest) return;
  const order = new VersionOrder(streamId, query);
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let startKey: Item | undefined;
  do {
    const page = await readPage(config, query, remaining, startKey);
    const events: StoredEvent[] = new Array(page.items.length);
    for (let index = 0; index < page.items.length; index++) {
      events[index] = config.upcasters.upcast(order.check(decodeEventItem(page.items[index] as Item)));
    }
    // Only validated events prove their versions exist (see KnownVersions): once per page.
    const last = events[events.length - 1];
    if (last) config.known.record(streamId, Math.max(last.version, (events[0] as StoredEvent).version));
    yield events;
    remaining -= page.items.length;
    startKey = page.next;
  } while (startKey !== undefined && remaining > 0);
  if (remaining > 0) order.end();
}

function rangeOf(streamId: string, options: ReadOptions): Omit<EventQuery, 'limit' | 'startKey'> {
  const forward = (options.direction ?? 'forward') === 'forward';
  const [lowest, highest] = forward
    ? [options.fromVersion ?? 1, options.toVersion ?? Number.MAX_SAFE_INTEGER]
    : [options.toVersion ?? 1, options.fromVersion ?? Number.MAX_SAFE_INTEGER];
  return { streamId, lowest, highest, forward, consistentRead: options.consistentRead ?? true };
}

async function readPage(
  config: ReaderConfig,
  query: Omit<EventQuery, 'limit' | 'startKey'>,
  remaining: number,
  startKey: Item | undefined,
): Promise<{ items: Item[]; next: Item | undefined }> {
  const output = await config.client.send(
    new QueryCommand(
      buildEventQuery(config.tableName, {
        ...query,
        ...(Number.isFinite(remaining) ? { limit: remaining } : {}),
        ...(startKey ? { startKey } : {}),
      }),
    ),
  );
  return { items: output.Items ?? [], next: output.LastEvaluatedKey };
}

/** Checks that a read's versions follow each other without a hole. */
class VersionOrder {
  readonly #streamId: string;
  readonly #query: Omit<EventQuery, 'limit' | 'startKey'>;
  // A forward read must start at its lowest version; a backward one starts wherever the head is.
  #expected: number | undefined;

  constructor(streamId: string, query: Omit<EventQuery, 'limit' | 'startKey'>) {
    this.#streamId = streamId;
    this.#query = query;
    this.#expected = query.forward ? query.lowest : undefined;
  }

  check(event: StoredEvent): StoredEvent {
    if (this.#expected !== undefined && event.version !== this.#expected) {
      throw this.#missing(this.#expected, event.version);
    }
    this.#expected = event.version + (this.#query.forward ? 1 : -1);
    return event;
  }

  /** A backward read that reached the start of its range must have ended on its lowest version. */
  end(): void {
    if (!this.#query.forward && this.#expected !== undefined && this.#expected >= this.#query.lowest) {
      throw this.#missing(this.#expected, this.#query.lowest - 1);
    }
  }

  #missing(expected: number, found: number): CorruptEventError {
    return new CorruptEventError(
      `stream "${this.#streamId}" has no version ${expected} (the next event found is version ${found}): ` +
        'events are never deleted, so the table was changed outside dynamo-es',
    );
  }
}
