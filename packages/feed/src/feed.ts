import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventShape } from '@dynamo-es/event-store';
import { batchEnd, entryTo } from './codec/batch-item.js';
import { EventsTable, type IndexedHeader } from './dynamodb/events-table.js';
import { FeedTable } from './dynamodb/feed-table.js';
import { InvalidFeedInputError } from './errors.js';
import { FeedLog } from './indexer/feed-log.js';
import { Indexer, type IndexOutcome } from './indexer/indexer.js';
import { integerOption, positionOption } from './internal/validation.js';
import type { FeedEntry } from './reader/entries.js';
import type { FeedEvent, FeedEventSource, UndecodableFeedEvent } from './reader/fetch-events.js';
import { compileFilter, type FeedFilter, typesOf } from './reader/filter.js';
import { locate } from './reader/locate.js';
import { type FeedPage, type ReaderContext, readEntryPages, readEventPages } from './reader/read-pages.js';
import { Subscription, type SubscriptionOptions } from './subscription/subscription.js';

/**
 * The largest `maxBatchBytes`: a batch's entries plus one stream id over the limit (a batch always
 * takes one entry) and the item's keys stay under DynamoDB's 400 KB per item.
 */
export const MAX_BATCH_BYTES = 256 * 1024;

/** Options of {@link Feed}. */
export interface FeedOptions {
  /** Client for the feed table; injected, never created here. */
  readonly client: DynamoDBClient;
  /** The feed table (see `createFeedTable`). */
  readonly tableName: string;
  /** The event store of the events table the feed indexes (its table, codec, upcasters, reads). */
  readonly eventStore: FeedEventSource;
  /**
   * Positions per epoch: batches live under one partition key per epoch (default 100,000). Fixed
   * when the feed's first batch is written; later the stored value is used.
   */
  readonly positionsPerEpoch?: number;
  /** Streams per batch at most (default 100: one `BatchGetItem` of their states). */
  readonly maxStreamsPerBatch?: number;
  /** Events per batch at most (default 1,000; never more than an epoch). */
  readonly maxEventsPerBatch?: number;
  /**
   * Bytes of entries per batch at most (default 32 KB, at most {@link MAX_BATCH_BYTES}: a batch is
   * one item, and DynamoDB takes 400 KB per item).
   */
  readonly maxBatchBytes?: number;
  /** Requests in flight at once for state writes and event reads (default 16). */
  readonly concurrency?: number;
  /** Attempts at one batch, lost races and transient errors included (default 20). */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

/** Options of {@link Feed.readAll}, {@link Feed.readPages} and {@link Feed.readEntries}. */
export interface ReadAllOptions {
  /** The first position to read (default 0: the beginning; positions start at 1). */
  readonly fromPosition?: number;
  readonly filter?: FeedFilter;
  /** Strongly consistent reads (default true); false halves the read cost and may end a moment early. */
  readonly consistentRead?: boolean;
  /** Events fetched per request round (default 500). */
  readonly pageSize?: number;
}

/**
 * Options of {@link Feed.readPages}: those of {@link ReadAllOptions}, and what to do with an event
 * whose body cannot be decoded or upcast: `'throw'` its error (the default, as `readAll` does), or
 * `'yield'` it in its place as an {@link UndecodableFeedEvent}, so that a reader that dead-letters
 * (a projection rebuild) goes on with the others.
 */
export interface ReadPagesOptions extends ReadAllOptions {
  readonly undecodable?: 'throw' | 'yield';
}

/**
 * A durable, gap-free, ordered feed of every event of an events table: each committed event gets
 * a global position (1, 2, 3, ...) from the indexer, exactly once, and the feed reads them back in
 * that order, filtered by type or stream prefix, from any position.
 *
 * @example
 * const feed = new Feed({ client, tableName: 'events-feed', eventStore: store });
 * for await (const event of feed.readAll({ fromPosition: 0, filter: { types: ['MoneyWithdrawn'] } })) {
 *   console.log(event.position, event.streamId, event.version, event.data);
 * }
 */
export class Feed<E extends EventShape = EventShape> {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly eventStore: FeedEventSource;
  readonly now: () => Date;
  readonly #log: FeedLog;
  readonly #indexer: Indexer;
  readonly #reader: ReaderContext;

  constructor(options: FeedOptions) {
    assertFeedOptions(options);
    this.client = options.client;
    this.tableName = options.tableName;
    this.eventStore = options.eventStore;
    this.now = options.now ?? (() => new Date());
    const positionsPerEpoch = integerOption(options.positionsPerEpoch, 100_000, 'positionsPerEpoch', 2);
    const concurrency = integerOption(options.concurrency, 16, 'concurrency');
    this.#log = new FeedLog(new FeedTable(options.client, options.tableName), {
      positionsPerEpoch,
      concurrency,
    });
    const events = new EventsTable(options.eventStore.client, options.eventStore.tableName);
    this.#indexer = new Indexer({
      log: this.#log,
      events,
      limits: {
        maxStreams: integerOption(options.maxStreamsPerBatch, 100, 'maxStreamsPerBatch'),
        maxEvents: Math.min(
          integerOption(options.maxEventsPerBatch, 1_000, 'maxEventsPerBatch'),
          positionsPerEpoch - 1,
        ),
        maxBytes: integerOption(options.maxBatchBytes, 32 * 1024, 'maxBatchBytes', 256, MAX_BATCH_BYTES),
      },
      concurrency,
      maxAttempts: integerOption(options.maxAttempts, 20, 'maxAttempts'),
      now: () => this.now().getTime(),
    });
    this.#reader = { log: this.#log, events, source: options.eventStore, concurrency };
  }

  /**
   * Gives events their positions, exactly once: the Lambda indexer and `rebuildFeed` call this with
   * the headers they read. Events the feed holds already are skipped; versions before them that it
   * lacks are read from the events table and indexed first, so each stream stays in order.
   *
   * @example
   * const { indexed, duplicates, failed } = await feed.index([{ streamId: 'account-1', version: 3, type: 'MoneyDeposited' }]);
   */
  index(events: readonly IndexedHeader[]): Promise<IndexOutcome> {
    return this.#indexer.index(events);
  }

  /**
   * Every event from a position on, in feed order, to the end of the feed as it is when each page
   * is read. Filters are applied to the feed's entries: events that do not match are never fetched.
   *
   * @example
   * for await (const event of feed.readAll({ filter: { types: ['AccountOpened'] } })) console.log(event.position);
   */
  async *readAll<T extends E = E>(options: ReadAllOptions = {}): AsyncGenerator<FeedEvent<T>> {
    for await (const page of this.readPages<T>(options)) yield* page.items;
  }

  /**
   * {@link readAll} a page at a time, with the position reading has covered (`end`): what a
   * rebuild or a subscription keeps as its checkpoint (one async step per page, not per event).
   *
   * @example
   * for await (const { items, end } of feed.readPages({ fromPosition: 1 })) await apply(items, end - 1);
   */
  readPages<T extends E = E>(
    options: ReadPagesOptions & { readonly undecodable: 'yield' },
  ): AsyncGenerator<FeedPage<FeedEvent<T> | UndecodableFeedEvent>>;
  readPages<T extends E = E>(options?: ReadPagesOptions): AsyncGenerator<FeedPage<FeedEvent<T>>>;
  async *readPages(
    options: ReadPagesOptions = {},
  ): AsyncGenerator<FeedPage<FeedEvent | UndecodableFeedEvent>> {
    const undecodable = options.undecodable ?? 'throw';
    if (undecodable !== 'throw' && undecodable !== 'yield') {
      throw new InvalidFeedInputError(
        'options.undecodable',
        `expected 'throw' or 'yield', got ${String(undecodable)}`,
      );
    }
    const read = await this.#start(options);
    if (!read) return;
    yield* readEventPages(this.#reader, read.meta, {
      ...read.options,
      keepUndecodable: undecodable === 'yield',
    });
  }

  /**
   * The feed's entries (position, stream id, version, type) without fetching any event: e.g. which
   * events of a type there are, in order, for the price of reading the compact batches.
   *
   * @example
   * const withdrawals = []; for await (const entry of feed.readEntries({ filter: { types: ['MoneyWithdrawn'] } })) withdrawals.push(entry);
   */
  async *readEntries(options: ReadAllOptions = {}): AsyncGenerator<FeedEntry> {
    const read = await this.#start(options);
    if (!read) return;
    for await (const page of readEntryPages(this.#log, read.meta, read.options)) yield* page.items;
  }

  /**
   * The last position in the feed (0 while it is empty).
   *
   * @example
   * const behind = (await feed.headPosition()) - (await subscription.position());
   */
  async headPosition(): Promise<number> {
    const latest = await this.#log.latest();
    return latest ? batchEnd(latest) - 1 : 0;
  }

  /**
   * How far a stream is in the feed: its highest indexed version and that version's position
   * (`undefined` when the feed holds none of it). A version at or below `version` is at or before
   * `position`: wait for a subscription to pass it to read your own write.
   *
   * @example
   * const indexed = await feed.streamPosition('account-1'); // { version: 7, position: 1042 }
   */
  async streamPosition(streamId: string): Promise<{ version: number; position: number } | undefined> {
    // The latest batch first: the states read after it reflect every batch before it.
    const latest = await this.#log.latest();
    const state = (await this.#log.table.readStates([streamId], 1)).get(streamId);
    let position = latest?.first ?? 0;
    for (const entry of latest?.entries ?? []) {
      position += entry.types.length;
      if (entry.streamId === streamId) return { version: entryTo(entry), position: position - 1 };
    }
    return state ? { version: state.version, position: state.position } : undefined;
  }

  /**
   * A catch-up subscription: handles every matching event from its checkpoint (or `fromPosition`)
   * on, then follows the feed live; its checkpoint is saved in the feed table.
   *
   * @example
   * const audit = feed.subscription({ name: 'audit', handler: async (event) => log(event.position, event) });
   * await audit.run({ signal });
   */
  subscription<T extends E = E>(options: SubscriptionOptions<T>): Subscription<T> {
    return new Subscription<T>({ reader: this.#reader, now: () => this.now().getTime() }, options);
  }

  async #start(options: ReadAllOptions) {
    const fromPosition = positionOption(options?.fromPosition, 'options.fromPosition');
    const matches = compileFilter(options?.filter);
    const consistentRead = options?.consistentRead ?? true;
    const pageSize = integerOption(options?.pageSize, 500, 'options.pageSize');
    const meta = await this.#log.meta();
    if (!meta) return undefined;
    const from = await locate(this.#log, meta, fromPosition, consistentRead);
    const types = typesOf(options?.filter);
    return {
      meta,
      options: { from, fromPosition, matches, consistentRead, pageSize, ...(types ? { types } : {}) },
    };
  }
}

function assertFeedOptions(options: FeedOptions): void {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidFeedInputError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
  }
  if (typeof options.tableName !== 'string' || !/^[a-zA-Z0-9_.-]{3,255}$/.test(options.tableName)) {
    throw new InvalidFeedInputError('tableName', 'expected a DynamoDB table name');
  }
  const store = options.eventStore;
  if (typeof store?.read !== 'function' || typeof store.tableName !== 'string' || !store.upcasters) {
    throw new InvalidFeedInputError('eventStore', 'expected the EventStore of the events table');
  }
  if (store.tableName === options.tableName) {
    throw new InvalidFeedInputError('tableName', 'the feed needs a table of its own, not the events table');
  }
}
