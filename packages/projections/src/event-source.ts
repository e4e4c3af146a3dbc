import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger, Metrics, UpcasterChain } from '@dynamo-es/event-store';

/**
 * What projections need from the event store: its table (gap reads query it, rebuilds scan it,
 * with its client), its upcasters, and the logger and metrics to default to. An `EventStore` fits.
 *
 * @example
 * const eventStore: EventSource = new EventStore({ client, tableName: 'events' });
 */
export interface EventSource {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly upcasters: UpcasterChain;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}
