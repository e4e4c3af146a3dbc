import { randomUUID } from 'node:crypto';
import { EventStore } from '@dynamo-es/event-store';
import { projectInMemory, ReadModels } from '@dynamo-es/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../support/dynamodb.js';
import { type LedgerEvent, ledgerProjection, streamKey, TOTAL_KEY } from './support/ledger.js';
import { startLedgerRunner } from './support/projection-runner.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';
import { readAllEvents, readModelAndFold } from './support/verify.js';

// Scenario 5, end to end through StreamRunner: a projection handler throws for one event of one
// stream. Other streams keep flowing, the poison event is dead-lettered after maxAttempts (before
// the runner's own bound), its stream is parked (stale, never wrong), and a replay after the fix
// applies it and the rest of the stream exactly once.

const MAX_ATTEMPTS = 3;
let tables: LedgerTables;

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'poison');
});
afterAll(async () => {
  await deleteLedgerTables(testClient(), tables);
});

describe('a poison event in one stream', () => {
  it('is dead-lettered without holding back other streams, and replayed exactly once after the fix', async () => {
    const streamIds = Array.from({ length: 5 }, (_, i) => `${tables.events}-account-${i}`);
    const poisonStream = streamIds[2]!;
    const POISON_VERSION = 3;
    let broken = true;
    const handlerCalls = { poison: 0 };
    const projection = ledgerProjection({
      name: 'ledger-poison',
      beforeApply: (event) => {
        if (event.streamId !== poisonStream || event.version !== POISON_VERSION) return;
        handlerCalls.poison++;
        if (broken) throw new RangeError(`cannot apply ${event.streamId} v${event.version}`);
      },
    });
    // The same projection without the fault: reads and folds use it.
    const reference = ledgerProjection({ name: 'ledger-poison' });
    const store = new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events });
    const appendRounds = async (rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        for (const streamId of streamIds) {
          const commandId = randomUUID();
          await store.append(
            streamId,
            [
              {
                type: 'Deposited',
                data: { amount: 10 + round, commandId },
                metadata: { correlationId: commandId },
              },
            ],
            { expectedVersion: 'any' },
          );
        }
      }
    };
    const running = await startLedgerRunner({
      client: testClient(),
      tables,
      projection,
      maxAttempts: MAX_ATTEMPTS,
      maxRetries: 20,
    });
    try {
      await appendRounds(4);
      await running.runner.waitForCaughtUp({ timeoutMs: 60_000 });
      // Events appended after the poison event flow for every other stream.
      await appendRounds(2);
      await running.runner.waitForCaughtUp({ timeoutMs: 60_000 });

      const events = await readAllEvents(testClient(), tables.events);
      const healthy = events.filter((e) => e.streamId !== poisonStream || e.version < POISON_VERSION);
      const expectedWhileParked = Object.fromEntries(await projectInMemory(reference, healthy));
      const { stored } = await readModelAndFold({
        client: testClient(),
        readModelTable: tables.readModels,
        projection: reference,
        events,
      });
      expect(stored).toEqual(expectedWhileParked);
      expect(stored[streamKey(poisonStream)]).toMatchObject({
        count: POISON_VERSION - 1,
        lastVersion: POISON_VERSION - 1,
      });
      expect(handlerCalls.poison).toBe(MAX_ATTEMPTS);
      expect(running.failedBatches).toEqual([]);
      const readModels = new ReadModels({
        client: testClient(),
        eventStore: store,
        tableName: tables.readModels,
        logger: running.logger,
      });
      const letters = await readModels.deadLetters.list(projection, { streamId: poisonStream });
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        streamId: poisonStream,
        version: POISON_VERSION,
        status: 'open',
        attempts: MAX_ATTEMPTS,
      });

      // The fix is deployed: replay applies the poison event and the parked rest of its stream.
      broken = false;
      const replay = await readModels.deadLetters.replay(projection);
      expect(replay.replayed).toHaveLength(1);
      expect(replay.failed).toHaveLength(0);
      const afterReplay = await readModelAndFold({
        client: testClient(),
        readModelTable: tables.readModels,
        projection: reference,
        events,
      });
      expect(afterReplay.stored).toEqual(afterReplay.folded);
      expect(afterReplay.stored[TOTAL_KEY]).toEqual({
        balance: events.reduce((sum, e) => sum + e.data.amount, 0),
        count: events.length,
      });
      // A second replay finds nothing open; the unparked stream keeps flowing live.
      expect((await readModels.deadLetters.replay(projection)).replayed).toHaveLength(0);
      await appendRounds(1);
      await running.runner.waitForCaughtUp({ timeoutMs: 60_000 });
      const final = await readAllEvents(testClient(), tables.events);
      const end = await readModelAndFold({
        client: testClient(),
        readModelTable: tables.readModels,
        projection: reference,
        events: final,
      });
      expect(end.stored).toEqual(end.folded);
      expect(handlerCalls.poison).toBe(MAX_ATTEMPTS + 1);
    } finally {
      await running.runner.stop();
    }
  }, 120_000);
});
