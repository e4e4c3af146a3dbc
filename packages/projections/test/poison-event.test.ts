import { EventStore } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { isReplayFailedError, type PoisonEventPolicy, projectInMemory } from '../src/index.js';
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

const client = testClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
});

/** Streams a, poison and b of one bank, three events each, their records interleaved a1 p1 b1 a2 p2 … */
async function seed() {
  const bank = uniqueId('bank');
  const [a, poison, b] = ['a', 'poison', 'b'].map((name) => `${bank}/${name}`) as [string, string, string];
  for (const streamId of [a, poison, b]) {
    await store.append(
      streamId,
      [
        { type: 'AccountOpened', data: { owner: streamId } },
        { type: 'MoneyDeposited', data: { amount: 10 } },
        { type: 'MoneyDeposited', data: { amount: 1 } },
      ],
      { expectedVersion: 'no-stream' },
    );
  }
  const byStream = await Promise.all(
    [a, poison, b].map((id) => eventItems(client, tables.eventsTable, [id])),
  );
  const records: DynamoDBRecord[] = [];
  for (let index = 0; index < 3; index++) {
    for (const items of byStream) records.push(toStreamRecord(items[index]!, tables.eventsTable));
  }
  return { a, poison, b, records };
}

function setup(policy: PoisonEventPolicy) {
  const state = { broken: true };
  const projection = bankProjection({
    onPoisonEvent: policy,
    fault: (event) => {
      if (state.broken && event.streamId.endsWith('/poison') && event.version === 2)
        throw new Error('poison: cannot handle this deposit');
    },
  });
  const readModels = readModelsOf(client, store, tables.readModelTable);
  const reader = readModels.reader<BankDoc>(projection);
  const handler = readModels.streamHandler([projection], { maxAttempts: 3 });
  return { state, projection, handler, reader, readModels };
}

describe('a poison event', () => {
  it('does not hold back other streams, is dead-lettered after the retry bound, and is replayed after a fix', async () => {
    const { a, poison, b, records } = await seed();
    const { state, projection, handler, reader, readModels } = setup('park-stream');

    const first = await handler({ Records: records });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[4]?.dynamodb?.SequenceNumber }]);
    expect(await reader.get(accountKey(a))).toMatchObject({ versions: [1, 2, 3] });
    expect(await reader.get(accountKey(b))).toMatchObject({ versions: [1, 2, 3] });

    // Lambda redelivers from the poison record on; the third attempt dead-letters it and moves on.
    const { invocations } = await deliverLikeLambda(handler, records.slice(4), { batchSize: 10 });
    expect(invocations).toBe(2);
    const [letter, ...others] = await readModels.deadLetters.list(projection, { streamId: poison });
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      projection: projection.name,
      projectionVersion: 1,
      streamId: poison,
      version: 2,
      eventType: 'MoneyDeposited',
      error: { name: 'Error', message: 'poison: cannot handle this deposit' },
      attempts: 3,
      policy: 'park-stream',
      status: 'open',
    });
    expect(letter?.eventId).toMatch(/^[0-9A-Z]{26}$/);
    expect(letter?.error.stack).toContain('poison: cannot handle this deposit');
    // Parked: the stream's read model stays at the last good version; 3 is not applied without 2.
    expect(await reader.get(accountKey(poison))).toMatchObject({ versions: [1] });
    expect(await reader.get(totalsKey(a))).toEqual({ balance: 22, movements: 4 });

    expect((await readModels.deadLetters.replay(projection, { streamId: poison })).failed).toHaveLength(1);
    state.broken = false;
    const { replayed, failed } = await readModels.deadLetters.replay(projection);
    expect(failed).toEqual([]);
    expect(replayed.map((dead) => [dead.streamId, dead.version])).toEqual([[poison, 2]]);
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect((await readModels.deadLetters.replay(projection)).replayed).toEqual([]);

    const expected = await projectInMemory(projection, await storedEvents(store, [a, poison, b]));
    expect(await reader.list()).toEqual(expected);
    expect(await readModels.deadLetters.list(projection, { streamId: poison, status: 'all' })).toMatchObject([
      { version: 2, status: 'replayed' },
    ]);
  });

  it("with 'skip-event', applies the stream's later events without it, and the replay applies it last", async () => {
    const { poison, records } = await seed();
    const { state, projection, handler, reader, readModels } = setup('skip-event');

    await deliverLikeLambda(handler, records, { batchSize: 9 });
    expect(await reader.get(accountKey(poison))).toMatchObject({ versions: [1, 3], balance: 1 });

    state.broken = false;
    expect((await readModels.deadLetters.replay(projection)).replayed).toHaveLength(1);
    expect(await reader.get(accountKey(poison))).toMatchObject({ versions: [1, 3, 2], balance: 11 });
    expect(await reader.get(totalsKey(poison))).toEqual({ balance: 33, movements: 6 });
  });

  it('a replay that fails again leaves the dead letter open and the stream parked', async () => {
    const { poison, records } = await seed();
    const { projection, handler, reader, readModels } = setup('park-stream');
    await deliverLikeLambda(handler, records, { batchSize: 9 });

    const { replayed, failed } = await readModels.deadLetters.replay(projection, { streamId: poison });
    expect(replayed).toEqual([]);
    expect(isReplayFailedError(failed[0]?.error)).toBe(true);
    expect(await readModels.deadLetters.list(projection, { streamId: poison })).toHaveLength(1);
    expect(await reader.get(accountKey(poison))).toMatchObject({ versions: [1] });
  });

  it('dead-letters an event this code cannot upcast (written by newer code), and replays it once deployed', async () => {
    const streamId = `${uniqueId('bank')}/newer`;
    const upcasters = { MoneyDeposited: { 1: (data: unknown) => data } };
    const newer = new EventStore<BankEvent>({ client, tableName: tables.eventsTable, upcasters });
    await newer.append(
      streamId,
      [
        { type: 'AccountOpened', data: { owner: 'Ada' } },
        { type: 'MoneyDeposited', data: { amount: 7 } },
      ],
      { expectedVersion: 'no-stream' },
    );
    const batch = (await eventItems(client, tables.eventsTable, [streamId])).map((item) =>
      toStreamRecord(item, tables.eventsTable),
    );
    const projection = bankProjection();
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection], {
      maxAttempts: 1,
    });

    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    const letters = await readModelsOf(client, store, tables.readModelTable).deadLetters.list(projection, {
      streamId,
    });
    expect(letters).toMatchObject([
      { version: 2, eventType: 'MoneyDeposited', error: { name: 'UpcastError' } },
    ]);

    const deployed = readModelsOf(client, newer, tables.readModelTable);
    expect((await deployed.deadLetters.replay(projection)).replayed).toHaveLength(1);
    const reader = deployed.reader<BankDoc>(projection);
    expect(await reader.get(accountKey(streamId))).toMatchObject({ balance: 7, versions: [1, 2] });
  });
});
