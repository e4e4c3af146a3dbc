import { randomUUID } from 'node:crypto';
import { EventStore } from '@dynamo-es/event-store';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testEndpoint } from '../support/dynamodb.js';
import { propertySeed } from '../support/property-seed.js';
import { type LedgerEvent, ledgerProjection } from './support/ledger.js';
import { between, seededRandom } from './support/random.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';
import { readAllEvents, readModelAndFold, storeProblems } from './support/verify.js';
import { runScript, type ScriptProcess } from './support/worker-process.js';

// Scenario 3: the projection worker (StreamRunner + ReadModels.streamHandler + DynamoDBCheckpointStore)
// is killed with SIGKILL inside a batch, before its commit and between its commit and the runner's
// checkpoint; restarted each time. Redelivered records must be skipped, not applied again.

const SEED = propertySeed('projection worker killed mid-batch');
const WORKER = 'test/reliability/fixtures/projection-worker.ts';
const PROJECTION = 'ledger-crash';
let tables: LedgerTables;
const workers: ScriptProcess[] = [];

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'runner-crash');
});
afterEach(() => {
  for (const worker of workers.splice(0)) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
});
afterAll(async () => {
  await deleteLedgerTables(testClient(), tables);
});

function startWorker(
  mode: 'slow-handler' | 'slow-after-commit' | 'finish',
  signalAfterBatches = 1,
): ScriptProcess {
  const worker = runScript(WORKER, {
    env: {
      DYNAMODB_ENDPOINT: testEndpoint(),
      EVENTS_TABLE: tables.events,
      READ_MODEL_TABLE: tables.readModels,
      CHECKPOINT_TABLE: tables.checkpoints,
      PROJECTION_NAME: PROJECTION,
      WORKER_MODE: mode,
      SIGNAL_AFTER_BATCHES: String(signalAfterBatches),
    },
  });
  workers.push(worker);
  return worker;
}

async function killAt(
  mode: 'slow-handler' | 'slow-after-commit',
  line: string,
  afterBatches = 1,
): Promise<void> {
  const worker = startWorker(mode, afterBatches);
  await worker.waitForLine(line);
  worker.child.kill('SIGKILL');
  expect(await worker.exited).toBe('SIGKILL');
}

describe(`a projection worker killed mid-batch (seed ${SEED})`, () => {
  it('resumes from its checkpoint and ends with exactly the read model of the store', async () => {
    const random = seededRandom(SEED);
    const store = new EventStore<LedgerEvent>({ client: testClient(), tableName: tables.events });
    const streamIds = Array.from({ length: 6 }, (_, i) => `${tables.events}-account-${i}`);
    const append = async (rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        await Promise.all(
          streamIds.map((streamId) => {
            const commandId = randomUUID();
            return store.append(
              streamId,
              [
                {
                  type: 'Deposited',
                  data: { amount: between(random, 1, 50), commandId },
                  metadata: { correlationId: commandId },
                },
              ],
              { expectedVersion: 'any' },
            );
          }),
        );
      }
    };

    await append(8);
    await killAt('slow-handler', 'IN_HANDLER'); // before the batch's commit
    // Committed, runner checkpoint not yet written: in the first batch, then in the third (after
    // two checkpointed batches), and after more events.
    await killAt('slow-after-commit', 'COMMITTED');
    await killAt('slow-after-commit', 'COMMITTED', 3);
    await append(4);
    await killAt('slow-after-commit', 'COMMITTED', 2);

    const finisher = startWorker('finish');
    const line = await finisher.waitForLine('CAUGHT_UP', 90_000);
    expect(await finisher.exited).toBe(0);
    const { delivered } = JSON.parse(line.slice('CAUGHT_UP '.length)) as { delivered: number };

    const events = await readAllEvents(testClient(), tables.events);
    expect(events).toHaveLength(streamIds.length * 12);
    expect(
      storeProblems(events, { acknowledged: [], ambiguous: new Set(events.map((e) => e.data.commandId)) }),
    ).toEqual([]);
    const { stored, folded } = await readModelAndFold({
      client: testClient(),
      readModelTable: tables.readModels,
      projection: ledgerProjection({ name: PROJECTION }),
      events,
    });
    expect(stored).toEqual(folded);
    // The last worker resumed from a checkpoint: it did not need the whole stream again.
    expect(delivered).toBeLessThan(events.length);
  }, 150_000);
});
