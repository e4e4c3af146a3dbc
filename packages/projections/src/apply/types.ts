import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Logger, Metrics, ReadOptions, StoredEvent, UpcasterChain } from '@dynamo-es/event-store';

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
  /** The default logger and metrics of the handler, rebuilds and replays (an `EventStore` has both). */
  readonly logger?: Logger;
  readonly metrics?: Metrics;
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
