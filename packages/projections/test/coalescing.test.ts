import { EventStore, type NewEventOf } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import { projectInMemory } from '../src/index.js';
import {
  type BankDoc,
  type BankEvent,
  bankProjection,
  createTables,
  readModelsOf,
  storedEvents,
} from './support/bank.js';
import { captureCommands, writtenKeys } from './support/capture-commands.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

const client = createTestClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
});
afterAll(() => client.destroy());

async function seed(streamIds: readonly string[], deposits: number) {
  for (const streamId of streamIds) {
    const events: NewEventOf<BankEvent>[] = [{ type: 'AccountOpened', data: { owner: 'Ada' } }];
    for (let index = 0; index < deposits; index++)
      events.push({ type: 'MoneyDeposited', data: { amount: index } });
    await store.append(streamId, events, { expectedVersion: 'no-stream' });
  }
  return (await eventItems(client, tables.eventsTable, streamIds)).map((item) =>
    toStreamRecord(item, tables.eventsTable),
  );
}

/** A handler warmed up (its version registry entry read once), and the commands of one batch. */
async function measure(streamIds: readonly string[], deposits: number) {
  const records = await seed(streamIds, deposits);
  const projection = bankProjection({ prefetch: true });
  const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection]);
  await handler({ Records: await seed([`${uniqueId('warm-up')}/a`], 0) });
  const capture = captureCommands(client);
  expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
  capture.stop();
  const expected = await projectInMemory(projection, await storedEvents(store, streamIds));
  const actual = await readModelsOf(client, store, tables.readModelTable).reader<BankDoc>(projection).list();
  expect(Object.fromEntries([...actual].filter(([key]) => !key.includes('warm-up')))).toEqual(
    Object.fromEntries(expected),
  );
  return capture.commands;
}

describe('coalescing', () => {
  it('writes a document once for a batch of many events changing it', async () => {
    const commands = await measure([`${uniqueId('bank')}/a`], 60);
    // 61 records: one BatchGetItem (checkpoint and both documents), one transaction.
    expect(commands.map((command) => command.name)).toEqual([
      'BatchGetItemCommand',
      'TransactWriteItemsCommand',
    ]);
    const keys = writtenKeys(commands[1]!);
    expect(keys).toHaveLength(3);
    expect(
      keys.filter((key) => key.startsWith('doc#')).map((key) => key.split('#').at(-1)?.split(':')[0]),
    ).toEqual(['account', 'totals']);
    expect(keys.filter((key) => key.startsWith('cp#'))).toHaveLength(1);
  });

  it('writes each account and the shared totals once for 100 records on 5 streams', async () => {
    const bank = uniqueId('bank');
    const commands = await measure(
      [1, 2, 3, 4, 5].map((n) => `${bank}/account-${n}`),
      19,
    );
    const writes = commands.filter((command) => command.name !== 'BatchGetItemCommand');
    expect(writes.map((command) => command.name)).toEqual(['TransactWriteItemsCommand']);
    const keys = writtenKeys(writes[0]!);
    expect(keys.filter((key) => key.startsWith('doc#'))).toHaveLength(6);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => key.startsWith('cp#'))).toHaveLength(5);
  });
});
