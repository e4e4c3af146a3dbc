import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem, type EventItem, isEventItem, type StoredEvent } from '@dynamo-es/event-store';
import { ID_PATTERN } from '../../src/application/account-id.js';
import type { AccountEvent } from '../../src/domain/bank-account.js';

const SEGMENTS = 4;

/**
 * Every event of the events table, grouped by stream, in version order: a parallel `Scan` (a
 * tool's read, never a request path's) decoded with the event store's own codec.
 */
export async function scanEvents(
  client: DynamoDBClient,
  tableName: string,
): Promise<Map<string, StoredEvent<AccountEvent>[]>> {
  const streams = new Map<string, StoredEvent<AccountEvent>[]>();
  const segment = async (index: number) => {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          Segment: index,
          TotalSegments: SEGMENTS,
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (!isEventItem(item)) continue;
        const event = decodeEventItem(item as EventItem) as StoredEvent<AccountEvent>;
        const events = streams.get(event.streamId) ?? [];
        events.push(event);
        streams.set(event.streamId, events);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  };
  await Promise.all(Array.from({ length: SEGMENTS }, (_, index) => segment(index)));
  for (const events of streams.values()) events.sort((a, b) => a.version - b.version);
  return streams;
}

/**
 * The account streams among them: the events table also holds the large transfers' requests
 * (`transfer.<id>`) and the saga's own streams (`saga.large-transfer.<id>`), whose ids cannot be
 * account ids.
 */
export function accountStreams<E extends { readonly streamId: string }>(
  streams: ReadonlyMap<string, readonly E[]>,
): Map<string, readonly E[]> {
  return new Map([...streams].filter(([streamId]) => ID_PATTERN.test(streamId)));
}
