import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem, type EventHeader, readEventHeader } from '../codec/event-item.js';
import type { KnownVersions } from '../known-versions.js';
import { buildHeadQuery } from '../requests/query-events.js';

type Item = Record<string, AttributeValue>;

/**
 * The last `count` items of a stream, newest first, with their headers: validated before any
 * version is trusted (and recorded as known), but bodies are decoded only where needed (a head read
 * is for the version).
 *
 * @throws CorruptEventError for an item that is not an event of this stream.
 */
export async function readHead(
  config: { readonly client: DynamoDBClient; readonly tableName: string; readonly known: KnownVersions },
  streamId: string,
  count: number,
): Promise<{ item: Item; header: EventHeader }[]> {
  const output = await config.client.send(
    new QueryCommand(buildHeadQuery(config.tableName, streamId, count)),
  );
  const head = (output.Items ?? []).map((item) => {
    const header = readEventHeader(item);
    if (header === undefined || header.streamId !== streamId) decodeEventItem(item); // throws CorruptEventError
    return { item, header: header as EventHeader };
  });
  const top = head[0];
  if (top) config.known.record(streamId, top.header.version);
  return head;
}
