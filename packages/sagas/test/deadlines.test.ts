import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { random } from '../../projections/test/support/faults.js';
import { queryDue, shardKey, shardOf } from '../src/deadlines/deadline-requests.js';
import { SagaEventType } from '../src/index.js';
import { APPROVAL_TIMEOUT_MS } from './support/transfer-saga.js';
import { createTables, type Tables, World } from './support/world.js';

let tables: Tables;
const worlds: World[] = [];
beforeAll(async () => {
  tables = await createTables();
});
afterEach(() => {
  for (const world of worlds.splice(0)) world.stop();
});

/** A world with one transfer waiting for its approval (deadline set and indexed). */
async function waiting() {
  const w = new World(tables);
  worlds.push(w);
  const from = uniqueId('acc');
  const to = uniqueId('acc');
  await w.openAccount(from, 100);
  await w.openAccount(to, 0);
  const id = uniqueId('t');
  await w.request(id, from, to, 30);
  await w.settle(random(1));
  return { w, id, from };
}

const stepTypes = async (w: World, id: string) =>
  (await w.clean.readStream(w.process.streamIdOf(id))).events.map((event) => event.type);

/** The index items of the saga's shard for `id`, due or not. */
async function indexed(w: World, id: string) {
  const output = await testClient().send(
    new QueryCommand({
      TableName: tables.readModels,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: shardKey('transfer', shardOf(id, 4)) } },
      ConsistentRead: true,
    }),
  );
  return (output.Items ?? []).filter((item) => item.sagaId?.S === id);
}

describe('durable deadlines', () => {
  it('fires a due deadline into the saga (the clock is the process’s), not before it is due', async () => {
    const { w, id, from } = await waiting();
    expect(await indexed(w, id)).toHaveLength(1);
    w.advance(APPROVAL_TIMEOUT_MS - 1_000);
    expect(await w.process.pollDeadlines()).toEqual({ due: 0, fired: 0, stale: 0, failed: 0 });
    w.advance(2_000);
    expect(await w.process.pollDeadlines()).toEqual({ due: 1, fired: 1, stale: 0, failed: 0 });
    expect(await indexed(w, id)).toHaveLength(0);
    await w.settle(random(2));
    expect((await w.inspector.load(id)).ended?.outcome).toBe('released');
    expect(await w.state(from)).toEqual({ balance: 100, held: {}, closed: false });
  });

  it('fires a deadline polled twice at once exactly once', async () => {
    const { w, id } = await waiting();
    w.advance(APPROVAL_TIMEOUT_MS + 1);
    const [a, b] = await Promise.all([w.process.pollDeadlines(), w.inspector.pollDeadlines()]);
    expect((a?.fired ?? 0) + (b?.fired ?? 0)).toBe(1);
    expect(await w.process.pollDeadlines()).toMatchObject({ fired: 0 });
    expect((await stepTypes(w, id)).filter((type) => type === SagaEventType.DeadlineFired)).toHaveLength(1);
  });

  it('survives a crash between firing and deleting the index item: the next poll only deletes it', async () => {
    const { w, id } = await waiting();
    w.failWrites(({ command }) => (command === 'DeleteItemCommand' ? 'before' : undefined));
    w.advance(APPROVAL_TIMEOUT_MS + 1);
    expect(await w.process.pollDeadlines()).toEqual({ due: 1, fired: 0, stale: 0, failed: 1 });
    expect(await stepTypes(w, id)).toContain(SagaEventType.DeadlineFired);
    w.failWrites(() => undefined);
    expect(await w.process.pollDeadlines()).toEqual({ due: 1, fired: 0, stale: 1, failed: 0 });
    expect(await indexed(w, id)).toHaveLength(0);
    expect((await stepTypes(w, id)).filter((type) => type === SagaEventType.DeadlineFired)).toHaveLength(1);
  });

  it('never fires a deadline of a saga that ended (or cancelled it) meanwhile', async () => {
    const { w, id } = await waiting();
    await w.verdict(id, 'TransferApproved');
    await w.settle(random(3));
    const ended = await w.inspector.load(id);
    expect(ended.ended?.outcome).toBe('completed');
    w.advance(APPROVAL_TIMEOUT_MS + 1);
    expect(await w.process.pollDeadlines()).toEqual({ due: 1, fired: 0, stale: 1, failed: 0 });
    expect((await w.inspector.load(id)).version).toBe(ended.version);
    expect(await indexed(w, id)).toHaveLength(0);
  });

  it('does not lose a deadline when the worker crashes between the saga step and the index write', async () => {
    const w = new World(tables);
    worlds.push(w);
    const from = uniqueId('acc');
    await w.openAccount(from, 100);
    const id = uniqueId('t');
    await w.request(id, from, uniqueId('acc'), 30);
    let crashed = 0;
    w.failWrites(({ command, input }) =>
      command === 'PutItemCommand' && input.Item?.pk?.S?.startsWith('sdl#') && crashed++ === 0
        ? 'after'
        : undefined,
    );
    await w.settle(random(4));
    expect(crashed).toBe(2);
    expect(await indexed(w, id)).toHaveLength(1);
    w.advance(APPROVAL_TIMEOUT_MS + 1);
    expect(await w.process.pollDeadlines()).toMatchObject({ fired: 1 });
  });
});

describe('the deadline index requests', () => {
  it('shards by a stable hash of the saga id and queries one shard by due time, never scans', () => {
    expect(shardOf('t-1', 8)).toBe(shardOf('t-1', 8));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`t-${i}`, 8)));
    expect(shards.size).toBe(8);
    const query = queryDue({ tableName: 'rm', sagaName: 'transfer', shard: 3, now: new Date(0), limit: 100 });
    expect(query).toEqual({
      TableName: 'rm',
      KeyConditionExpression: 'pk = :pk AND sk <= :due',
      ExpressionAttributeValues: {
        ':pk': { S: 'sdl#transfer#3' },
        ':due': { S: '1970-01-01T00:00:00.000Z$' },
      },
      Limit: 100,
    });
  });
});
