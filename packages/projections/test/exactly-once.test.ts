import { EventStore } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import { countRequests } from '../../../test/support/request-counter.js';
import { projectInMemory } from '../src/index.js';
import {
  accountKey,
  type BankDoc,
  type BankEvent,
  bankProjection,
  createTables,
  readModelsOf,
  storedEvents,
  totalsKey,
} from './support/bank.js';
import { deliverLikeLambda } from './support/lambda.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

const client = createTestClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
});

async function seedAccount(streamId: string) {
  await store.append(
    streamId,
    [
      { type: 'AccountOpened', data: { owner: 'Ada' } },
      { type: 'MoneyDeposited', data: { amount: 100 } },
      { type: 'MoneyWithdrawn', data: { amount: 30 } },
      { type: 'NoteAdded', data: { text: 'no handler for this one' } },
      { type: 'MoneyDeposited', data: { amount: 5 } },
    ],
    { expectedVersion: 'no-stream' },
  );
  const items = await eventItems(client, tables.eventsTable, [streamId]);
  return items.map((item) => toStreamRecord(item, tables.eventsTable));
}

describe('exactly-once effects per (projection, stream)', () => {
  it('skips duplicates and fills gaps from the event store, applying in version order', async () => {
    const streamId = `${uniqueId('bank')}/account-1`;
    const records = await seedAccount(streamId);
    const projection = bankProjection();
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection]);
    const [v1, v2, v3, v4, v5] = records;
    const queries = countRequests(client);

    expect(await handler({ Records: [v1!, v1!] })).toEqual({ batchItemFailures: [] });
    // Version 3 arrives before 2 (another shard, or ParallelizationFactor > 1): 2 is read from the store.
    expect(await handler({ Records: [v3!, v1!] })).toEqual({ batchItemFailures: [] });
    expect(queries.byCommand().QueryCommand).toBe(1);
    expect(await handler({ Records: [v2!, v3!, v1!] })).toEqual({ batchItemFailures: [] });
    // 4 has no handler; 5 comes alone, then everything again.
    await handler({ Records: [v5!] });
    await handler({ Records: [v4!, v5!, v3!, v2!, v1!] });
    queries.remove();

    const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection);
    const expected = await projectInMemory(projection, await storedEvents(store, [streamId]));
    expect(await reader.get(accountKey(streamId))).toEqual({
      owner: 'Ada',
      balance: 75,
      versions: [1, 2, 3, 5],
    });
    expect(await reader.get(accountKey(streamId))).toEqual(expected.get(accountKey(streamId)));
    expect(await reader.get(totalsKey(streamId))).toEqual({ balance: 75, movements: 3 });
  });

  it('reads a gap once for all the projections of an invocation', async () => {
    const streamId = `${uniqueId('bank')}/account-1`;
    const [v1, , v3] = await seedAccount(streamId);
    const projections = [bankProjection(), bankProjection(), bankProjection()];
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler(projections);
    expect(await handler({ Records: [v1!] })).toEqual({ batchItemFailures: [] });
    const queries = countRequests(client);
    // Version 2 is missing from the delivery: one Query of the events table, not one per projection.
    expect(await handler({ Records: [v3!] })).toEqual({ batchItemFailures: [] });
    expect(queries.byCommand().QueryCommand).toBe(1);
    queries.remove();
    for (const projection of projections) {
      const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection);
      expect(await reader.get(accountKey(streamId))).toMatchObject({ versions: [1, 2, 3] });
    }
  });

  it('rolls back the changes of an event whose handler throws, and applies it once on redelivery', async () => {
    const streamId = `${uniqueId('bank')}/account-1`;
    const records = await seedAccount(streamId);
    let failNext = true;
    const projection = bankProjection({
      fault: (event) => {
        if (event.version === 3 && failNext) {
          failNext = false;
          throw new Error('transient');
        }
      },
    });
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection]);

    const first = await handler({ Records: records });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[2]?.dynamodb?.SequenceNumber }]);
    const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection);
    expect(await reader.get(accountKey(streamId))).toEqual({ owner: 'Ada', balance: 100, versions: [1, 2] });

    expect(await handler({ Records: records.slice(2) })).toEqual({ batchItemFailures: [] });
    expect(await reader.get(accountKey(streamId))).toEqual({
      owner: 'Ada',
      balance: 75,
      versions: [1, 2, 3, 5],
    });
    expect(await reader.get(totalsKey(streamId))).toEqual({ balance: 75, movements: 3 });
  });

  it('does not count a failed DynamoDB read as an attempt of the event', async () => {
    const streamId = `${uniqueId('bank')}/account-1`;
    const records = await seedAccount(streamId);
    const projection = bankProjection();
    const faulty = createTestClient();
    let failures = 2;
    faulty.middlewareStack.add(
      (next, context) => async (args) => {
        // Document reads of handlers: gathered into BatchGetItem requests (the first one of a
        // batch reads the checkpoints, and fails like any read).
        const requested = (
          args.input as { RequestItems?: Record<string, { Keys: { pk?: { S?: string } }[] }> }
        ).RequestItems;
        const keys = Object.values(requested ?? {}).flatMap((request) =>
          request.Keys.map((key) => key.pk?.S ?? ''),
        );
        if (
          context.commandName === 'BatchGetItemCommand' &&
          keys.some((key) => key.startsWith('doc#')) &&
          failures-- > 0
        ) {
          throw Object.assign(new Error('injected read failure'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'read-faults' },
    );
    const handler = readModelsOf(faulty, store, tables.readModelTable).streamHandler([projection], {
      maxAttempts: 1,
    });

    const { invocations } = await deliverLikeLambda(handler, records, { batchSize: 10 });
    faulty.destroy();
    expect(invocations).toBe(3);
    expect(
      await readModelsOf(client, store, tables.readModelTable).deadLetters.list(projection, { streamId }),
    ).toEqual([]);
    const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection);
    expect(await reader.get(accountKey(streamId))).toEqual({
      owner: 'Ada',
      balance: 75,
      versions: [1, 2, 3, 5],
    });
  });

  it('ignores MODIFY and REMOVE records and items that are not events', async () => {
    const streamId = `${uniqueId('bank')}/account-1`;
    const [opened] = await seedAccount(streamId);
    const projection = bankProjection();
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection]);
    const snapshot = {
      ...opened!,
      dynamodb: {
        ...opened!.dynamodb,
        NewImage: { s: { S: streamId }, v: { N: '0' }, snapshot: { S: 'x' } },
      },
    };
    const response = await handler({
      Records: [
        { ...opened!, eventName: 'MODIFY' },
        { ...opened!, eventName: 'REMOVE', dynamodb: { ...opened!.dynamodb, NewImage: undefined } },
        snapshot,
      ],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const reader = readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection);
    expect(await reader.get(accountKey(streamId))).toBeUndefined();
  });
});
