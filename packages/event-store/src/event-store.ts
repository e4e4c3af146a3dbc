import { randomFillSync } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { monotonicFactory } from 'ulid';
import { Appender } from './append/appender.js';
import { DEFAULT_COMPRESS_ABOVE } from './codec/body.js';
import { InvalidInputError, isConcurrencyError } from './errors.js';
import { KnownVersions } from './known-versions.js';
import { type Logger, silentLogger } from './observability/logger.js';
import { type Metrics, type MetricsSink, toMetrics } from './observability/metrics.js';
import { type Tracer, withSpan } from './observability/tracing.js';
import { readEvents } from './reader.js';
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
  assertVersionNumber,
  describeValue,
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
    const ulid = monotonicFactory(pooledRandom);
    const now = options.now ?? (() => new Date());
    const newEventId = options.newEventId;
    this.#appender = new Appender({
      client: options.client,
      tableName: options.tableName,
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
    options: AppendOptions,
  ): Promise<AppendResult<T>> {
    assertStreamId(streamId);
    assertNewEvents(events);
    assertExpectedVersion(options?.expectedVersion, 'options.expectedVersion');
    const [result] = await this.#write([{ streamId, events, expectedVersion: options.expectedVersion }]);
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
  async appendMany<T extends E = E>(appends: readonly StreamAppend<T>[]): Promise<AppendResult<T>[]> {
    if (!Array.isArray(appends) || appends.length === 0) {
      throw new InvalidInputError(
        'appends',
        'expected a non-empty array of { streamId, events, expectedVersion }',
      );
    }
    const seen = new Set<string>();
    appends.forEach((entry, index) => {
      if (typeof entry !== 'object' || entry === null) {
        throw new InvalidInputError(`appends[${index}]`, 'expected { streamId, events, expectedVersion }');
      }
      assertStreamId(entry.streamId, `appends[${index}].streamId`);
      assertNewEvents(entry.events, `appends[${index}].events`);
      assertExpectedVersion(entry.expectedVersion, `appends[${index}].expectedVersion`);
      if (seen.has(entry.streamId)) {
        throw new InvalidInputError(
          `appends[${index}].streamId`,
          `"${entry.streamId}" appears twice; merge its events`,
        );
      }
      seen.add(entry.streamId);
    });
    return (await this.#write(appends)) as AppendResult<T>[];
  }

  async #write(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const streams = appends.map((entry) => entry.streamId).join(',');
    try {
      const results = await withSpan(
        'dynamo-es.append',
        { 'dynamo_es.streams': streams },
        () => this.#appender.append(appends),
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
    const events: StoredEvent<T>[] = [];
    let version = 0;
    for await (const event of readEvents(this.#readerConfig(), streamId, {
      fromVersion: from,
      ...(consistentRead === undefined ? {} : { consistentRead }),
    })) {
      version = event.version;
      if (event.version >= fromVersion) events.push(event as StoredEvent<T>);
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

// ulid's default source calls crypto.getRandomValues once per character: 16 calls (about 100 us)
// per id. The same cryptographic randomness, drawn 4 KB at a time.
const pool = Buffer.alloc(4096);
let pooled = pool.length;
function pooledRandom(): number {
  if (pooled >= pool.length) {
    randomFillSync(pool);
    pooled = 0;
  }
  return (pool[pooled++] as number) / 256;
}

function checkedTime(time: unknown): Date {
  // ULIDs hold 48 bits of milliseconds since 1970: later than that is not a clock, it is a bug.
  if (!(time instanceof Date) || !(time.getTime() >= 0 && time.getTime() < 2 ** 48)) {
    throw new InvalidInputError(
      'now',
      `expected the clock to return a valid Date after 1970, got ${describeValue(time)}`,
    );
  }
  return time;
}

function assertStoreOptions(options: EventStoreOptions): void {
  // Unbounded values here would mean an append retrying forever or a cache that never evicts.
  if (options.maxAppendAttempts !== undefined)
    assertVersionNumber(options.maxAppendAttempts, 'maxAppendAttempts', 1);
  if (options.knownStreams !== undefined) assertVersionNumber(options.knownStreams, 'knownStreams', 1);
  const { compressAbove } = options;
  if (compressAbove !== undefined && compressAbove !== false)
    assertVersionNumber(compressAbove, 'compressAbove', 0);
  assertHooks(options.logger, 'logger', [['debug', 'info', 'warn', 'error']]);
  assertHooks(options.metrics, 'metrics', [
    ['record'],
    ['addMetric', 'singleMetric', 'publishStoredMetrics'],
  ]);
  assertHooks(options.tracer, 'tracer', [['startActiveSpan'], ['isTracingEnabled']]);
  for (const name of ['newEventId', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidInputError(name, `expected a function, got ${describeValue(options[name])}`);
    }
  }
}

/** `value` must have every method of one of `shapes` (a typo'd or wrong object fails here, not in production). */
function assertHooks(value: unknown, path: string, shapes: readonly (readonly string[])[]): void {
  if (value === undefined) return;
  const has = (method: string) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[method] === 'function';
  if (shapes.some((methods) => methods.every(has))) return;
  const expected = shapes.map((methods) => methods.join(', ')).join(' or ');
  throw new InvalidInputError(
    path,
    `expected an object with the methods ${expected}, got ${describeValue(value)}`,
  );
}
