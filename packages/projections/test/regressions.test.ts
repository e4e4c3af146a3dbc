import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';

import {
  accountKey,
  type BankDoc,
  type BankEvent,
  bankProjection,
  createTables,
  readModelsOf,
} from './support/bank.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

// One test per defect of the projections before the apply engine; each failed on that code.

const client = testClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
});

async function seed(streamId: string, events: BankEvent[]): Promise<DynamoDBRecord[]> {
  await store.append(streamId, events, { expectedVersion: 'no-stream' });
  return (await eventItems(client, tables.eventsTable, [streamId])).map((item) =>
    toStreamRecord(item, tables.eventsTable),
  );
}

const opened: BankEvent = { type: 'AccountOpened', data: { owner: 'Ada' } };
const deposit = (amount: number): BankEvent => ({ type: 'MoneyDeposited', data: { amount } });

describe('regressions', () => {
  it('goes past an event it cannot decode when the projection has no handler for its type (it used to park the stream)', async () => {
    const streamId = `${uniqueId('bank')}/a`;
    const [first, note, third] = await seed(streamId, [
      opened,
      { type: 'NoteAdded', data: { text: 'x' } },
      deposit(5),
    ]);
    // The note's body is corrupt; its header (stream, version, type) is readable.
    const image = note?.dynamodb?.NewImage as Record<string, unknown>;
    const corrupt = {
      ...note,
      dynamodb: { ...note?.dynamodb, NewImage: { ...image, b: { S: '{not json' } } },
    };
    const projection = bankProjection();
    const readModels = readModelsOf(client, store, tables.readModelTable);
    const handler = readModels.streamHandler([projection], { maxAttempts: 1 });

    expect(await handler({ Records: [first!, corrupt as DynamoDBRecord, third!] })).toEqual({
      batchItemFailures: [],
    });
    expect(await readModels.deadLetters.list(projection, { streamId })).toEqual([]);
    expect(await readModels.reader<BankDoc>(projection).get(accountKey(streamId))).toMatchObject({
      balance: 5,
      versions: [1, 3],
    });
  });

  it('applies the valid records of a batch that also holds null entries (it used to throw a TypeError)', async () => {
    const streamId = `${uniqueId('bank')}/b`;
    const [record] = await seed(streamId, [opened]);
    const projection = bankProjection();
    const readModels = readModelsOf(client, store, tables.readModelTable);
    const handler = readModels.streamHandler([projection]);

    const response = await handler({ Records: [null, record, undefined] as unknown as DynamoDBRecord[] });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await readModels.reader<BankDoc>(projection).get(accountKey(streamId))).toMatchObject({
      versions: [1],
    });
  });

  it('dead-letters a version deleted from the store after maxAttempts and parks the stream (it used to retry for ever)', async () => {
    const streamId = `${uniqueId('bank')}/c`;
    const records = await seed(streamId, [opened, deposit(1), deposit(2)]);
    await client.send(
      new DeleteItemCommand({ TableName: tables.eventsTable, Key: { s: { S: streamId }, v: { N: '2' } } }),
    );
    const projection = bankProjection();
    const readModels = readModelsOf(client, store, tables.readModelTable);
    const handler = readModels.streamHandler([projection], { maxAttempts: 3 });
    const [first, , last] = records;
    expect(await handler({ Records: [first!] })).toEqual({ batchItemFailures: [] });

    // Version 3 arrives; 2 is read from the store and is not there: counted, not retried for ever.
    const failures: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      failures.push((await handler({ Records: [last!] })).batchItemFailures.length);
    }
    expect(failures).toEqual([1, 1, 0]);
    const [letter, ...others] = await readModels.deadLetters.list(projection, { streamId });
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ version: 2, attempts: 3, status: 'open', policy: 'park-stream' });
    expect(letter?.error.name).toBe('MissingEventsError');
    const [checkpoint] = await readModels.checkpoints.list({ projection: projection.name });
    expect(checkpoint).toMatchObject({ streamId, appliedVersion: 1, parkedAt: 2 });
    // The stream is parked: later deliveries are acknowledged, not retried.
    expect(await handler({ Records: [last!] })).toEqual({ batchItemFailures: [] });
  });
});
