import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { ReadOptions, StoredEvent, UpcasterChain } from '@dynamo-es/event-store';

/**
 * What projections need from the event store: an `EventStore` fits.
 *
 * @example
 * const eventSource: EventSource = new EventStore({ client, tableName: 'events' });
 * Gaps are filled with
 * `read(streamId, { fromVersion, toVersion })`, rebuilds scan `tableName` with `client`.
 */
export interface EventSource {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly upcasters: UpcasterChain;
  read(streamId: string, options?: ReadOptions): AsyncIterable<StoredEvent>;
}

/** An event item that could not be decoded or upcast: it fails like a throwing handler would. */
export interface UndecodableEvent {
  readonly undecodable: true;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly error: unknown;
}

export type DeliveredEvent = StoredEvent | UndecodableEvent;

export const isUndecodable = (event: DeliveredEvent): event is UndecodableEvent => 'undecodable' in event;

/** Work for one stream in one batch. */
export interface StreamJob {
  readonly streamId: string;
  /** Events delivered for the stream: any order, duplicates allowed. */
  readonly delivered: readonly DeliveredEvent[];
  /** Apply everything after the checkpoint up to the stream's head (catch-up, replay). */
  readonly toHead?: boolean;
  /**
   * Unpark a stream parked at `parkedAt` (a dead-letter replay): `action` (the dead letter's
   * resolution) joins the transaction that unparks it, and a failure of the parked event throws.
   */
  readonly resume?: { readonly parkedAt: number; readonly action: TransactWriteItem; readonly size: number };
}

/** `done`: nothing in the job needs delivering again. `retry`: deliver again from `fromVersion`. */
export type StreamOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly fromVersion: number; readonly reason: unknown };

/**
 * Where the package reports what it cannot throw (a dead letter, a stream to retry).
 *
 * @example
 * const logger: ProjectionLogger = { warn: (m, d) => log.warn(m, d), error: (m, d) => log.error(m, d) };
 */
export interface ProjectionLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/**
 * Logs one JSON line per message, as CloudWatch Logs likes it. The default logger.
 *
 * @example
 * createStreamHandler({ projections, client, eventStore, logger: consoleLogger });
 */
export const consoleLogger: ProjectionLogger = {
  warn: (message, details) => console.warn(JSON.stringify({ level: 'WARN', message, ...details })),
  error: (message, details) => console.error(JSON.stringify({ level: 'ERROR', message, ...details })),
};
