import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeEventItem } from '@dynamo-es/event-store';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import { monotonicFactory } from 'ulid';
import { prng, smallData } from '../event-store/fixtures.js';
import { pool } from '../meter.js';

export type Item = Record<string, AttributeValue>;

/** The type 1% of events have: what "events by type" looks for. */
export const RARE_TYPE = 'AccountFlagged';
const COMMON_TYPES = ['MoneyDeposited', 'MoneyWithdrawn', 'NoteAdded'];

/** How appends arrive: one event at a time on random streams, or bursts of one stream. */
export type Workload =
  | { readonly kind: 'interleaved'; readonly streams: number; readonly events: number }
  | { readonly kind: 'bursts'; readonly streams: number; readonly burst: number; readonly events: number };

/**
 * Writes the events of a workload straight into the events table (the store's own item format,
 * BatchWriteItem, no conditions: this is seeding, not appending) and returns their items in the
 * order they were "appended": the order of the stream records Lambda delivers.
 */
export async function seedEvents(
  client: DynamoDBClient,
  tableName: string,
  workload: Workload,
  seed = 7,
): Promise<Item[]> {
  const random = prng(seed);
  const ulid = monotonicFactory(random);
  const versions = new Map<string, number>();
  const items: Item[] = [];
  const next = (streamId: string) => {
    const version = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, version);
    const type = random() < 0.01 ? RARE_TYPE : (COMMON_TYPES[Math.floor(random() * 3)] as string);
    const time = Date.UTC(2026, 11, 1) + items.length * 10;
    items.push(
      encodeEventItem({
        streamId,
        version,
        type,
        eventId: ulid(time),
        data: smallData(items.length),
        metadata: {},
        recordedAt: new Date(time).toISOString(),
        schemaVersion: 1,
      }).item,
    );
  };
  const prefix = `bench-${workload.kind}-${seed}`;
  while (items.length < workload.events) {
    if (workload.kind === 'interleaved') next(`${prefix}-${Math.floor(random() * workload.streams)}`);
    else {
      const streamId = `${prefix}-${Math.floor(random() * workload.streams)}`;
      for (let n = 0; n < workload.burst && items.length < workload.events; n++) next(streamId);
    }
  }
  await pool(Math.ceil(items.length / 25), 8, async (index) => {
    let requests = items.slice(index * 25, index * 25 + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  });
  return items;
}

let sequence = 10n ** 20n;

/** The INSERT record Lambda delivers for an item (binary as base64). */
export function toRecord(item: Item): DynamoDBRecord {
  sequence += 1n;
  const image = Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      (value.B === undefined
        ? value
        : { B: Buffer.from(value.B).toString('base64') }) as LambdaAttributeValue,
    ]),
  );
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      NewImage: image,
      SequenceNumber: String(sequence),
      ApproximateCreationDateTime: Date.now() / 1000,
    },
  };
}

/** Records in Lambda batches of `size`, in order. */
export const lambdaBatches = (items: readonly Item[], size = 100): DynamoDBRecord[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, index * size + size).map(toRecord),
  );
