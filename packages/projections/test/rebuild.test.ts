import { EventStore, type NewEventOf } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  isProjectionVersionExistsError,
  isProjectionVersionNotReadyError,
  projectInMemory,
} from '../src/index.js';
import {
  type BankDoc,
  type BankEvent,
  bankProjection,
  createTables,
  readModelsOf,
  storedEvents,
} from './support/bank.js';
import { random } from './support/faults.js';
import { eventItems, toStreamRecord } from './support/stream-records.js';

const client = createTestClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;
const streamIds: string[] = [];
const name = uniqueId('accounts');

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
  const rand = random(42);
  const banks = [uniqueId('bank'), uniqueId('bank'), uniqueId('bank')];
  for (let index = 0; index < 24; index++) {
    const streamId = `${banks[index % 3]}/account-${index}`;
    streamIds.push(streamId);
    const events: NewEventOf<BankEvent>[] = [{ type: 'AccountOpened', data: { owner: `owner-${index}` } }];
    for (let n = Math.floor(rand() * 25); n > 0; n--) events.push(randomEvent(rand));
    await store.append(streamId, events, { expectedVersion: 'no-stream' });
  }
});
afterAll(() => client.destroy());

function randomEvent(rand: () => number): NewEventOf<BankEvent> {
  const roll = rand();
  const amount = 1 + Math.floor(rand() * 100);
  if (roll < 0.5) return { type: 'MoneyDeposited', data: { amount } };
  if (roll < 0.8) return { type: 'MoneyWithdrawn', data: { amount } };
  if (roll < 0.9) return { type: 'NoteAdded', data: { text: 'note' } };
  return roll < 0.95
    ? { type: 'AccountClosed', data: {} }
    : { type: 'AccountOpened', data: { owner: 'again' } };
}

const records = async (ids: readonly string[]) =>
  (await eventItems(client, tables.eventsTable, ids)).map((item) => toStreamRecord(item, tables.eventsTable));
const readModels = () => readModelsOf(client, store, tables.readModelTable);
const documents = (version: number) =>
  readModels().reader<BankDoc>({ name, version }, { pinned: true }).list();
const expectedDocuments = async () =>
  projectInMemory(bankProjection({ name }), await storedEvents(store, streamIds));

describe('rebuild', () => {
  it('builds a new version equal to the live one; readers switch to it at once', async () => {
    const live = bankProjection({ name });
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([live]);
    const all = await records(streamIds);
    for (let start = 0; start < all.length; start += 50)
      await handler({ Records: all.slice(start, start + 50) });

    const progress: number[] = [];
    const result = await readModels().rebuild(bankProjection({ name, version: 2 }), {
      segments: 4,
      onProgress: (p) => progress.push(p.events),
    });
    expect(result).toMatchObject({
      version: 2,
      events: all.length,
      streams: streamIds.length,
      deadLetters: 0,
      caughtUpStreams: 0,
      ready: true,
      segmentsDone: 4,
    });
    expect(progress.at(-1)).toBe(all.length);

    const liveDocuments = await documents(1);
    expect(liveDocuments).toEqual(await expectedDocuments());
    expect(await documents(2)).toEqual(liveDocuments);

    const reader = readModels().reader<BankDoc>({ name, version: 1 }, { pointerTtlMs: 0 });
    expect(await reader.version()).toBe(1);
    await readModels().versions.switch({ name, version: 2 });
    expect(await reader.version()).toBe(2);
    expect(await reader.list()).toEqual(liveDocuments);

    const again = readModels().rebuild(live);
    await expect(again).rejects.toSatisfy(isProjectionVersionExistsError);
    const missing = readModels().versions.switch({ name, version: 9 });
    await expect(missing).rejects.toSatisfy(isProjectionVersionNotReadyError);
  });

  it('catches up, exactly once, the streams live handlers saw while the version was building', async () => {
    const v3 = bankProjection({ name, version: 3 });
    await readModels().versions.prepare(v3);
    const handler = readModelsOf(client, store, tables.readModelTable).streamHandler([v3]);
    const busy = streamIds.slice(0, 4);
    const newcomer = `${streamIds[0]?.split('/')[0]}/account-new`;
    // Right after the scan read its first page, events keep coming and the live handler sees them:
    // the version is 'building', so it only marks their streams; the catch-up applies them.
    const scanClient = createTestClient();
    let during: Promise<void> | undefined;
    scanClient.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (context.commandName === 'ScanCommand') {
          during ??= (async () => {
            for (const streamId of busy)
              await store.append(streamId, [{ type: 'MoneyDeposited', data: { amount: 1000 } }], {
                expectedVersion: 'any',
              });
            await store.append(newcomer, [{ type: 'AccountOpened', data: { owner: 'late' } }], {
              expectedVersion: 'no-stream',
            });
            streamIds.push(newcomer);
            expect(await handler({ Records: await records([...busy, newcomer]) })).toEqual({
              batchItemFailures: [],
            });
          })();
          await during;
        }
        return output;
      },
      { step: 'initialize', name: 'events-during-the-scan' },
    );
    const eventStore = { tableName: store.tableName, client: scanClient, upcasters: store.upcasters };
    const result = await readModelsOf(client, eventStore, tables.readModelTable).rebuild(v3, { segments: 2 });
    scanClient.destroy();

    expect(result.caughtUpStreams).toBe(busy.length + 1);
    const expected = await expectedDocuments();
    expect(await documents(3)).toEqual(expected);
    // Delivered again now that the version is 'ready': duplicates, skipped.
    expect(await handler({ Records: await records(streamIds) })).toEqual({ batchItemFailures: [] });
    expect(await documents(3)).toEqual(expected);
  });

  it('evicts documents beyond its memory bound and reads them back', async () => {
    const result = await readModels().rebuild(bankProjection({ name, version: 4 }), {
      segments: 2,
      flushEvery: 7,
      maxCachedDocuments: 3,
    });
    expect(result.deadLetters).toBe(0);
    expect(await documents(4)).toEqual(await expectedDocuments());
  });
});
