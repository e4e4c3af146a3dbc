import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type SnapshotErrorContext, StateCache } from '@dynamo-es/aggregate';
import {
  EventStore,
  type Logger,
  type MetricsSink,
  SnapshotStore,
  type Tracer,
} from '@dynamo-es/event-store';
import { consoleLogger, type ProjectionStreamHandler, ReadModels } from '@dynamo-es/projections';
import { Bank } from '../application/bank.js';
import { BankQueries } from '../projections/bank-queries.js';
import { bankProjections } from '../projections/index.js';
import type { BankTables } from './tables.js';

/** Snapshot an account every this many events: a load without a cached state reads at most this many. */
export const SNAPSHOT_EVERY = 50;

/**
 * Account states kept per process (per warm Lambda container): a command on an account this
 * container served before reads only what is new since (one query, usually of one item) instead
 * of loading it. Not optimistic: other containers write the same accounts all the time.
 */
export const CACHED_ACCOUNTS = 10_000;

/** The write side and the read side of the bank, wired to one client and three tables. */
export interface BankApp {
  readonly store: EventStore;
  readonly bank: Bank;
  readonly queries: BankQueries;
}

/** Options of {@link createBankApp}. */
export interface BankAppOptions {
  readonly client: DynamoDBClient;
  readonly tables: BankTables;
  /**
   * Snapshot problems never fail a command; they are also reported here (default: only the
   * repository's own `warn` line on `logger` and its `SnapshotFailures` metric).
   */
  readonly onSnapshotError?: (error: unknown, context: SnapshotErrorContext) => void;
  /** Conflicts, retries and snapshot problems (default: silent; the Lambda functions pass `createJsonLogger()`). */
  readonly logger?: Logger;
  /** The event store's metrics (default: none; `createEmbeddedMetrics` or Powertools' `Metrics` for CloudWatch). */
  readonly metrics?: MetricsSink;
  /** Where the store's spans go (default: OpenTelemetry's global tracer, if installed). */
  readonly tracer?: Tracer;
  /** Transfers above this amount wait for approval (the large-transfer saga). Default: none do. */
  readonly approvalLimit?: number;
}

/**
 * Wires the bank: one `EventStore` (keep one per process: it remembers the versions it has seen,
 * which makes most appends a single `PutItem`) with its idempotency table, the `Bank` service with
 * snapshots and a state cache, and the readers.
 *
 * @example
 * const { bank, queries } = createBankApp({ client, tables: bankTableNames('bank') });
 */
export function createBankApp(options: BankAppOptions): BankApp {
  const { client, tables, metrics, tracer } = options;
  const { logger } = options;
  const store = new EventStore({
    client,
    tableName: tables.events,
    idempotency: { tableName: tables.idempotency },
    ...(logger ? { logger } : {}),
    ...(metrics ? { metrics } : {}),
    ...(tracer ? { tracer } : {}),
  });
  // Snapshot failures are reported by the repository itself: a structured `warn` on the store's
  // logger and a `SnapshotFailures` metric (a console warning only when there is no logger).
  const onError = options.onSnapshotError;
  const snapshots = {
    store: new SnapshotStore({ client, tableName: tables.snapshots }),
    every: SNAPSHOT_EVERY,
    schemaVersion: 1,
    ...(onError ? { onError } : {}),
  };
  return {
    store,
    bank: new Bank({
      store,
      snapshots,
      stateCache: new StateCache({ maxEntries: CACHED_ACCOUNTS }),
      ...(options.approvalLimit === undefined ? {} : { approvalLimit: options.approvalLimit }),
    }),
    queries: new BankQueries(new ReadModels({ client, eventStore: store, tableName: tables.readModels })),
  };
}

/**
 * The projection handler of the bank's read models: the Lambda handler for the events table's
 * stream, and what `StreamRunner` invokes locally.
 *
 * @example
 * export const handler = createBankProjectionHandler({ client, tables });
 */
export function createBankProjectionHandler(options: {
  readonly client: DynamoDBClient;
  readonly tables: Pick<BankTables, 'events' | 'readModels'>;
  /** Where retries and dead letters are reported (default: JSON lines on the console, for CloudWatch). */
  readonly logger?: Logger;
  /** Projection metrics (`EventsProjected`, `ProjectionLag`, ...; default: none). */
  readonly metrics?: MetricsSink;
}): ProjectionStreamHandler {
  const { client, tables, logger, metrics } = options;
  return new ReadModels({
    client,
    eventStore: new EventStore({ client, tableName: tables.events, ...(metrics ? { metrics } : {}) }),
    tableName: tables.readModels,
    logger: logger ?? consoleLogger,
  }).streamHandler(bankProjections);
}
