// Soak: many concurrent writers on a few hot streams and many cold ones through
// AggregateRepository.update (conflicts retried), projections via StreamRunner + ReadModels.streamHandler,
// for a fixed time. Reports commands/s, conflicts retried, command latency, projection lag and
// memory; then checks that no event was lost or duplicated and that the read model is exact.
// Exits non-zero when a check fails.
//
//   npm run soak                      # 60 s
//   npm run soak -- --seconds 15 --writers 16 --hot 2 --cold 500
//
// Uses DYNAMODB_ENDPOINT when set, else starts its own DynamoDB Local.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AggregateRepository } from '@dynamo-es/aggregate';
import { EventStore } from '@dynamo-es/event-store';
import { connectDynamoDBLocal, createDynamoDBClient } from '@dynamo-es/local';
import { errorLabel, isClearError } from '../test/reliability/support/faults.js';
import { Account, type LedgerEvent, ledgerProjection } from '../test/reliability/support/ledger.js';
import { startLedgerRunner } from '../test/reliability/support/projection-runner.js';
import { seededRandom, sleep } from '../test/reliability/support/random.js';
import { createLedgerTables, deleteLedgerTables } from '../test/reliability/support/tables.js';
import {
  type Acknowledged,
  readAllEvents,
  readModelAndFold,
  storeProblems,
} from '../test/reliability/support/verify.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The bound we promise: the heap after the soak (after a full GC) is at most this much above the start. */
const MAX_HEAP_GROWTH_MB = 100;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    writers: { type: 'string', default: '24' },
    hot: { type: 'string', default: '4' },
    cold: { type: 'string', default: '2000' },
    'hot-share': { type: 'string', default: '0.25' },
    seed: { type: 'string', default: '1' },
  },
});
const config = {
  seconds: Number(values.seconds),
  writers: Number(values.writers),
  hot: Number(values.hot),
  cold: Number(values.cold),
  hotShare: Number(values['hot-share']),
  seed: Number(values.seed),
};
for (const [name, value] of Object.entries(config)) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
}

// A full GC before each memory reading, so heap figures are live data, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const memory = () => {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20 };
};
const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const local = await connectDynamoDBLocal();
const admin = local.client;
const tables = await createLedgerTables(admin, 'soak');
const commandsClient = createDynamoDBClient(local.endpoint);
const projectionClient = createDynamoDBClient(local.endpoint);
const checks: { name: string; ok: boolean; detail: string }[] = [];
const check = (name: string, ok: boolean, detail = '') => checks.push({ name, ok, detail });

try {
  const projection = ledgerProjection({ name: 'ledger-soak' });
  const lags: number[] = [];
  const running = await startLedgerRunner({
    client: projectionClient,
    tables,
    projection,
    afterBatch: (event) => {
      const now = Date.now();
      for (const record of event.Records) {
        const recordedAt = record.dynamodb?.NewImage?.recordedAt?.S;
        if (recordedAt) lags.push(now - Date.parse(recordedAt));
      }
    },
  });
  const store = new EventStore<LedgerEvent>({ client: commandsClient, tableName: tables.events });
  const accounts = new AggregateRepository({ store, factory: (id) => new Account(id), retries: 30 });
  const hot = Array.from({ length: config.hot }, (_, i) => `hot-${i}`);
  const acknowledged: Acknowledged[] = [];
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let unclear = 0;
  let conflictsRetried = 0;

  const start = memory();
  const started = Date.now();
  const deadline = started + config.seconds * 1000;
  const writer = async (index: number) => {
    const random = seededRandom(config.seed * 1000 + index);
    while (Date.now() < deadline) {
      const streamId =
        config.hot > 0 && (config.cold === 0 || random() < config.hotShare)
          ? hot[Math.floor(random() * hot.length)]!
          : `cold-${Math.floor(random() * config.cold)}`;
      const commandId = randomUUID();
      const amount = 1 + Math.floor(random() * 100);
      const t0 = performance.now();
      try {
        const { events, attempts } = await accounts.update(
          streamId,
          (account) => account.deposit(amount, commandId),
          {
            metadata: { correlationId: commandId },
          },
        );
        latencies.push(performance.now() - t0);
        conflictsRetried += attempts - 1;
        for (const event of events) {
          acknowledged.push({ commandId, streamId, version: event.version, eventId: event.eventId });
        }
      } catch (error) {
        const label = errorLabel(error);
        failures[label] = (failures[label] ?? 0) + 1;
        if (!isClearError(error)) unclear++;
      }
    }
  };
  const progress = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000;
    const recent = lags.slice(-200).sort((a, b) => a - b);
    console.log(
      `  ${elapsed.toFixed(0).padStart(4)} s  ${acknowledged.length} commands  ${(acknowledged.length / elapsed).toFixed(0)}/s  ` +
        `conflicts retried ${conflictsRetried}  projection lag p50 ${percentile(recent, 50).toFixed(0)} ms`,
    );
  }, 5_000);
  console.log(
    `soak: ${config.seconds} s, ${config.writers} writers, ${config.hot} hot streams (${config.hotShare * 100}% of commands), ` +
      `${config.cold} cold streams, DynamoDB Local at ${local.endpoint}`,
  );
  await Promise.all(Array.from({ length: config.writers }, (_, i) => writer(i)));
  const workloadSeconds = (Date.now() - started) / 1000;
  clearInterval(progress);
  const catchUpStarted = Date.now();
  await running.runner.waitForCaughtUp({ timeoutMs: 180_000 });
  const catchUpMs = Date.now() - catchUpStarted;
  await running.runner.stop();
  const end = memory();

  const events = await readAllEvents(admin, tables.events);
  const problems = storeProblems(events, { acknowledged });
  const { stored, folded } = await readModelAndFold({
    client: admin,
    readModelTable: tables.readModels,
    projection,
    events,
  });
  const sortedLatencies = [...latencies].sort((a, b) => a - b);
  const sortedLags = [...lags].sort((a, b) => a - b);
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  const result = {
    seconds: Number(workloadSeconds.toFixed(1)),
    writers: config.writers,
    hotStreams: config.hot,
    coldStreams: config.cold,
    commands: acknowledged.length,
    commandsPerSecond: Number((acknowledged.length / workloadSeconds).toFixed(1)),
    failedCommands: failed,
    failures,
    conflictsRetried,
    latencyMs: {
      p50: Number(percentile(sortedLatencies, 50).toFixed(1)),
      p99: Number(percentile(sortedLatencies, 99).toFixed(1)),
      max: Number((sortedLatencies.at(-1) ?? 0).toFixed(1)),
    },
    projectionLagMs: {
      p50: percentile(sortedLags, 50),
      p99: percentile(sortedLags, 99),
      max: sortedLags.at(-1) ?? 0,
      catchUpAfterWritesStopped: catchUpMs,
    },
    recordsDelivered: running.runner.stats().recordsDelivered,
    memoryMb: {
      rssStart: Number(start.rssMb.toFixed(1)),
      rssEnd: Number(end.rssMb.toFixed(1)),
      heapStart: Number(start.heapMb.toFixed(1)),
      heapEnd: Number(end.heapMb.toFixed(1)),
      heapGrowthBound: MAX_HEAP_GROWTH_MB,
    },
    storedEvents: events.length,
  };
  check(
    'no event lost or duplicated, versions contiguous',
    problems.length === 0,
    problems.slice(0, 10).join('; '),
  );
  check('every stored event was acknowledged once', events.length === acknowledged.length);
  check('read model equals the fold of the store', isDeepStrictEqual(stored, folded));
  check('failed commands failed with a clear error', unclear === 0, `${unclear} unclear`);
  check(
    'no batch given up by the runner',
    running.failedBatches.length === 0,
    `${running.failedBatches.length}`,
  );
  check(
    `heap growth under ${MAX_HEAP_GROWTH_MB} MB`,
    end.heapMb - start.heapMb < MAX_HEAP_GROWTH_MB,
    `${(end.heapMb - start.heapMb).toFixed(1)} MB`,
  );
  check('commands went through', acknowledged.length > 0);

  console.log('\n| figure | value |\n| --- | --- |');
  const rows: [string, string][] = [
    ['duration', `${result.seconds} s, ${config.writers} writers`],
    ['streams', `${config.hot} hot (${config.hotShare * 100}% of commands), ${config.cold} cold`],
    ['commands acknowledged', `${result.commands} (${result.commandsPerSecond}/s)`],
    ['commands failed', `${failed} ${JSON.stringify(failures)}`],
    ['conflicts retried', String(conflictsRetried)],
    [
      'command latency',
      `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`,
    ],
    [
      'projection lag',
      `p50 ${result.projectionLagMs.p50} ms, p99 ${result.projectionLagMs.p99} ms, max ${result.projectionLagMs.max} ms; caught up ${catchUpMs} ms after writes stopped`,
    ],
    ['RSS', `${result.memoryMb.rssStart} MB -> ${result.memoryMb.rssEnd} MB`],
    [
      'heap (after GC)',
      `${result.memoryMb.heapStart} MB -> ${result.memoryMb.heapEnd} MB (bound: +${MAX_HEAP_GROWTH_MB} MB)`,
    ],
    ['events stored', String(events.length)],
  ];
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  console.log('');
  for (const { name, ok, detail } of checks)
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail && !ok ? `: ${detail}` : ''}`);
  console.log(`SOAK_RESULT ${JSON.stringify({ ...result, ok: checks.every((c) => c.ok) })}`);
} catch (error) {
  check('soak ran to the end', false, String(error));
  console.error(error);
} finally {
  commandsClient.destroy();
  projectionClient.destroy();
  await deleteLedgerTables(admin, tables);
  await local.stop();
}
if (!checks.every((c) => c.ok)) {
  console.error('soak: FAILED');
  process.exitCode = 1;
}
// Nothing else should keep the process alive; give stray sockets a moment, then leave.
await sleep(100);
