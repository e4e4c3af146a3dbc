import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregateRepository, StateCache } from '@dynamo-es/aggregate';
import { EventStore, type Metrics } from '@dynamo-es/event-store';
import { median, meter, pool } from '../meter.js';
import type { BenchTable } from '../types.js';
import { Account, depositEvent } from './account.js';

const STREAMS = 8;
const COMMANDS = 800;
const TRIALS = 6;

type Mode = 'no cache' | 'cache' | 'optimistic cache';
const MODES: readonly Mode[] = ['no cache', 'cache', 'optimistic cache'];

/** One process: its own client, event store, state cache and repository, counting retries. */
function processOf(client: DynamoDBClient, tableName: string, mode: Mode) {
  const retries = { conflicts: 0, stale: 0 };
  const metrics: Metrics = {
    record: (name) => {
      if (name === 'CommandRetries') retries.conflicts++;
      if (name === 'StaleCacheRetries') retries.stale++;
    },
  };
  const stateCache =
    mode === 'no cache' ? undefined : new StateCache({ optimistic: mode === 'optimistic cache' });
  const accounts = new AggregateRepository({
    store: new EventStore({ client, tableName }),
    factory: (id) => new Account(id),
    metrics,
    retries: 100,
    ...(stateCache ? { stateCache } : {}),
  });
  return { accounts, retries };
}

/**
 * A hot-aggregate workload in one process: `STREAMS` streams, one caller each (as a warm Lambda
 * container or a worker's partition), `COMMANDS` deposits in all, in each cache mode.
 */
export async function hotTable(
  newClient: () => DynamoDBClient,
  tableName: string,
  suffix: string,
): Promise<BenchTable> {
  const results = new Map<Mode, { rates: number[]; requests: number; commands: number }>();
  for (let trial = 0; trial < TRIALS; trial++) {
    // Rotate which mode goes first: DynamoDB Local slows down as the table grows.
    for (const mode of [...MODES.slice(trial % 3), ...MODES.slice(0, trial % 3)]) {
      const client = newClient();
      const { accounts } = processOf(client, tableName, mode);
      const ids = Array.from({ length: STREAMS }, (_, n) => `bench-hot-${suffix}-${trial}-${mode}-${n}`);
      for (const id of ids) await accounts.update(id, (a) => a.deposit(1)); // warm: loaded once
      const requests = meter(client);
      const started = performance.now();
      await pool(STREAMS, STREAMS, async (caller) => {
        for (let n = 0; n < COMMANDS / STREAMS; n++) {
          await accounts.update(ids[caller] as string, (a) => a.deposit(1));
        }
      });
      const seconds = (performance.now() - started) / 1000;
      const entry = results.get(mode) ?? { rates: [], requests: 0, commands: 0 };
      if (trial > 0) entry.rates.push(COMMANDS / seconds); // trial 0 warms DynamoDB Local up
      entry.requests += requests.requests();
      entry.commands += COMMANDS;
      results.set(mode, entry);
      requests.remove();
    }
  }
  const base = median(results.get('no cache')?.rates ?? [1]);
  return {
    title: `Hot aggregates in one process: ${STREAMS} streams, ${COMMANDS.toLocaleString('en')} commands`,
    rows: MODES.map((mode) => {
      const entry = results.get(mode) as { rates: number[]; requests: number; commands: number };
      const rate = median(entry.rates);
      return {
        mode,
        'requests / command': (entry.requests / entry.commands).toFixed(2),
        'commands/s (median)': rate.toFixed(0),
        'vs no cache': `${(rate / base).toFixed(2)}x`,
        minimum: mode === 'optimistic cache' ? '1 (PutItem)' : '2 (Query + PutItem)',
      };
    }),
    notes: [
      `${TRIALS - 1} trials per mode after a warm-up round, rotating which mode goes first; one client and one`,
      'EventStore per trial; commands/s is the median over trials.',
      `${STREAMS} callers, each sending ${COMMANDS / STREAMS} deposits in a row to its own stream (no race inside the process).`,
      'no cache: each command loads its stream (a Query of every event, growing to ~100 events here) and appends.',
      'cache: the load reads only from the cached version (1 item). optimistic: no read; the append checks.',
    ],
  };
}

/**
 * The price of optimism when another process writes too: two processes, each with `STREAMS / 2`
 * callers, writing the same streams (every stream has one writer in each process), each caller
 * pausing 0-10 ms between commands (as requests arrive), so the two processes interleave.
 */
export async function twoProcessTable(newClient: () => DynamoDBClient, tableName: string, suffix: string) {
  const streams = STREAMS / 2;
  const perCaller = COMMANDS / 2 / streams;
  const rows = [];
  for (const mode of MODES) {
    const clients = [newClient(), newClient()];
    const processes = clients.map((client) => processOf(client, tableName, mode));
    const ids = Array.from({ length: streams }, (_, n) => `bench-two-${suffix}-${mode}-${n}`);
    const seed = new EventStore({ client: clients[0] as DynamoDBClient, tableName });
    for (const id of ids) await seed.append(id, [depositEvent()], { expectedVersion: 0 });
    const meters = clients.map((client) => meter(client));
    const latencies: number[] = [];
    await Promise.all(
      processes.map(({ accounts }) =>
        pool(streams, streams, async (caller) => {
          for (let n = 0; n < perCaller; n++) {
            await sleep(Math.random() * 10);
            const started = performance.now();
            await accounts.update(ids[caller] as string, (a) => a.deposit(1));
            latencies.push(performance.now() - started);
          }
        }),
      ),
    );
    const total = COMMANDS;
    const requests = meters.reduce((sum, m) => sum + m.requests(), 0);
    const races = processes.reduce((sum, p) => sum + p.retries.conflicts, 0);
    const stale = processes.reduce((sum, p) => sum + p.retries.stale, 0);
    for (const m of meters) m.remove();
    latencies.sort((a, b) => a - b);
    rows.push({
      mode,
      'stale cache / command': (stale / total).toFixed(2),
      'races retried / command': (races / total).toFixed(2),
      'requests / command': (requests / total).toFixed(2),
      'ms median': median(latencies).toFixed(1),
      'ms p95': (latencies[Math.floor(latencies.length * 0.95)] ?? 0).toFixed(1),
    });
  }
  return {
    title: `Two processes writing the same ${streams} streams (${COMMANDS.toLocaleString('en')} commands)`,
    rows,
    notes: [
      `Each process: its own client, EventStore and StateCache, ${streams} callers sending ${perCaller} deposits each, caller i`,
      'to stream i, pausing 0-10 ms before each: every stream has one writer in each process, interleaving.',
      'A stale cached state (the other process wrote since) costs a failed PutItem (ALL_OLD names the version that',
      'took the slot, no read), a catch-up Query and the retried PutItem, at once: it is not a race, so no backoff.',
      'A race (the stream moved again between catch-up and append) backs off as it does without a cache.',
    ],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
