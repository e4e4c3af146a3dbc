import { EventStore } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import { defineProjection } from '../src/index.js';
import { createTables, readModelsOf } from './support/bank.js';
import { captureCommands, writtenKeys } from './support/capture-commands.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

type WideEvent = { readonly type: 'Fanned'; readonly data: { readonly width: number } };

const client = createTestClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<WideEvent>;

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<WideEvent>({ client, tableName: tables.eventsTable });
});
afterAll(() => client.destroy());

/** Each event writes `width` documents of its own. */
const fanOut = () =>
  defineProjection<WideEvent, { readonly from: number }>({
    name: uniqueId('fan-out'),
    handlers: {
      Fanned: (event, ctx) => {
        for (let index = 0; index < event.data.width; index++)
          ctx.put(`${event.streamId}:${event.version}:${index}`, { from: event.version });
      },
    },
  });

async function records(streamId: string, widths: number[]) {
  for (let start = 0; start < widths.length; start += 90) {
    const events = widths
      .slice(start, start + 90)
      .map((width) => ({ type: 'Fanned' as const, data: { width } }));
    await store.append(streamId, events, { expectedVersion: start });
  }
  return (await eventItems(client, tables.eventsTable, [streamId])).map((item) =>
    toStreamRecord(item, tables.eventsTable),
  );
}

describe('transaction limits', () => {
  it("splits one stream's run over several transactions, each advancing the checkpoint", async () => {
    const streamId = uniqueId('wide');
    const projection = fanOut();
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection]);
    const batch = await records(streamId, Array(150).fill(1));
    const capture = captureCommands(client);
    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    capture.stop();

    const transactions = capture.commands.filter((command) => command.name === 'TransactWriteItemsCommand');
    expect(transactions.map((command) => writtenKeys(command).length)).toEqual([100, 52]);
    for (const transaction of transactions)
      expect(writtenKeys(transaction).filter((key) => key.startsWith('cp#'))).toHaveLength(1);
    expect((await readModelsOf(client, store, tables.readModelTable).reader(projection).list()).size).toBe(
      150,
    );
  });

  it('dead-letters an event that changes more documents than one transaction holds', async () => {
    const streamId = uniqueId('too-wide');
    const projection = fanOut();
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([projection], {
      maxAttempts: 1,
    });
    expect(await handler({ Records: await records(streamId, [1, 120, 1]) })).toEqual({
      batchItemFailures: [],
    });

    const letters = await readModelsOf(client, store, tables.readModelTable).deadLetters.list(projection, {
      streamId,
    });
    expect(letters).toMatchObject([{ version: 2, error: { name: 'TooManyChangesError' } }]);
    expect((await readModelsOf(client, store, tables.readModelTable).reader(projection).list()).size).toBe(1);
  });
});
