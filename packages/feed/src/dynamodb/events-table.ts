import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '@dynamo-es/event-store';
import type { Item } from '../codec/keys.js';
import { chunks } from '../internal/chunks.js';
import { eventKeys, scanEventHeadersRequest } from '../requests/event-requests.js';
import { batchGet } from './batch-get.js';

/** The header of an event as the feed indexes it: where it is and its type. */
export interface IndexedHeader {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
}

/** The events table's boundary for the feed: reads by key and header scans. */
export class EventsTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** Event items by key, in no particular order; a key with no item is left out. */
  async getItems(
    keys: readonly { streamId: string; version: number }[],
    options: { consistentRead: boolean; concurrency: number },
  ): Promise<Item[]> {
    const pages = await mapLimit(chunks(keys, 100), options.concurrency, (part) =>
      batchGet(this.client, this.tableName, eventKeys(part, options.consistentRead)),
    );
    return pages.flat();
  }

  /** The headers of every event of one scan segment, a page at a time. */
  async *scanHeaders(options: {
    segment: number;
    segments: number;
    consistentRead: boolean;
  }): AsyncGenerator<IndexedHeader[]> {
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new ScanCommand(
          scanEventHeadersRequest(this.tableName, { ...options, ...(startKey ? { startKey } : {}) }),
        ),
      );
      const headers: IndexedHeader[] = [];
      for (const item of output.Items ?? []) {
        const header = headerOf(item);
        if (header) headers.push(header);
      }
      yield headers;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }
}

function headerOf(item: Item): IndexedHeader | undefined {
  const streamId = item.s?.S;
  const version = Number(item.v?.N);
  const type = item.t?.S;
  if (!streamId || !type || !Number.isSafeInteger(version) || version < 1) return undefined;
  return { streamId, version, type };
}
