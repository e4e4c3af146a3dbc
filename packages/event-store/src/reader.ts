import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem } from './codec/event-item.js';
import type { KnownVersions } from './known-versions.js';
import { buildEventQuery } from './requests/query-events.js';
import type { ReadOptions, StoredEvent } from './types.js';
import type { UpcasterChain } from './upcasting.js';

export interface ReaderConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly known: KnownVersions;
  readonly upcasters: UpcasterChain;
}

/**
 * Reads a stream's events in version order, one 1 MB page per request, upcasting each event.
 * Forward reads go from `fromVersion` (default 1) up to `toVersion`; backward reads go from
 * `fromVersion` (default: the last event) down to `toVersion` (default 1).
 */
export async function* readEvents(
  config: ReaderConfig,
  streamId: string,
  options: ReadOptions,
): AsyncGenerator<StoredEvent, void, undefined> {
  const forward = (options.direction ?? 'forward') === 'forward';
  const [lowest, highest] = forward
    ? [options.fromVersion ?? 1, options.toVersion ?? Number.MAX_SAFE_INTEGER]
    : [options.toVersion ?? 1, options.fromVersion ?? Number.MAX_SAFE_INTEGER];
  if (lowest > highest) return;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await config.client.send(
      new QueryCommand(
        buildEventQuery(config.tableName, {
          streamId,
          lowest,
          highest,
          forward,
          consistentRead: options.consistentRead ?? true,
          ...(Number.isFinite(remaining) ? { limit: remaining } : {}),
          ...(startKey ? { startKey } : {}),
        }),
      ),
    );
    const items = output.Items ?? [];
    if (items.length > 0) {
      const highestSeen = forward ? items[items.length - 1] : items[0];
      config.known.record(streamId, Number(highestSeen?.version?.N));
    }
    for (const item of items) {
      yield config.upcasters.upcast(decodeEventItem(item));
    }
    remaining -= items.length;
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined && remaining > 0);
}
