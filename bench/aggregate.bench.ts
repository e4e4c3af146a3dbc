import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregateRepository } from '@dynamo-es/aggregate';
import {
  createEventTable,
  createIdempotencyTable,
  createSnapshotTable,
  EventStore,
  SnapshotStore,
} from '@dynamo-es/event-store';
import { Account, depositEvent } from './aggregate/account.js';
import { commandsTable } from './aggregate/commands.js';
import { hotTable, twoProcessTable } from './aggregate/hot.js';
import { meter } from './meter.js';
import type { Benchmark, BenchTable } from './types.js';

const EVENTS = 10_000;
const SNAPSHOT_EVERY = 100;
const BATCH = 100;

/** Requests one client sends, and the events (queries) and snapshots (gets) they return. */
function countReads(client: DynamoDBClient) {
  const m = meter(client);
  return {
    read: () => ({
      requests: m.requests(),
      eventsRead: m.itemsRead('QueryCommand'),
      snapshotsRead: m.itemsRead('GetItemCommand'),
    }),
    reset: () => m.reset(),
  };
}

type Reads = ReturnType<ReturnType<typeof countReads>['read']>;
const minus = (a: Reads, b: Reads): Reads => ({
  requests: a.requests - b.requests,
  eventsRead: a.eventsRead - b.eventsRead,
  snapshotsRead: a.snapshotsRead - b.snapshotsRead,
});

const aggregateBenchmark: Benchmark = async (context) => {
  const suffix = Date.now().toString(36);
  const events = `bench-aggregate-events-${suffix}`;
  const snapshots = `bench-aggregate-snapshots-${suffix}`;
  await createEventTable(context.client, { tableName: events });
  await createSnapshotTable(context.client, { tableName: snapshots });

  // Writers on the shared client; the measured repositories get a client of their own.
  const writer = new EventStore({ client: context.client, tableName: events });
  const writerSnapshots = new SnapshotStore({ client: context.client, tableName: snapshots });
  const measured = context.newClient();
  const meter = countReads(measured);
  const store = new EventStore({ client: measured, tableName: events });
  const snapshotPolicy = {
    store: new SnapshotStore({ client: measured, tableName: snapshots }),
    every: SNAPSHOT_EVERY,
  };
  const plain = new AggregateRepository({ store, factory: (id) => new Account(id) });
  const snapshotted = new AggregateRepository({
    store,
    factory: (id) => new Account(id),
    snapshots: snapshotPolicy,
  });

  const plainId = `bench-plain-${suffix}`;
  const snapshotId = `bench-snapshot-${suffix}`;
  await seedPlain(writer, plainId);
  await seedWithSnapshots(writer, writerSnapshots, snapshotId);

  const load = async (repository: AggregateRepository<Account>, id: string) => {
    meter.reset();
    const started = performance.now();
    const account = await repository.loadExisting(id);
    if (account.version !== EVENTS) throw new Error(`loaded version ${account.version}, expected ${EVENTS}`);
    return { ...meter.read(), ms: performance.now() - started };
  };
  const noSnapshot = await load(plain, plainId);
  const withSnapshot = await load(snapshotted, snapshotId);

  const conflictPlain = await updateWithOneConflict(plain, writer, plainId, meter);
  const conflictSnapshot = await updateWithOneConflict(snapshotted, writer, snapshotId, meter);

  const loadTable: BenchTable = {
    title: `Loading an aggregate of ${EVENTS.toLocaleString('en')} events`,
    rows: [
      row('no snapshot', noSnapshot, 'ceil(bytes / 1 MB) queries'),
      row(
        `snapshot every ${SNAPSHOT_EVERY} (99 events after it)`,
        withSnapshot,
        '<= 2 requests, <= 100 events read',
      ),
    ],
    notes: [
      'Requests and items counted with SDK middleware on the loading client. "events read" counts the items',
      'queries returned: after a snapshot at version s, the query starts at s itself, which proves the stream',
      'has version s in the same request (so 99 events after the snapshot read 100 items).',
      'The snapshotted stream was built through the repository: a snapshot is taken once a save leaves the',
      `stream ${SNAPSHOT_EVERY} or more events past the last snapshot; the last one is at version ${EVENTS - 99}.`,
    ],
  };
  const updateTable: BenchTable = {
    title: `An update that hits one conflict (stream of ${EVENTS.toLocaleString('en')} events)`,
    rows: [
      ...phases('no snapshot', conflictPlain),
      ...phases(`snapshot every ${SNAPSHOT_EVERY}`, conflictSnapshot),
    ],
    notes: [
      'The command runs, another writer appends one event, the append fails with a ConcurrencyError: the failed',
      'PutItem returns the item that took the slot (ALL_OLD), which names the actual version, no head query.',
      'The repository then reads only from the version it has (that event, the proof its state is of this',
      'stream, and the 1 new one) and retries: it never reloads the stream. A reload would cost the "load" row again.',
      'With snapshots, the retried append also writes the snapshot that became due (one PutItem).',
    ],
  };
  const keys = `bench-aggregate-keys-${suffix}`;
  await createIdempotencyTable(context.client, { tableName: keys });
  const clients = { measured: context.newClient(), writer: context.client, lookup: context.newClient() };
  const commands = await commandsTable(clients, { events, keys }, suffix);
  const hot = await hotTable(() => context.newClient(), events, suffix);
  const two = await twoProcessTable(() => context.newClient(), events, suffix);
  return [loadTable, updateTable, commands, hot, two];
};

export default aggregateBenchmark;

function row(
  scenario: string,
  reads: Reads & { ms: number },
  minimum: string,
): Record<string, string | number> {
  return {
    scenario,
    requests: reads.requests,
    'events read': reads.eventsRead,
    'snapshots read': reads.snapshotsRead,
    ms: reads.ms.toFixed(0),
    'target / minimum': minimum,
  };
}

function phases(
  scenario: string,
  cost: Record<'load' | 'conflict' | 'retry', Reads>,
): Record<string, string | number>[] {
  const total = [cost.load, cost.conflict, cost.retry].reduce((sum, part) => ({
    requests: sum.requests + part.requests,
    eventsRead: sum.eventsRead + part.eventsRead,
    snapshotsRead: sum.snapshotsRead + part.snapshotsRead,
  }));
  const line = (phase: string, reads: Reads) => ({
    scenario,
    phase,
    requests: reads.requests,
    'events read': reads.eventsRead,
    'snapshots read': reads.snapshotsRead,
  });
  return [
    line('load', cost.load),
    line('append (conflict) + catch-up read', cost.conflict),
    line('retried append (+ snapshot when due)', cost.retry),
    line('total', total),
  ];
}

async function updateWithOneConflict(
  repository: AggregateRepository<Account>,
  writer: EventStore,
  id: string,
  meter: ReturnType<typeof countReads>,
): Promise<Record<'load' | 'conflict' | 'retry', Reads>> {
  const marks: Reads[] = [];
  meter.reset();
  const { attempts } = await repository.update(id, async (account) => {
    marks.push(meter.read());
    if (marks.length === 1) await writer.append(id, [depositEvent()], { expectedVersion: 'any' });
    account.deposit(1);
  });
  const end = meter.read();
  if (attempts !== 2 || marks.length !== 2)
    throw new Error(`expected exactly one conflict, got ${attempts} attempts`);
  const [afterLoad, afterCatchUp] = marks as [Reads, Reads];
  return { load: afterLoad, conflict: minus(afterCatchUp, afterLoad), retry: minus(end, afterCatchUp) };
}

/** 10,000 events, 100 per transaction, no snapshot. */
async function seedPlain(writer: EventStore, id: string): Promise<void> {
  for (let version = 0; version < EVENTS; version += BATCH) {
    await writer.append(id, Array.from({ length: BATCH }, depositEvent), { expectedVersion: version });
  }
}

/**
 * 10,000 events saved through a repository with snapshots, so the snapshot policy runs as in
 * production: 1 event, then batches of 100 (a snapshot at each), then 99 single events (none).
 */
async function seedWithSnapshots(
  writer: EventStore,
  snapshotStore: SnapshotStore,
  id: string,
): Promise<void> {
  const repository = new AggregateRepository({
    store: writer,
    factory: (accountId) => new Account(accountId),
    snapshots: { store: snapshotStore, every: SNAPSHOT_EVERY },
  });
  const account = await repository.load(id);
  const save = async (count: number) => {
    for (let i = 0; i < count; i++) account.deposit(1);
    await repository.save(account);
  };
  await save(1);
  while (account.version < EVENTS - 99) await save(BATCH);
  while (account.version < EVENTS) await save(1);
}
