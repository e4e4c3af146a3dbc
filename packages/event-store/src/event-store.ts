import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { monotonicFactory } from 'ulid';
import { Appender } from './append/appender.js';
import { DEFAULT_COMPRESS_ABOVE } from './codec/body.js';
import { InvalidInputError, isConcurrencyError } from './errors.js';
import { assertIdempotencyKey, decodeIdempotencyItem } from './idempotency/record-item.js';
import { buildGetIdempotencyRecord } from './idempotency/record-requests.js';
import type { IdempotencyKey, IdempotencyRecord, IdempotencyTableOptions } from './idempotency/types.js';
import { KnownVersions } from './known-versions.js';
import { type Logger, silentLogger } from './observability/logger.js';
import { type Metrics, type MetricsSink, toMetrics } from './observability/metrics.js';
import { type Tracer, withSpan } from './observability/tracing.js';
import { readEvents, readPages } from './reader.js';
import { assertAppends, assertStoreOptions, checkedTime, pooledRandom } from './store-checks.js';
import type {
  AppendOptions,
  AppendResult,
  EventShape,
  NewEventOf,
  ReadOptions,
  ReadStreamResult,
  StoredEvent,
  StreamAppend,
} from './types.js';
import { UpcasterChain, type Upcasters } from './upcasting.js';
import {
  assertClientAndTable,
  assertExpectedVersion,
  assertNewEvents,
  assertReadOptions,
  assertStreamId,
} from './validation.js';

export interface EventStoreOptions {
  /** A DynamoDB client; the store never creates one itself. */
  readonly client: DynamoDBClient;
  /** The events table (see `createEventTable`). */
  readonly tableName: string;
  /** Upcasters applied on every read path. */
  readonly upcasters?: Upcasters;
  /** Attempts for transient transaction cancellations and racing `'any'` appends (default 10). */
  readonly maxAppendAttempts?: number;
  /** How many streams' known versions to remember (default 10,000). */
  readonly knownStreams?: number;
  /**
   * Event id generator (default: monotonic ULIDs of the append's time, stored in 16 bytes and
   * carrying `recordedAt` for free). Ids of your own (e.g. derived from a request id) are fine.
   */
  readonly newEventId?: () => string;
  /** Clock for `recordedAt` (default: `new Date()`). */
  readonly now?: () => Date;
  /**
   * Compress an event's body when its item would exceed this many bytes; `false`: never. Default
   * 1,024: an item up to 1 KB costs 1 WCU whatever its body, and above that compressing typical
   * JSON halves the item and its WCU/RCU, for microseconds of CPU. Readers decompress
   * transparently whatever the setting.
   */
  readonly compressAbove?: number | false;
  /** Told about conflicts and retries (default: silent). `console` and Powertools' `Logger` fit. */
  readonly logger?: Logger;
  /**
   * Receives `EventsAppended`, `AppendConflicts` and `AppendRetries` (default: none):
   * `createEmbeddedMetrics`, Powertools' `Metrics`, or any {@link Metrics}.
   */
  readonly metrics?: MetricsSink;
  /**
   * Where the `dynamo-es.append` spans go: Powertools' `Tracer` (X-Ray) or an OpenTelemetry
   * tracer. Default: `@opentelemetry/api`'s global tracer when that package is installed.
   */
  readonly tracer?: Tracer;
  /**
   * The table of idempotency records (see `createIdempotencyTable`), for keyed appends: a record
   * per key, written in the same transaction as the events. Default: none (keyed appends refused).
   */
  readonly idempotency?: IdempotencyTableOptions;
}

/**
 * Options of {@link EventStore.appendMany} (and, with `expectedVersion`, of `append`).
 *
 * @example
 * await store.appendMany(appends, { idempotency: { key: requestId, command: 'Transfer', fingerprint } });
 */
export interface AppendManyOptions {
  /**
   * Records this key in the same transaction as the events (a transaction even for one event).
   * When the key is already recorded by another append, nothing is written and the append throws
   * `IdempotencyKeyExistsError` with that record; a retry of this very call after a lost answer
   * finds its own record and returns `duplicate: true`.
   */
  readonly idempotency?: IdempotencyKey;
}

export interface ReadStreamOptions {
  /** Read from this version on (default 1), e.g. the version after a snapshot. */
  readonly fromVersion?: number;
  readonly consistentRead?: boolean;
}

/**
 * Appends versioned events to DynamoDB with optimistic concurrency and reads streams back.
 *
 * @example
 * const store = new EventStore({ client, tableName: 'events' });
 * const { version } = await store.append('account-1', [{ type: 'AccountOpened', data: { owner: 'Ada' } }], {
 *   expectedVersion: 'no-stream',
 * });
 * const { events } = await store.readStream('account-1');
 */
export class EventStore<E extends EventShape = EventShape> {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly upcasters: UpcasterChain;
  readonly logger: Logger;
  /** The metrics the store reports to, as a {@link Metrics} whatever the option was given as. */
  readonly metrics: Metrics;
  readonly tracer: Tracer | undefined;
  readonly #known: KnownVersions;
  readonly #appender: Appender;
  readonly #keys: IdempotencyTableOptions | undefined;
  readonly #now: () => Date;

  constructor(options: EventStoreOptions) {
    assertClientAndTable(options);
    assertStoreOptions(options);
    this.tableName = options.tableName;
    this.client = options.client;
    this.upcasters = new UpcasterChain(options.upcasters);
    this.logger = options.logger ?? silentLogger;
    this.metrics = toMetrics(options.metrics);
    this.tracer = options.tracer;
    this.#known = new KnownVersions(options.knownStreams);
    this.#keys = options.idempotency;
    const ulid = monotonicFactory(pooledRandom);
    const now = options.now ?? (() => new Date());
    this.#now = () => checkedTime(now());
    const newEventId = options.newEventId;
    this.#appender = new Appender({
      client: options.client,
      tableName: options.tableName,
      ...(options.idempotency ? { keys: options.idempotency } : {}),
      known: this.#known,
      upcasters: this.upcasters,
      // Seeded with the append's time, a ULID carries `recordedAt`, which the item then leaves out.
      newEventId: newEventId ? () => newEventId() : (time) => ulid(time),
      now: () => checkedTime(now()),
      maxAttempts: options.maxAppendAttempts ?? 10,
      compressAbove: options.compressAbove ?? DEFAULT_COMPRESS_ABOVE,
      onRetry: (error, attempt) => {
        this.metrics.record('AppendRetries', 1, 'Count');
        this.logger.info('dynamo-es: append retried', { attempt, error: error.message });
      },
    });
  }

  /**
   * Appends events to one stream, atomically. One event after a load of the stream costs a
   * single conditional `PutItem`; several events cost one transaction.
   *
   * @throws ConcurrencyError when the stream is not at `expectedVersion`; nothing is written.
   */
  async append<T extends E = E>(
    streamId: string,
    events: readonly NewEventOf<T>[],
    options: AppendOptions & AppendManyOptions,
  ): Promise<AppendResult<T>> {
    assertStreamId(streamId);
    assertNewEvents(events);
    assertExpectedVersion(options?.expectedVersion, 'options.expectedVersion');
    const key = this.#checkedKey(options.idempotency);
    const [result] = await this.#write([{ streamId, events, expectedVersion: options.expectedVersion }], key);
    return result as AppendResult<T>;
  }

  /**
   * Appends to several streams in one DynamoDB transaction: all streams change or none does.
   *
   * @example
   * await store.appendMany([
   *   { streamId: 'account-1', events: [withdrawn], expectedVersion: 4 },
   *   { streamId: 'account-2', events: [deposited], expectedVersion: 9 },
   * ]);
   */
  async appendMany<T extends E = E>(
    appends: readonly StreamAppend<T>[],
    options: AppendManyOptions = {},
  ): Promise<AppendResult<T>[]> {
    assertAppends(appends);
    const key = this.#checkedKey(options?.idempotency);
    if (key === undefined && appends.every((entry) => entry.events.length === 0)) {
      throw new InvalidInputError('appends', 'holds no events: give at least one stream events to append');
    }
    return (await this.#write(appends, key)) as AppendResult<T>[];
  }

  /**
   * The record of an idempotency key, or `undefined` when no append recorded it (or its record
   * expired): one strongly consistent `GetItem` on the idempotency table.
   *
   * @example
   * const record = await store.idempotencyRecord('req-42');
   * @throws InvalidInputError when the store has no idempotency table or the key is malformed.
   * @throws CorruptIdempotencyRecordError when the item is not a record.
   */
  async idempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    const table = this.#keyTable('key');
    assertIdempotencyKey({ key, command: 'lookup', fingerprint: '' }, 'idempotency');
    const output = await this.client.send(
      new GetItemCommand(buildGetIdempotencyRecord(table.tableName, key)),
    );
    if (output.Item === undefined) return undefined;
    const record = decodeIdempotencyItem(output.Item);
    const expired = record.expiresAt !== undefined && Date.parse(record.expiresAt) < this.#now().getTime();
    return expired ? undefined : record;
  }

  #checkedKey(key: IdempotencyKey | undefined): IdempotencyKey | undefined {
    if (key === undefined) return undefined;
    this.#keyTable('options.idempotency');
    assertIdempotencyKey(key, 'options.idempotency');
    return key;
  }

  #keyTable(path: string): IdempotencyTableOptions {
    if (this.#keys === undefined) {
      throw new InvalidInputError(
        path,
        'this store has no idempotency table: new EventStore({ ..., idempotency: { tableName } })',
      );
    }
    return this.#keys;
  }

  async #write(appends: readonly StreamAppend[], key?: IdempotencyKey): Promise<AppendResult[]> {
    const streams = appends.map((entry) => entry.streamId).join(',');
    try {
      const results = await withSpan(
        'dynamo-es.append',
        { 'dynamo_es.streams': streams },
        () => this.#appender.append(appends, key),
        this.tracer,
      );
      const count = results.reduce((sum, result) => sum + result.events.length, 0);
      this.metrics.record('EventsAppended', count, 'Count');
      return results;
    } catch (error) {
      if (isConcurrencyError(error)) {
        this.metrics.record('AppendConflicts', 1, 'Count');
        this.logger.debug('dynamo-es: append conflict', {
          streamId: error.streamId,
          expectedVersion: error.expectedVersion,
          actualVersion: error.actualVersion,
        });
      }
      throw error;
    }
  }

  /** Reads events lazily, paginating transparently. See {@link ReadOptions}. */
  read<T extends E = E>(streamId: string, options?: ReadOptions): AsyncIterable<StoredEvent<T>> {
    assertStreamId(streamId);
    const checked = assertReadOptions(options);
    return readEvents(this.#readerConfig(), streamId, checked) as AsyncIterable<StoredEvent<T>>;
  }

  /**
   * Reads a whole stream (or its tail from `fromVersion`) with its version, in as few requests
   * as its size allows.
   */
  async readStream<T extends E = E>(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<ReadStreamResult<T>> {
    assertStreamId(streamId);
    const { fromVersion = 1, consistentRead } = assertReadOptions(options);
    // Reading from the version before `fromVersion` proves where the stream is in the same
    // request, so loading after a snapshot needs no second query when nothing is new.
    const from = Math.max(1, fromVersion - 1);
    let events: StoredEvent<T>[] = [];
    let version = 0;
    for await (const page of readPages(this.#readerConfig(), streamId, {
      fromVersion: from,
      ...(consistentRead === undefined ? {} : { consistentRead }),
    })) {
      if (page.length === 0) continue;
      version = (page[page.length - 1] as StoredEvent).version;
      const kept = (page[0] as StoredEvent).version < fromVersion ? page.slice(1) : page;
      events = events.length === 0 ? (kept as StoredEvent<T>[]) : events.concat(kept as StoredEvent<T>[]);
    }
    if (version === 0 && from > 1) version = await this.#appender.headVersion(streamId);
    return { events, version, exists: version > 0 };
  }

  /** The stream's current version (0 when it does not exist): one consistent query. */
  async streamVersion(streamId: string): Promise<number> {
    assertStreamId(streamId);
    return this.#appender.headVersion(streamId);
  }

  #readerConfig() {
    return { client: this.client, tableName: this.tableName, known: this.#known, upcasters: this.upcasters };
  }
}
