import { decodeValue, EventStore, noMetrics, type StoredEvent, silentLogger } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../../test/support/dynamodb.js';
import { applyBulk } from '../../src/bulk/apply-bulk.js';
import { BulkState } from '../../src/bulk/bulk-state.js';
import { decodeCheckpoint } from '../../src/codec/checkpoint-codec.js';
import { decodeEvent } from '../../src/engine/delivered-event.js';
import { EventReader } from '../../src/engine/event-reader.js';
import { defineProjection, type Projection } from '../../src/index.js';
import { ProjectionObserver } from '../../src/observability/projection-observer.js';
import { ReadModelTable } from '../../src/table/read-model-table.js';
import { applyJobs } from '../../src/transactional/applier.js';
import { type BankEvent, createTables } from '../support/bank.js';
import { eventItems, scanAll } from '../support/stream-records.js';

// One contract, two backends: the engine over the transactional state (live delivery) and over
// the bulk state (rebuilds) must leave the same documents, checkpoints and dead letters.

const client = testClient();
let tables: { eventsTable: string; readModelTable: string };
let store: EventStore<BankEvent>;
const POISON = 13;

type Doc = { readonly balance: number; readonly versions?: readonly number[] };

const handlers = (mixed: boolean, key: (streamId: string) => string) => ({
  AccountOpened: (
    event: StoredEvent<Extract<BankEvent, { type: 'AccountOpened' }>>,
    ctx: import('../../src/index.js').ReadModelContext<Doc>,
  ) => ctx.put(key(event.streamId), { balance: 0, versions: [event.version] }),
  MoneyDeposited: async (
    event: StoredEvent<Extract<BankEvent, { type: 'MoneyDeposited' }>>,
    ctx: import('../../src/index.js').ReadModelContext<Doc>,
  ) => {
    if (event.data.amount === POISON) throw new Error('poison');
    await ctx.update(key(event.streamId), (doc) => ({
      balance: (doc?.balance ?? 0) + event.data.amount,
      versions: [...(doc?.versions ?? []), event.version],
    }));
    if (mixed) await ctx.update('totals', (doc) => ({ balance: (doc?.balance ?? 0) + event.data.amount }));
  },
  AccountClosed: (event: StoredEvent, ctx: import('../../src/index.js').ReadModelContext<Doc>) =>
    ctx.delete(key(event.streamId)),
});

const shapes: Record<string, (name: string) => Projection> = {
  'a document per stream holding its checkpoint': (name) =>
    defineProjection<BankEvent, Doc>({
      name,
      streamDocument: (id) => `acc:${id}`,
      handlers: handlers(false, (id) => `acc:${id}`),
    }),
  'checkpoint items, documents shared by streams': (name) =>
    defineProjection<BankEvent, Doc>({ name, handlers: handlers(true, (id) => `acc:${id}`) }),
  'stream documents and a shared one': (name) =>
    defineProjection<BankEvent, Doc>({
      name,
      streamDocument: (id) => `acc:${id}`,
      handlers: handlers(true, (id) => `acc:${id}`),
    }),
};

let streamIds: string[] = [];

beforeAll(async () => {
  tables = await createTables(client);
  store = new EventStore<BankEvent>({ client, tableName: tables.eventsTable });
  const bank = uniqueId('bank');
  streamIds = ['a', 'b', 'poisoned', 'closed', 'quiet'].map((name) => `${bank}/${name}`);
  const deposits = (amounts: number[]) =>
    amounts.map((amount) => ({ type: 'MoneyDeposited' as const, data: { amount } }));
  const histories: Record<string, BankEvent[]> = {
    a: [...deposits([1, 2, 3, 4, 5])],
    b: [...deposits([10, 20])],
    poisoned: [...deposits([7, POISON, 8])],
    closed: [...deposits([3]), { type: 'AccountClosed', data: {} }],
    quiet: [{ type: 'NoteAdded', data: { text: 'only a note' } }],
  };
  for (const streamId of streamIds) {
    const name = streamId.split('/')[1] as string;
    await store.append(
      streamId,
      [{ type: 'AccountOpened', data: { owner: name } }, ...(histories[name] ?? [])],
      {
        expectedVersion: 'no-stream',
      },
    );
  }
});

/** The events of every stream, each delivered twice and in reverse order (gaps filled from the store). */
async function delivered(projection: Projection) {
  const items = await eventItems(client, tables.eventsTable, streamIds);
  const events = items.flatMap((item) => {
    const event = decodeEvent(item, store.upcasters, projection.handles);
    return event ? [event] : [];
  });
  return [...events.reverse(), ...events];
}

const backends: Record<string, (projection: Projection, table: ReadModelTable) => Promise<void>> = {
  transactional: async (projection, table) => {
    const events = await delivered(projection);
    const jobs = streamIds.map((streamId) => ({
      streamId,
      delivered: events.filter((e) => e.streamId === streamId),
    }));
    await applyJobs(
      {
        projection,
        table,
        rules: { maxAttempts: 1, checkpointInterval: 100 },
        maxRounds: 5,
        gapReadConcurrency: 4,
        now: () => new Date(),
        observer: new ProjectionObserver(silentLogger, noMetrics),
      },
      jobs,
      new EventReader(store, projection.handles).read,
    );
  },
  bulk: async (projection, table) => {
    const state = new BulkState(table, projection, {
      maxCachedDocuments: 2,
      fresh: true,
      ownDocumentsOnly: false,
    });
    const events = await delivered(projection);
    // Two halves, a flush and evictions in between: documents are read back.
    for (const half of [events.slice(0, events.length / 2), events.slice(events.length / 2)]) {
      await applyBulk({
        state,
        projection,
        events: half,
        read: new EventReader(store, projection.handles).read,
        now: new Date(),
      });
      await state.flush(new Date().toISOString());
    }
  },
};

/** Documents, checkpoints and open dead letters of a projection version, as stored. */
async function stored(projection: Projection) {
  const items = await scanAll(client, tables.readModelTable);
  const scope = `${projection.name}#${projection.version}#`;
  const documents: Record<string, unknown> = {};
  const checkpoints: Record<string, unknown> = {};
  const deadLetters: string[] = [];
  for (const item of items) {
    const pk = item.pk?.S ?? '';
    if (pk.startsWith(`doc#${scope}`)) {
      if (item.doc) documents[pk.slice(`doc#${scope}`.length)] = decodeValue(item.doc);
      const embedded = decodeCheckpoint('embedded', item);
      if (embedded) checkpoints[embedded.streamId] = embedded.state;
    } else if (pk.startsWith(`cp#${scope}`)) {
      const checkpoint = decodeCheckpoint('item', item);
      if (checkpoint) checkpoints[checkpoint.streamId] = checkpoint.state;
    } else if (pk.startsWith(`dl#${scope}`)) deadLetters.push(`${item.streamId?.S}@${item.version?.N}`);
  }
  return { documents, checkpoints, deadLetters };
}

describe.each(Object.entries(shapes))('the engine on both backends: %s', (_shape, make) => {
  const results: Record<string, Awaited<ReturnType<typeof stored>>> = {};

  it.each(Object.keys(backends))(
    '%s: documents, checkpoints and dead letters of the fold',
    async (backend) => {
      const projection = make(uniqueId(backend));
      await backends[backend]?.(projection, new ReadModelTable(client, tables.readModelTable));
      const result = await stored(projection);
      results[backend] = result;
      const [a, b, poisoned, closed] = streamIds.map((id) => `acc:${id}`);
      expect(result.documents).toMatchObject({
        [a as string]: { balance: 15, versions: [1, 2, 3, 4, 5, 6] },
        [b as string]: { balance: 30, versions: [1, 2, 3] },
        // Parked at the poison event: stale, never wrong.
        [poisoned as string]: { balance: 7, versions: [1, 2] },
      });
      expect(result.documents[closed as string]).toBeUndefined();
      if ('totals' in result.documents) expect(result.documents.totals).toEqual({ balance: 55 });
      expect(result.deadLetters).toEqual([`${streamIds[2]}@3`]);
      expect(result.checkpoints).toMatchObject({
        [streamIds[0] as string]: { version: 6 },
        [streamIds[2] as string]: { version: 2, parkedAt: 3 },
        [streamIds[3] as string]: { version: 3 },
      });
    },
  );

  it('leaves the same read model on both', () => {
    expect(results.bulk).toEqual(results.transactional);
  });
});
