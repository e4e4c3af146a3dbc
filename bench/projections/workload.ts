import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type EventStore, encodeEventItem, type StoredEvent } from '@dynamo-es/event-store';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { pool } from '../meter.js';

/** The one event of the projection benchmarks: a deposit with a short note (an item of ~150 bytes). */
export type Deposited = {
  readonly type: 'Deposited';
  readonly data: { readonly amount: number; readonly note: string };
};

/** A stream's running balance: the document the plain handler keeps too. */
export type Balance = { readonly balance: number; readonly deposits: number };
/** The last deposits of a stream, newest last (a statement-like document). */
export type Statement = { readonly lines: readonly number[] };

export const TOTALS_KEY = 'totals';
export const statementKey = (streamId: string) => `${streamId}/statement`;

let sequence = 10n ** 20n;

/** The record Lambda delivers for the INSERT of an event (the image as JSON, binary as base64). */
export function toRecord(event: StoredEvent, tableName: string): DynamoDBRecord {
  sequence += 1n;
  const item = encodeEventItem(event).item;
  const image = Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      value.B === undefined ? value : { B: Buffer.from(value.B).toString('base64') },
    ]),
  ) as Record<string, AttributeValue>;
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    eventSourceARN: `arn:aws:dynamodb:local:000000000000:table/${tableName}/stream/bench`,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { s: image.s!, v: image.v! },
      NewImage: image,
      SequenceNumber: String(sequence),
    },
  };
}

/**
 * Appends `batches` batches of 100 deposits, each spread evenly over `streams` streams (100 /
 * streams events per stream and batch), and returns each batch's records in append order: a
 * delivery in order, without gaps or duplicates.
 */
export async function seedBatches(
  store: EventStore<Deposited>,
  streams: number,
  batches: number,
): Promise<DynamoDBRecord[][]> {
  const ids = Array.from({ length: streams }, () => `bench-${ulid()}`);
  const perStream = 100 / streams;
  const result: DynamoDBRecord[][] = [];
  for (let batch = 0; batch < batches; batch++) {
    const byStream: DynamoDBRecord[][] = Array.from({ length: streams }, () => []);
    await pool(streams, 10, async (index) => {
      const events = Array.from({ length: perStream }, (_, n) => ({
        type: 'Deposited' as const,
        data: { amount: n + 1, note: 'salary for the month of March' },
      }));
      const appended = await store.append(ids[index]!, events, { expectedVersion: batch * perStream });
      byStream[index] = appended.events.map((event) => toRecord(event, store.tableName));
    });
    // Interleaved as a shard would hold them: the first event of every stream, then the second...
    const records: DynamoDBRecord[] = [];
    for (let n = 0; n < perStream; n++) for (const stream of byStream) records.push(stream[n]!);
    result.push(records);
  }
  return result;
}

/** Seeds `count` events over `streams` streams straight into a table (BatchWriteItem of encoded items). */
export async function seedTable(
  client: DynamoDBClient,
  tableName: string,
  count: number,
  streams: number,
): Promise<void> {
  const items = Array.from({ length: count }, (_, n) => {
    const event: StoredEvent<Deposited> = {
      streamId: `rebuild-${n % streams}`,
      version: Math.floor(n / streams) + 1,
      eventId: ulid(),
      type: 'Deposited',
      data: { amount: 1 + (n % 50), note: 'salary for the month of March' },
      metadata: {},
      recordedAt: new Date().toISOString(),
      schemaVersion: 1,
    };
    return encodeEventItem(event).item;
  });
  await pool(Math.ceil(items.length / 25), 16, async (index) => {
    let pending = items.slice(index * 25, index * 25 + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = (output.UnprocessedItems?.[tableName] as typeof pending | undefined) ?? [];
    }
  });
}
