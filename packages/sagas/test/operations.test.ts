import type { EventShape } from '@dynamo-es/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { random } from '../../projections/test/support/faults.js';
import {
  type CommandHandlers,
  defineSaga,
  isSagaNotFoundError,
  type Saga,
  SagaEventType,
  sagaOperations,
} from '../src/index.js';
import { accountCommands } from './support/accounts.js';
import type { AccountCommand, TransferEvent, TransferState } from './support/transfer-saga.js';
import { createTables, storeOn, type Tables, World } from './support/world.js';

// Fresh tables per test: dead letters and the deadline index are per saga name and table.
let tables: Tables;
const worlds: World[] = [];
beforeEach(async () => {
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

async function requested(w: World, amount = 30) {
  const from = uniqueId('acc');
  const to = uniqueId('acc');
  await w.openAccount(from, 100);
  await w.openAccount(to, 0);
  const id = uniqueId('t');
  await w.request(id, from, to, amount);
  return { id, from, to };
}

describe('bad decisions', () => {
  it('rejects a decision with a deadline that is no time before writing, then dead-letters the event', async () => {
    const broken = defineSaga<TransferEvent, TransferState, AccountCommand>({
      name: 'transfer',
      initialState: () => ({ status: 'new' }),
      correlate: { TransferRequested: (event) => event.data.transferId },
      on: { TransferRequested: () => ({ deadlines: [{ id: 'approval', at: 'next tuesday' }] }) },
    });
    const w = world({ saga: broken as Saga<EventShape, TransferState, AccountCommand>, maxAttempts: 2 });
    const { id } = await requested(w);
    await w.settle(random(1));
    expect((await w.inspector.load(id)).version).toBe(0);
    const [letter] = await w.process.deadLetters({ status: 'open' });
    expect(letter).toMatchObject({ streamId: `transfer-${id}`, version: 1, attempts: 2 });
    expect(letter?.error.message).toContain('deadlines[0].at');
  });

  it('rejects a command the process has no handler for, before writing', async () => {
    const { commands } = accountCommands(storeOn(testClient(), tables));
    const { PlaceHold: _, ...partial } = commands;
    const w = world({ commands: partial as CommandHandlers<AccountCommand>, maxAttempts: 1 });
    const { id } = await requested(w);
    await w.settle(random(2));
    expect((await w.inspector.load(id)).version).toBe(0);
    const [letter] = await w.process.deadLetters();
    expect(letter?.error.message).toContain('no command handler for "PlaceHold"');
  });

  it('refuses to retry or abandon an instance that does not exist, writing nothing', async () => {
    const w = world();
    const { id } = await requested(w);
    for (const attempt of [() => w.process.abandon(id, 'x'), () => w.process.retry(id)]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(isSagaNotFoundError(error)).toBe(true);
    }
    expect((await w.inspector.load(id)).version).toBe(0);
  });
});

describe('stuck sagas: retries, dead letters, retry and abandon', () => {
  it('retries a failing command, dead-letters it, shows it pending; retry() sends it again once', async () => {
    const store = storeOn(testClient(), tables);
    const { commands } = accountCommands(store);
    let down = true;
    let calls = 0;
    const flaky: CommandHandlers<AccountCommand> = {
      ...commands,
      PlaceHold: async (command, context) => {
        calls++;
        if (down) throw new Error('accounts service unavailable');
        return commands.PlaceHold(command, context);
      },
    };
    const w = world({ commands: flaky, maxAttempts: 2, commandRetry: { attempts: 3, baseMs: 1, capMs: 2 } });
    const { id, from } = await requested(w);
    await w.settle(random(3));
    // 2 deliveries of the step, 3 calls each, then the dead letter.
    expect(calls).toBe(6);
    const stuck = await w.inspector.load(id);
    expect(stuck.ended).toBeUndefined();
    expect(stuck.pending).toMatchObject([{ type: 'PlaceHold', key: `saga:transfer:${id}:1:0` }]);
    const [letter] = await w.process.deadLetters();
    expect(letter).toMatchObject({ streamId: w.process.streamIdOf(id), version: 1 });
    down = false;
    const retried = await w.process.retry(id);
    expect(retried.state.status).toBe('awaiting');
    expect(await w.process.retry(id)).toMatchObject({ version: retried.version });
    await w.settle(random(4));
    expect((await w.state(from)).held).toEqual({ [id]: 30 });
  });

  it('abandons a saga: pending commands are never sent, its deadline never fires, later events are ignored', async () => {
    const w = world();
    const { id, from } = await requested(w);
    await w.settle(random(5));
    const abandoned = await w.process.abandon(id, 'approved by phone');
    expect(abandoned.ended?.outcome).toBe('abandoned');
    expect(abandoned.deadlines).toEqual([]);
    await w.verdict(id, 'TransferApproved');
    await w.settle(random(6));
    w.advance(120_000);
    expect(await w.process.pollDeadlines()).toMatchObject({ fired: 0, stale: 1 });
    const steps = (await w.clean.readStream(w.process.streamIdOf(id))).events;
    expect(steps.at(-1)?.type).toBe(SagaEventType.Abandoned);
    expect((await w.state(from)).held).toEqual({ [id]: 30 });
    expect(await w.process.abandon(id, 'again')).toMatchObject({ version: abandoned.version });
  });
});

describe('listing running and stuck sagas', () => {
  it('lists running instances with what they wait for, flags the stuck ones, forgets ended ones', async () => {
    const store = storeOn(testClient(), tables);
    const { commands } = accountCommands(store);
    let down = false;
    const flaky: CommandHandlers<AccountCommand> = {
      ...commands,
      PlaceHold: async (command, context) => {
        if (down) throw new Error('accounts service unavailable');
        return commands.PlaceHold(command, context);
      },
    };
    const w = world({ commands: flaky, maxAttempts: 1, commandRetry: { attempts: 1, baseMs: 1, capMs: 1 } });
    const waiting = await requested(w);
    const done = await requested(w);
    await w.settle(random(7));
    down = true;
    const broken = await requested(w);
    await w.settle(random(8));
    await w.verdict(done.id, 'TransferDeclined');
    await w.settle(random(9));

    const running = await w.process.list();
    expect(running.map((saga) => saga.sagaId).sort()).toEqual([waiting.id, broken.id].sort());
    const wait = running.find((saga) => saga.sagaId === waiting.id);
    expect(wait).toMatchObject({ state: { status: 'awaiting' }, pending: [] });
    expect(wait?.stuck).toBeUndefined();
    expect(wait?.nextDeadline).toBe(new Date(w.now().getTime() + 60_000).toISOString());
    // Nothing is stuck yet; seven minutes on, the unanswered hold is, and so is the overdue deadline.
    expect(await w.process.list({ stuckOnly: true })).toEqual([]);
    w.advance(7 * 60_000);
    const stuck = await w.process.list({ stuckOnly: true });
    expect(Object.fromEntries(stuck.map((saga) => [saga.sagaId, saga.stuck]))).toEqual({
      [broken.id]: 'command-pending',
      [waiting.id]: 'deadline-overdue',
    });

    // The same, by name only (what the CLI runs), and abandon from there.
    const operations = sagaOperations({
      sagaName: 'transfer',
      eventStore: w.clean,
      tableName: tables.readModels,
      shards: 4,
      now: () => w.now(),
    });
    expect((await operations.list({ stuckOnly: true })).map((saga) => saga.sagaId).sort()).toEqual(
      [waiting.id, broken.id].sort(),
    );
    expect((await operations.abandon(broken.id, 'accounts were down')).ended?.outcome).toBe('abandoned');
    await w.settle(random(10));
    expect((await operations.list()).map((saga) => saga.sagaId)).toEqual([waiting.id]);
  });

  it('refuses a bad saga name or option before any request', () => {
    expect(() => sagaOperations({ sagaName: 'a.b', eventStore: storeOn(testClient(), tables) })).toThrow(
      /sagaName/,
    );
    expect(() => sagaOperations({ sagaName: 'transfer', eventStore: {} as never })).toThrow(/eventStore/);
  });
});
