import { EventStore, type NewEventOf } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import {
  defineProjection,
  isInvalidProjectionError,
  isProjectionVersionExistsError,
  isRebuildInterruptedError,
  isVersionHasDeadLettersError,
  projectInMemory,
  type RebuildResult,
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

// Rebuilds that stop and resume, run in two processes, and versions switched and deleted.

const client = createTestClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;
const streamIds: string[] = [];

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
  const rand = random(7);
  for (let index = 0; index < 30; index++) {
    const streamId = `${uniqueId('bank')}/account-${index}`;
    streamIds.push(streamId);
    const events: NewEventOf<BankEvent>[] = [{ type: 'AccountOpened', data: { owner: `owner-${index}` } }];
    for (let n = 1 + Math.floor(rand() * 12); n > 0; n--) {
      events.push({ type: 'MoneyDeposited', data: { amount: 1 + Math.floor(rand() * 100) } });
    }
    await store.append(streamId, events, { expectedVersion: 'no-stream' });
  }
});
afterAll(() => client.destroy());

const readModels = () => readModelsOf(client, store, tables.readModelTable);
const documents = (name: string, version = 1) =>
  readModels().reader<BankDoc>({ name, version }, { pinned: true }).list();

/** One balance per account, nothing shared: a rebuild can be split over processes. */
const perStream = (name: string) =>
  defineProjection<BankEvent, { balance: number }>({
    name,
    streamDocument: (streamId) => streamId,
    handlers: {
      AccountOpened: (event, ctx) => ctx.put(event.streamId, { balance: 0 }),
      MoneyDeposited: async (event, ctx) => {
        await ctx.update(event.streamId, (doc) => ({ balance: (doc?.balance ?? 0) + event.data.amount }));
      },
    },
  });

/** A balance per account and one total of every deposit: a document shared by all streams. */
const withTotal = (name: string) =>
  defineProjection<BankEvent, { balance: number }>({
    name,
    handlers: {
      AccountOpened: (event, ctx) => ctx.put(event.streamId, { balance: 0 }),
      MoneyDeposited: async (event, ctx) => {
        await ctx.update(event.streamId, (doc) => ({ balance: (doc?.balance ?? 0) + event.data.amount }));
        await ctx.update('total', (doc) => ({ balance: (doc?.balance ?? 0) + event.data.amount }));
      },
    },
  });

describe('rebuild segments', () => {
  it('stops when its signal aborts, saying so, and resumes from the saved positions exactly once', async () => {
    const name = uniqueId('resumed');
    const projection = bankProjection({ name });
    const stop = new AbortController();
    const first = readModels().rebuild(projection, {
      segments: 2,
      pageSize: 10,
      flushEvery: 5,
      onProgress: (progress) => {
        if (progress.events >= 40) stop.abort();
      },
      signal: stop.signal,
    });
    await expect(first).rejects.toSatisfy(isRebuildInterruptedError);
    expect((await readModels().versions.list(name))[0]).toMatchObject({ status: 'building', segments: 2 });
    // Another rebuild of it is refused; only a resume continues it.
    await expect(readModels().rebuild(projection, { segments: 2 })).rejects.toSatisfy(
      isProjectionVersionExistsError,
    );

    const progress: number[] = [];
    const resumed = await readModels().rebuild(projection, {
      segments: 2,
      resume: true,
      onProgress: (p) => progress.push(p.eventsBefore),
    });
    expect(resumed).toMatchObject({ ready: true, segmentsDone: 2, deadLetters: 0 });
    expect(progress[0]).toBeGreaterThanOrEqual(40);
    const total = (await storedEvents(store, streamIds)).length;
    expect(resumed.events + (progress[0] ?? 0)).toBe(total);
    expect(await documents(name)).toEqual(
      await projectInMemory(projection, await storedEvents(store, streamIds)),
    );
  });

  it('resumes exactly after a crash in the middle of a flush, undoing the flush from its journal', async () => {
    const name = uniqueId('crashed');
    const projection = withTotal(name);
    // The second bulk write of the read model (not of the journal) never lands, the first does:
    // the flush they belong to is half written when the rebuild dies.
    const crashing = createTestClient();
    let writes = 0;
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as {
          RequestItems?: Record<string, { PutRequest?: { Item: { pk: { S: string } } } }[]>;
        };
        const puts = Object.values(input.RequestItems ?? {}).flat();
        const data = puts.some((request) => !request.PutRequest?.Item.pk.S.startsWith('rbj#'));
        if (context.commandName === 'BatchWriteItemCommand' && data && ++writes === 2) {
          throw Object.assign(new Error('the process died'), { name: 'InjectedCrash' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'crash-mid-flush' },
    );
    const crashed = readModelsOf(crashing, store, tables.readModelTable).rebuild(projection, {
      segments: 1,
      pageSize: 150,
      flushEvery: 1,
    });
    await expect(crashed).rejects.toThrow('the process died');
    crashing.destroy();
    expect(writes).toBe(2);

    const resumed = await readModels().rebuild(projection, { segments: 1, resume: true });
    expect(resumed.ready).toBe(true);
    expect(await documents(name)).toEqual(
      await projectInMemory(projection, await storedEvents(store, streamIds)),
    );
  });

  it('runs its segments in two processes that share only their streams’ own documents', async () => {
    const name = uniqueId('split');
    const projection = perStream(name);
    const results: RebuildResult[] = await Promise.all(
      [[0, 1], [2]].map((only) => readModels().rebuild(projection, { segments: 3, only, pageSize: 25 })),
    );
    expect(results.some((result) => result.ready)).toBe(true);
    expect((await readModels().versions.list(name))[0]).toMatchObject({ status: 'ready' });
    expect(await documents(name)).toEqual(
      await projectInMemory(projection, await storedEvents(store, streamIds)),
    );
  });

  it('refuses to split a rebuild of a projection with documents shared by streams', async () => {
    const projection = bankProjection({ name: uniqueId('shared') });
    await expect(readModels().rebuild(projection, { segments: 2, only: [0] })).rejects.toSatisfy(
      isInvalidProjectionError,
    );
    const own = perStream(uniqueId('own'));
    await expect(readModels().rebuild(own, { segments: 2, only: [2] })).rejects.toSatisfy(
      isInvalidProjectionError,
    );
  });

  it('switches readers only to a version without open dead letters, unless forced; deletes an old version', async () => {
    const name = uniqueId('switched');
    const broken = bankProjection({
      name,
      version: 2,
      fault: (event) => {
        if (event.streamId === streamIds[3] && event.version === 2) throw new Error('poison');
      },
    });
    expect((await readModels().rebuild(bankProjection({ name }))).ready).toBe(true);
    expect((await readModels().rebuild(broken)).deadLetters).toBe(1);
    await expect(readModels().versions.switch(broken)).rejects.toSatisfy(isVersionHasDeadLettersError);
    await readModels().versions.switch(broken, { force: true });
    expect(await readModels().reader({ name, version: 1 }).version()).toBe(2);

    await expect(readModels().versions.delete(broken)).rejects.toSatisfy(isInvalidProjectionError);
    const deleted = await readModels().versions.delete({ name, version: 1 });
    expect(deleted.documents).toBeGreaterThan(30);
    expect(deleted.checkpoints).toBe(30);
    expect(await documents(name, 1)).toEqual(new Map());
    expect((await readModels().versions.list(name)).map((record) => record.version)).toEqual([2]);
    expect((await documents(name, 2)).size).toBeGreaterThan(30);
  });
});
