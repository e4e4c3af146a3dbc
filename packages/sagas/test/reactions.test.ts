import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { random } from '../../projections/test/support/faults.js';
import { SagaEventType } from '../src/index.js';
import { createTables, type Tables, World } from './support/world.js';

let tables: Tables;
const worlds: World[] = [];
beforeAll(async () => {
  tables = await createTables();
});
afterEach(() => {
  for (const world of worlds.splice(0)) world.stop();
});

function world(options?: ConstructorParameters<typeof World>[1]): World {
  const created = new World(tables, options);
  worlds.push(created);
  return created;
}

async function bank(w: World) {
  const from = uniqueId('acc');
  const to = uniqueId('acc');
  await w.openAccount(from, 100);
  await w.openAccount(to, 0);
  return { from, to };
}

const types = (events: readonly { type: string }[]) => events.map((event) => event.type);

describe('reacting to events through the projections engine', () => {
  it('holds, waits for the approval, completes: each step once, with its command sent once', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.request(id, from, to, 30);
    await w.settle(random(1));
    const waiting = await w.inspector.load(id);
    expect(waiting.state.status).toBe('awaiting');
    expect(waiting.deadlines).toEqual([
      { id: 'approval', at: new Date(w.now().getTime() + 60_000).toISOString() },
    ]);
    await w.verdict(id, 'TransferApproved');
    await w.settle(random(2));
    const done = await w.inspector.load(id);
    expect(done.ended?.outcome).toBe('completed');
    expect(done.pending).toEqual([]);
    expect(done.deadlines).toEqual([]);
    expect(types((await w.clean.readStream(w.process.streamIdOf(id))).events)).toEqual([
      SagaEventType.EventHandled,
      SagaEventType.CommandSucceeded,
      SagaEventType.EventHandled,
      SagaEventType.CommandSucceeded,
    ]);
    expect(await w.state(from)).toEqual({ balance: 70, held: {}, closed: false });
    expect(await w.state(to)).toEqual({ balance: 30, held: {}, closed: false });
    expect(w.calls.count).toBe(2);
  });

  it('handles duplicated deliveries, in one batch and across batches, once', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.request(id, from, to, 30);
    await w.verdict(id, 'TransferApproved');
    // Every record delivered about twice, shuffled, in random batches.
    await w.settle(random(3), { duplicates: 1 });
    await w.settle(random(4), { duplicates: 1 });
    expect((await w.inspector.load(id)).ended?.outcome).toBe('completed');
    expect(types(await w.accountEvents(from))).toEqual(['AccountOpened', 'HoldPlaced', 'HeldMoneyDebited']);
    expect(types(await w.accountEvents(to))).toEqual(['AccountOpened', 'MoneyCredited']);
    const steps = (await w.clean.readStream(w.process.streamIdOf(id))).events;
    expect(steps).toHaveLength(4);
  });

  it('takes the events of several source streams in any order (the approval before the request)', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.verdict(id, 'TransferApproved');
    await w.settle(random(5));
    expect((await w.inspector.load(id)).state).toEqual({ status: 'new', verdict: 'approved' });
    await w.request(id, from, to, 40);
    await w.settle(random(6));
    const done = await w.inspector.load(id);
    expect(done.ended?.outcome).toBe('completed');
    expect(done.handled).toEqual({ [`approval-${id}`]: 1, [`transfer-${id}`]: 1 });
    expect((await w.state(to)).balance).toBe(40);
  });

  it('turns a domain rejection into a step the saga reacts to: insufficient funds ends it as failed', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.request(id, from, to, 500);
    await w.settle(random(7));
    const ended = await w.inspector.load(id);
    expect(ended.ended?.outcome).toBe('failed');
    const steps = (await w.clean.readStream(w.process.streamIdOf(id))).events;
    expect(types(steps)).toEqual([SagaEventType.EventHandled, SagaEventType.CommandRejected]);
    expect(steps[1]?.data).toMatchObject({ trigger: { outcome: 'rejected', reason: 'InsufficientFunds' } });
    expect(types(await w.accountEvents(from))).toEqual(['AccountOpened']);
  });

  it('compensates when completing is rejected (the target closed): the hold is released', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.request(id, from, to, 30);
    await w.settle(random(8));
    await w.closeAccount(to);
    await w.verdict(id, 'TransferApproved');
    await w.settle(random(9));
    expect((await w.inspector.load(id)).ended?.outcome).toBe('released');
    expect(await w.state(from)).toEqual({ balance: 100, held: {}, closed: false });
    expect(types(await w.accountEvents(to))).toEqual(['AccountOpened', 'AccountClosed']);
  });

  it('survives a crash after a command, before its result and checkpoint: sent again, applied once', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.request(id, from, to, 30);
    // The worker sends the hold, then "crashes" before recording its result (and so before the
    // checkpoint): the redelivery finds the command still pending and sends it again, same key.
    let failed = 0;
    w.failWrites(({ command, input }) => {
      const sagaResult = command === 'PutItemCommand' && input.Item?.t?.S === SagaEventType.CommandSucceeded;
      return sagaResult && failed++ === 0 ? 'before' : undefined;
    });
    await w.settle(random(10));
    expect((await w.inspector.load(id)).state.status).toBe('awaiting');
    expect(types(await w.accountEvents(from))).toEqual(['AccountOpened', 'HoldPlaced']);
    expect(failed).toBe(2);
    expect(w.calls.count).toBe(2);
  });

  it('ignores events after the saga ended, and events it does not correlate', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const id = uniqueId('t');
    await w.request(id, from, to, 30);
    await w.verdict(id, 'TransferDeclined');
    await w.settle(random(13));
    const ended = await w.inspector.load(id);
    expect(ended.ended?.outcome).toBe('released');
    await w.verdict(id, 'TransferApproved');
    await w.settle(random(14));
    expect((await w.inspector.load(id)).version).toBe(ended.version);
    expect((await w.state(from)).balance).toBe(100);
  });

  it('stays exactly once when two invocations handle the same records at the same time', async () => {
    const w = world();
    const { from, to } = await bank(w);
    const ids = [uniqueId('t'), uniqueId('t'), uniqueId('t')];
    for (const id of ids) {
      await w.request(id, from, to, 10);
      await w.verdict(id, 'TransferApproved');
    }
    // Like a ParallelizationFactor > 1 with a retried batch: every round delivered twice at once.
    for (let round = 0; round < 30; round++) {
      const rnd = random(100 + round);
      const [a, b] = await Promise.all([w.deliverRound(rnd), w.deliverRound(random(200 + round))]);
      if (!a && !b) break;
    }
    for (const id of ids) expect((await w.inspector.load(id)).ended?.outcome).toBe('completed');
    const fromTypes = types(await w.accountEvents(from));
    expect(fromTypes.filter((type) => type === 'HoldPlaced')).toHaveLength(3);
    expect(fromTypes.filter((type) => type === 'HeldMoneyDebited')).toHaveLength(3);
    expect(await w.state(from)).toEqual({ balance: 70, held: {}, closed: false });
    expect(await w.state(to)).toEqual({ balance: 30, held: {}, closed: false });
  });
});
