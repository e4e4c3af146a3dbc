import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemBytes } from '@dynamo-es/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { countRequests } from '../../../test/support/request-counter.js';
import { eventItems, toStreamRecord } from '../../projections/test/support/stream-records.js';
import { APPROVAL_TIMEOUT_MS } from './support/transfer-saga.js';
import { createTables, World } from './support/world.js';

/**
 * The write capacity AWS would bill for the client's writes, by its rounding rules: a `PutItem`
 * 1 WCU per started KB of the item, a `DeleteItem` 1 (these items are small), a transaction twice
 * that per item.
 */
function countWcu(client: DynamoDBClient) {
  let total = 0;
  const units = (item: Record<string, AttributeValue> | undefined) =>
    Math.max(1, Math.ceil(itemBytes(item ?? {}) / 1024));
  const name = `wcu-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        Item?: Record<string, AttributeValue>;
        TransactItems?: { Put?: { Item: Record<string, AttributeValue> } }[];
      };
      if (context.commandName === 'PutItemCommand') total += units(input.Item);
      if (context.commandName === 'DeleteItemCommand') total += 1;
      if (context.commandName === 'TransactWriteItemsCommand') {
        for (const action of input.TransactItems ?? [])
          total += 2 * (action.Put ? units(action.Put.Item) : 1);
      }
      return next(args);
    },
    { step: 'build', name },
  );
  return {
    take: () => {
      const taken = total;
      total = 0;
      return taken;
    },
    remove: () => client.middlewareStack.remove(name),
  };
}

let w: World;
beforeEach(async () => {
  w = new World(await createTables());
});
afterEach(() => w.stop());

/** Delivers the stream's event at `version` alone, as one Lambda invocation. */
async function deliverOne(streamId: string, version: number) {
  const items = await eventItems(testClient(), w.tables.events, [streamId]);
  const item = items.find((candidate) => candidate.v?.N === String(version));
  if (!item) throw new Error(`no event ${version} in ${streamId}`);
  await w.deliver([toStreamRecord(item, w.tables.events)]);
}

describe('what a saga step costs (requests of the worker, by command)', () => {
  it('counts the requests of a reaction, a dispatch, a result with a deadline and a fired deadline', async () => {
    const from = uniqueId('acc');
    const to = uniqueId('acc');
    await w.openAccount(from, 100);
    await w.openAccount(to, 0);
    const id = uniqueId('t');
    const saga = w.process.streamIdOf(id);
    await w.request(id, from, to, 30);
    const requests = countRequests(w.client);
    const wcu = countWcu(w.client);

    // A source event: checkpoint read, saga stream read, one step appended, checkpoint written.
    await deliverOne(`transfer-${id}`, 1);
    expect(requests.byCommand()).toEqual({ BatchGetItemCommand: 1, QueryCommand: 1, PutItemCommand: 2 });
    expect(wcu.take()).toBe(2);

    // The step with one command: checkpoint read, saga read, the idempotent command (key read,
    // account read, one transaction of event + key), the result step appended, the instance marked
    // running for operators, checkpoint written.
    requests.reset();
    await deliverOne(saga, 1);
    expect(requests.byCommand()).toEqual({
      BatchGetItemCommand: 1,
      QueryCommand: 2,
      GetItemCommand: 1,
      TransactWriteItemsCommand: 1,
      PutItemCommand: 3,
    });
    expect(wcu.take()).toBe(7);

    // The result step sets a deadline: checkpoint read, the deadline, running mark and checkpoint written.
    requests.reset();
    await deliverOne(saga, 2);
    expect(requests.byCommand()).toEqual({ BatchGetItemCommand: 1, PutItemCommand: 3 });
    expect(wcu.take()).toBe(3);

    // A poll with one due deadline (4 shards): a query per shard, saga read, step appended, item deleted.
    requests.reset();
    w.advance(APPROVAL_TIMEOUT_MS + 1);
    expect(await w.process.pollDeadlines()).toMatchObject({ fired: 1 });
    expect(requests.byCommand()).toEqual({ QueryCommand: 5, PutItemCommand: 1, DeleteItemCommand: 1 });
    expect(wcu.take()).toBe(2);

    // A poll with nothing due: one query per shard.
    requests.reset();
    await w.process.pollDeadlines();
    expect(requests.byCommand()).toEqual({ QueryCommand: 4 });

    // The fired step releases the hold: like any step with one command.
    requests.reset();
    await deliverOne(saga, 3);
    expect(requests.byCommand()).toEqual({
      BatchGetItemCommand: 1,
      QueryCommand: 2,
      GetItemCommand: 1,
      TransactWriteItemsCommand: 1,
      PutItemCommand: 3,
    });
    expect(wcu.take()).toBe(7);

    // A duplicate delivery: the checkpoint read, nothing else.
    requests.reset();
    await deliverOne(`transfer-${id}`, 1);
    expect(requests.byCommand()).toEqual({ BatchGetItemCommand: 1 });
    expect(wcu.take()).toBe(0);
    requests.remove();
    wcu.remove();
  });
});
