import { randomUUID } from 'node:crypto';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { AggregateRepository } from '@dynamo-es/aggregate';
import {
  EventStore,
  type ExpectedVersion,
  isConcurrencyError,
  type StoredEvent,
} from '@dynamo-es/event-store';
import { createDynamoDBClient } from '@dynamo-es/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testEndpoint } from '../support/dynamodb.js';
import { propertySeed } from '../support/property-seed.js';
import { errorLabel, FaultKind, injectFaults, isClearError } from './support/faults.js';
import { Account, type LedgerEvent, ledgerProjection } from './support/ledger.js';
import { startLedgerRunner } from './support/projection-runner.js';
import { between, pick, seededRandom } from './support/random.js';
import { createLedgerTables, deleteLedgerTables, type LedgerTables } from './support/tables.js';
import { type Acknowledged, readAllEvents, readModelAndFold, storeProblems } from './support/verify.js';

// Scenario 1: throttling, transaction conflicts, 5xx and connection resets on a seeded fraction of
// every request (commands, projection reads and writes, stream reads) during a mixed workload.
// Every fault here happens before the request leaves, so a failed command must have written nothing.

const SEED = propertySeed('faults during a workload');
const FAULT_RATE = 0.1;
const KINDS = [
  FaultKind.Throttling,
  FaultKind.ProvisionedThroughput,
  FaultKind.TransactionConflict,
  FaultKind.ServerError,
  FaultKind.ConnectionReset,
];
const ITERATIONS = 20;

let tables: LedgerTables;

beforeAll(async () => {
  tables = await createLedgerTables(testClient(), 'faults');
});
afterAll(async () => {
  await deleteLedgerTables(testClient(), tables);
});

interface Tally {
  readonly acknowledged: Acknowledged[];
  readonly failures: Record<string, number>;
  readonly unclear: unknown[];
  readonly problems: string[];
  conflictsRetried: number;
  loads: number;
}

function acknowledge(tally: Tally, events: readonly StoredEvent<LedgerEvent>[]): void {
  for (const event of events) {
    tally.acknowledged.push({
      commandId: event.data.commandId,
      streamId: event.streamId,
      version: event.version,
      eventId: event.eventId,
    });
  }
}

function fail(tally: Tally, error: unknown): void {
  const label = errorLabel(error);
  tally.failures[label] = (tally.failures[label] ?? 0) + 1;
  if (!isClearError(error)) tally.unclear.push(error);
}

// Without metadata (an empty map in the item): the default case, see empty-map-stream-record.test.ts.
const newEvents = (random: () => number, count: number) =>
  Array.from({ length: count }, () => ({
    type: 'Deposited' as const,
    data: { amount: between(random, 1, 100), commandId: randomUUID() },
    eventId: randomUUID(),
  }));

interface Workload {
  readonly store: EventStore<LedgerEvent>;
  readonly accounts: AggregateRepository<Account>;
  readonly tally: Tally;
}

// EventStore appends: each writer owns its streams, so it always knows their version; a failed
// append wrote nothing, so the next one expects the same version (a ConcurrencyError would
// reveal a write that was reported as failed).
async function storeWriter({ store, tally }: Workload, writer: number, rand: () => number) {
  const versions = new Map<string, number>();
  for (let i = 0; i < ITERATIONS; i++) {
    const streamId = `${tables.events}-store-${writer}-${between(rand, 0, 1)}`;
    const version = versions.get(streamId) ?? 0;
    const events = newEvents(rand, between(rand, 1, 3));
    const roll = rand();
    const expectedVersion: ExpectedVersion =
      roll < 0.15 ? 'any' : version === 0 && roll < 0.3 ? 'no-stream' : version;
    try {
      const result = await store.append(streamId, events, { expectedVersion });
      versions.set(streamId, result.version);
      acknowledge(tally, result.events);
    } catch (error) {
      if (isConcurrencyError(error)) tally.problems.push(`unexpected conflict: ${error.message}`);
      fail(tally, error);
    }
  }
}
// Aggregate updates: three writers per stream, so conflicts are retried by the repository.
async function aggregateWriter({ accounts, tally }: Workload, writer: number, rand: () => number) {
  for (let i = 0; i < ITERATIONS; i++) {
    const streamId = `${tables.events}-aggregate-${writer % 2}`;
    const commandId = randomUUID();
    try {
      const { events, attempts } = await accounts.update(
        streamId,
        (account) => account.deposit(between(rand, 1, 100), commandId),
        { metadata: { correlationId: commandId } },
      );
      tally.conflictsRetried += attempts - 1;
      acknowledge(tally, events);
    } catch (error) {
      fail(tally, error);
    }
  }
}
// Atomic appends to two streams.
async function pairWriter({ store, tally }: Workload, writer: number, rand: () => number) {
  const streams = [`${tables.events}-pair-${writer}-a`, `${tables.events}-pair-${writer}-b`];
  const versions = [0, 0];
  for (let i = 0; i < ITERATIONS; i++) {
    try {
      const results = await store.appendMany(
        streams.map((streamId, index) => ({
          streamId,
          events: newEvents(rand, between(rand, 1, 2)),
          expectedVersion: versions[index]!,
        })),
      );
      results.forEach((result, index) => {
        versions[index] = result.version;
        acknowledge(tally, result.events);
      });
    } catch (error) {
      if (isConcurrencyError(error)) tally.problems.push(`unexpected conflict: ${error.message}`);
      fail(tally, error);
    }
  }
}
// Loads: whatever comes back is a contiguous prefix of a stream, or a clear error.
async function loader({ accounts, tally }: Workload, rand: () => number) {
  for (let i = 0; i < ITERATIONS; i++) {
    const streamId = pick(rand, [
      `${tables.events}-aggregate-0`,
      `${tables.events}-aggregate-1`,
      `${tables.events}-store-0-0`,
      `${tables.events}-pair-0-a`,
    ]);
    try {
      const account = await accounts.load(streamId);
      tally.loads++;
      if (account.state.deposits !== account.version) {
        tally.problems.push(
          `${streamId} loaded ${account.state.deposits} events at version ${account.version}`,
        );
      }
    } catch (error) {
      fail(tally, error);
    }
  }
}

describe(`faults during a workload (seed ${SEED})`, () => {
  it('acknowledges every command exactly once or fails it clearly, and read models equal the store', async () => {
    // Two SDK attempts for commands: most faults are absorbed, some surface to the caller.
    const client = createDynamoDBClient(testEndpoint(), { maxAttempts: 2 });
    const projectionClient = createDynamoDBClient(testEndpoint(), { maxAttempts: 4 });
    const streamsClient = new DynamoDBStreamsClient({
      endpoint: testEndpoint(),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 4,
    });
    const faults = [
      injectFaults(client, { seed: SEED + 1, rate: FAULT_RATE, kinds: KINDS }),
      // Transactions are a small share of requests: conflicts get a rate of their own.
      injectFaults(client, {
        seed: SEED + 4,
        rate: 0.25,
        kinds: [FaultKind.TransactionConflict],
        commands: ['TransactWriteItemsCommand'],
      }),
      // These two send only some 50 requests a run: at 10%, one seed in five would leave one of them
      // with fewer than 3 faults, so the first attempts of their first 3 requests always fail.
      injectFaults(projectionClient, { seed: SEED + 2, rate: FAULT_RATE, kinds: KINDS, first: 3 }),
      injectFaults(streamsClient, { seed: SEED + 3, rate: FAULT_RATE, kinds: KINDS, first: 3 }),
    ];
    const projection = ledgerProjection({ name: 'ledger-faults' });
    const running = await startLedgerRunner({ client: projectionClient, streamsClient, tables, projection });
    const store = new EventStore<LedgerEvent>({ client, tableName: tables.events, maxAppendAttempts: 6 });
    const accounts = new AggregateRepository({ store, factory: (id) => new Account(id), retries: 20 });
    const tally: Tally = {
      acknowledged: [],
      failures: {},
      unclear: [],
      problems: [],
      conflictsRetried: 0,
      loads: 0,
    };

    const workload: Workload = { store, accounts, tally };
    const writers = [
      ...[0, 1, 2, 3].map((w) => storeWriter(workload, w, seededRandom(SEED + 10 + w))),
      ...[0, 1, 2, 3, 4, 5].map((w) => aggregateWriter(workload, w, seededRandom(SEED + 20 + w))),
      ...[0, 1].map((w) => pairWriter(workload, w, seededRandom(SEED + 30 + w))),
      ...[0, 1].map((w) => loader(workload, seededRandom(SEED + 40 + w))),
    ];
    await Promise.all(writers);

    // The projection catches up with the faults still on, then we check with them off.
    try {
      await running.runner.waitForCaughtUp({ timeoutMs: 60_000 });
    } catch (error) {
      console.error(
        JSON.stringify(running.runner.stats()),
        running.logger.lines.slice(-20),
        running.runnerErrors.slice(-5).map(String),
      );
      throw error;
    }
    for (const fault of faults) fault.pause();
    await running.runner.stop();
    const events = await readAllEvents(testClient(), tables.events);
    const injected = faults.map((fault) => fault.counts());
    console.info(
      `[faults seed ${SEED}] commands acknowledged ${tally.acknowledged.length} events, failures ${JSON.stringify(tally.failures)}, ` +
        `conflicts retried ${tally.conflictsRetried}, loads ${tally.loads}, faults injected ${JSON.stringify(injected)}, ` +
        `runner errors ${running.runnerErrors.length}`,
    );

    expect(tally.problems).toEqual([]);
    expect(tally.unclear).toEqual([]);
    expect(storeProblems(events, { acknowledged: tally.acknowledged })).toEqual([]);
    expect(events.length).toBe(tally.acknowledged.length);
    const { stored, folded } = await readModelAndFold({
      client: testClient(),
      readModelTable: tables.readModels,
      projection,
      events,
    });
    expect(stored).toEqual(folded);
    expect(running.failedBatches).toEqual([]);
    // The scenario is only meaningful if faults did hit every client and most commands still went through.
    for (const counts of injected)
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(2);
    expect(tally.acknowledged.length).toBeGreaterThan(ITERATIONS * 10);
    expect(injected[1]?.[FaultKind.TransactionConflict]).toBeGreaterThan(0);
    // Some commands must have failed for the "failed means not written" half to be tested.
    expect(Object.values(tally.failures).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (const fault of faults) fault.remove();
    client.destroy();
    projectionClient.destroy();
    streamsClient.destroy();
  }, 150_000);
});
