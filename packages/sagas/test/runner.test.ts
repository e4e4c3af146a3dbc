import { silentLogger } from '@dynamo-es/event-store';
import { StreamRunner } from '@dynamo-es/stream-runner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { startDeadlineTimer } from '../src/index.js';
import { APPROVAL_TIMEOUT_MS } from './support/transfer-saga.js';
import { createTables, World } from './support/world.js';

let w: World;
beforeEach(async () => {
  w = new World(await createTables());
});
afterEach(() => w.stop());

/** Waits until the saga's instance satisfies `done`, or fails after 30 s. */
async function until(
  id: string,
  done: (instance: Awaited<ReturnType<World['inspector']['load']>>) => boolean,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const instance = await w.inspector.load(id);
    if (done(instance)) return instance;
    if (Date.now() > deadline) throw new Error(`saga ${id} is still ${JSON.stringify(instance.state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the saga under the StreamRunner and the local deadline timer', () => {
  it('completes an approved transfer and releases one whose approval never comes', async () => {
    const from = uniqueId('acc');
    const to = uniqueId('acc');
    await w.openAccount(from, 100);
    await w.openAccount(to, 0);
    const runner = new StreamRunner({
      client: testClient(),
      tableName: w.tables.events,
      handler: w.process.streamHandler(),
      logger: silentLogger,
      pollIntervalMs: 50,
    });
    const timer = startDeadlineTimer(w.process, { intervalMs: 50 });
    await runner.start();
    try {
      const approved = uniqueId('t');
      const forgotten = uniqueId('t');
      await w.request(approved, from, to, 30);
      await w.request(forgotten, from, to, 20);
      await w.verdict(approved, 'TransferApproved');
      expect((await until(approved, (i) => i.ended !== undefined)).ended?.outcome).toBe('completed');
      await until(forgotten, (i) => i.state.status === 'awaiting');
      w.advance(APPROVAL_TIMEOUT_MS + 1);
      expect((await until(forgotten, (i) => i.ended !== undefined)).ended?.outcome).toBe('released');
    } finally {
      await timer.stop();
      await runner.stop();
    }
    expect(await w.state(from)).toEqual({ balance: 70, held: {}, closed: false });
    expect(await w.state(to)).toEqual({ balance: 30, held: {}, closed: false });
  });
});
