import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventTable, EventStore, isConcurrencyError } from '@dynamo-es/event-store';
import { createDynamoDBClient, type DynamoDBLocal, startDynamoDBLocal } from '@dynamo-es/local';
import { afterAll, describe, expect, it } from 'vitest';
import { propertySeed } from '../support/property-seed.js';
import { errorLabel, isClearError } from './support/faults.js';
import type { LedgerEvent } from './support/ledger.js';
import { seededRandom, sleep } from './support/random.js';
import { type Acknowledged, readAllEvents, storeProblems } from './support/verify.js';

// Scenario 4: DynamoDB Local (our own instance, with a data directory) is killed with SIGKILL in the
// middle of a workload and started again on the same port. In-flight commands must fail quickly
// and clearly; acknowledged events must all be there after the restart; writers retrying their
// failed append with the same event ids must resume without duplicates.

const SEED = propertySeed('DynamoDB Local restarted');
const WRITERS = 6;
const APPENDS_PER_WRITER = 15;
/** No call may take longer than this while the database is gone: timeouts are set, nothing hangs. */
const MAX_FAILURE_MS = 8_000;

let local: DynamoDBLocal | undefined;
let dataDirectory: string | undefined;

afterAll(async () => {
  await local?.stop();
  if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
});

const timedClient = (endpoint: string): DynamoDBClient =>
  createDynamoDBClient(endpoint, {
    maxAttempts: 2,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });

describe(`DynamoDB Local killed and restarted during a workload (seed ${SEED})`, () => {
  it('fails in-flight commands clearly, loses nothing acknowledged, and resumes', async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'dynamo-es-restart-'));
    local = await startDynamoDBLocal({ dataDirectory });
    const { endpoint } = local;
    const port = Number(new URL(endpoint).port);
    const client = timedClient(endpoint);
    const tableName = `restart-${randomUUID().slice(0, 8)}`;
    await createEventTable(client, { tableName });
    const store = new EventStore<LedgerEvent>({ client, tableName });

    const acknowledged: Acknowledged[] = [];
    const failures: { label: string; ms: number; clear: boolean }[] = [];
    const conflicts: string[] = [];
    let phase: 'up' | 'down' | 'restarted' = 'up';
    const successesByPhase = { up: 0, down: 0, restarted: 0 };

    const appendUntilAcknowledged = async <T>(append: () => Promise<T>): Promise<T> => {
      for (;;) {
        const started = Date.now();
        try {
          return await append();
        } catch (error) {
          if (isConcurrencyError(error)) conflicts.push(error.message);
          failures.push({ label: errorLabel(error), ms: Date.now() - started, clear: isClearError(error) });
          await sleep(100);
        }
      }
    };
    const writer = async (index: number) => {
      const random = seededRandom(SEED + index);
      const streamId = `${tableName}-writer-${index}`;
      let version = 0;
      for (let done = 0; done < APPENDS_PER_WRITER; ) {
        const commandId = randomUUID();
        const events = [
          {
            type: 'Deposited' as const,
            data: { amount: 1 + Math.floor(random() * 100), commandId },
            metadata: { correlationId: commandId },
            eventId: randomUUID(),
          },
        ];
        // Retry this very append (same ids, same expected version) until it is acknowledged:
        // whether the failed attempt landed or not, the store must tell the truth.
        const result = await appendUntilAcknowledged(() =>
          store.append(streamId, events, { expectedVersion: version }),
        );
        version = result.version;
        successesByPhase[phase]++;
        acknowledged.push({ commandId, streamId, version, eventId: result.events[0]!.eventId });
        done++;
        if (phase === 'up') await sleep(20);
      }
    };

    const writing = Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));
    while (successesByPhase.up < 2 * WRITERS) await sleep(20);
    // Kill the JVM as a crash would, keep it down a moment, start it again on the same port.
    process.kill(local.pid!, 'SIGKILL');
    phase = 'down';
    await sleep(1_500);
    await local.stop();
    local = await startDynamoDBLocal({ dataDirectory, port });
    phase = 'restarted';
    await writing;

    const events = await readAllEvents(client, tableName);
    const labels = [...new Set(failures.map((f) => f.label))];
    console.info(
      `[restart seed ${SEED}] acknowledged ${acknowledged.length}, successes by phase ${JSON.stringify(successesByPhase)}, ` +
        `failures ${failures.length} (${labels.join(', ')}), slowest failure ${Math.max(0, ...failures.map((f) => f.ms))} ms`,
    );
    expect(successesByPhase.up).toBeGreaterThan(0);
    expect(successesByPhase.restarted).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((failure) => !failure.clear)).toEqual([]);
    expect(failures.filter((failure) => failure.ms > MAX_FAILURE_MS)).toEqual([]);
    expect(conflicts).toEqual([]);
    expect(storeProblems(events, { acknowledged })).toEqual([]);
    expect(events).toHaveLength(WRITERS * APPENDS_PER_WRITER);
    client.destroy();
  }, 120_000);
});
