/**
 * The bank-account example's main job (`npm start`): a bank on embedded DynamoDB Local, driven
 * through its HTTP API handler, projected from the events table's DynamoDB Stream, and checked.
 * See ../README.md.
 */
import { performance } from 'node:perf_hooks';
import { createFeedTable } from '@dynamo-es/feed';
import { connectDynamoDBLocal } from '@dynamo-es/local';
import { isCaughtUpTimeoutError } from '@dynamo-es/stream-runner';
import { createBankApp } from '../src/app/bank-app.js';
import { bankTableNames, createBankTables } from '../src/app/tables.js';
import { bankFeedTableName } from '../src/feed/bank-feed.js';
import { createHttpApiHandler } from '../src/http/http-api-handler.js';
import { assertPortAvailable, isPortInUseError } from '../src/http/local-server.js';
import { type LocalFeed, startLocalFeed } from './scenario/feed-runner.js';
import { LagTracker } from './scenario/lag-tracker.js';
import { OptionsError, parseOptions, type ScenarioOptions, USAGE } from './scenario/options.js';
import { createProgressBar } from './scenario/progress.js';
import { type LocalProjections, startLocalProjections } from './scenario/projection-runner.js';
import { checkPublication } from './scenario/publication-report.js';
import { type LocalPublication, startLocalPublication } from './scenario/publication-runner.js';
import { failures, formatReport, type RunReport } from './scenario/report.js';
import { runScenario } from './scenario/run-scenario.js';
import { type LocalSaga, startLocalSaga } from './scenario/saga-runner.js';
import { serveUntilStopped } from './scenario/serve.js';
import { DEMO_APPROVAL_LIMIT } from './scenario/workload.js';
import { verifyFeed } from './verification/verify-feed.js';
import { verifyReadModels } from './verification/verify-read-models.js';
import { verifySagas, waitForSagas } from './verification/verify-sagas.js';

// The AWS SDK warns once about Node.js 20 reaching its end of support: noise in a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The embedded DynamoDB Local lives for well under a minute: the JVM's quick compiler alone (C1)
// and the serial collector get it up to speed in a few seconds, where the default optimising
// compiler spends that time compiling (measured on 2 cores: the default run 43 s instead of 70 s).
// The JVM reads JAVA_TOOL_OPTIONS; set it yourself to override, or DYNAMODB_ENDPOINT to skip Java.
if (!process.env.DYNAMODB_ENDPOINT)
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

const CATCH_UP_TIMEOUT_MS = 120_000;
/** How long the demo's large transfers wait for an approval before the saga gives the money back. */
const APPROVAL_WINDOW_MS = 3_000;
const count = (value: number) => value.toLocaleString('en-US');

async function main(options: ScenarioOptions): Promise<number> {
  const started = performance.now();
  if (options.serve) {
    // Found out now, not after the whole workload ran.
    try {
      await assertPortAvailable(options.port);
    } catch (error) {
      if (!isPortInUseError(error)) throw error;
      console.error(`${error.message}; pick another with --port <n>, or run without --serve`);
      return 2;
    }
  }
  console.log(
    `Starting DynamoDB Local${process.env.DYNAMODB_ENDPOINT ? ` at ${process.env.DYNAMODB_ENDPOINT}` : ''}…`,
  );
  const local = await connectDynamoDBLocal();
  let projections: LocalProjections | undefined;
  let feed: LocalFeed | undefined;
  let publication: LocalPublication | undefined;
  let saga: LocalSaga | undefined;
  try {
    const runId = Date.now().toString(36);
    const tables = bankTableNames(`bank-${runId}`);
    await createBankTables(local.client, tables);
    const lag = new LagTracker();
    const app = createBankApp({
      client: local.client,
      tables,
      metrics: lag.metrics,
      approvalLimit: DEMO_APPROVAL_LIMIT,
    });
    const handler = createHttpApiHandler(app);
    projections = await startLocalProjections(local.client, tables, { lag });
    // The feed: a second consumer of the stream gives every event its global position.
    const feedTable = bankFeedTableName(tables.events);
    await createFeedTable(local.client, { tableName: feedTable });
    const feedLogs: string[] = [];
    feed = await startLocalFeed(local.client, { events: tables.events, feed: feedTable }, feedLogs);
    // Service 1 to service 2: the bank's public messages to Kinesis (kinesalite), fraud-watch consuming them.
    publication = await startLocalPublication(local.client, tables);
    // The large-transfer saga: a third consumer of the stream, and a deadline poller on a timer.
    const sagaLogs: string[] = [];
    saga = await startLocalSaga(app, local.client, tables, {
      approvalWindowMs: APPROVAL_WINDOW_MS,
      logs: sagaLogs,
    });
    const startupMs = performance.now() - started;

    console.log(
      `Opening ${count(options.accounts)} accounts, then running ${count(options.commands)} commands, ${options.concurrency} at a time…`,
    );
    const progress = createProgressBar(options.accounts + options.commands);
    const stats = await runScenario(handler, { ...options, runId }, (done, _total, now) =>
      progress.update(done, now),
    );
    progress.stop();
    // Fraud-watch starts late, while the bank catches up: it reads the Kinesis stream from its start.
    await publication.startConsumer();

    // The sagas move money after the last command (approvals, deadlines): let them end first.
    await waitForSagas(saga, stats.largeTransfers, APPROVAL_WINDOW_MS + CATCH_UP_TIMEOUT_MS);
    await saga.runner.waitForCaughtUp({ timeoutMs: CATCH_UP_TIMEOUT_MS }).catch(() => {});
    const caughtUp = await waitForProjections(projections);
    const feedCaughtUp = await feed.runner.waitForCaughtUp({ timeoutMs: CATCH_UP_TIMEOUT_MS }).then(
      () => true,
      (error: unknown) => (isCaughtUpTimeoutError(error) ? false : Promise.reject(error)),
    );
    console.log('Checking every read model against the event store…');
    const report: RunReport = {
      endpoint: local.endpoint,
      tables,
      options,
      stats,
      startupMs,
      ...caughtUp,
      lag: { maxMs: lag.maxMs, meanMs: lag.meanMs },
      runner: projections.runner.stats(),
      projectionLogs: projections.logs().length,
      verification: await verifyReadModels({ client: local.client, tables, http: { handler, sample: 50 } }),
      feed: { caughtUp: feedCaughtUp, logs: feedLogs.length, ...(await verifyFeed(local.client, feed.feed)) },
      totals: await app.queries.totals(),
      publication: await checkPublication(publication, local.client, tables.events, CATCH_UP_TIMEOUT_MS),
      sagas: await verifySagas(local.client, tables.events, saga, stats.decisions),
      totalMs: performance.now() - started,
    };
    console.log(formatReport(report));
    for (const line of projections.logs().slice(0, 5)) console.log(`  projection log: ${line.slice(0, 300)}`);
    for (const line of sagaLogs.slice(0, 5)) console.log(`  saga log: ${line.slice(0, 300)}`);
    if (options.serve) await serveUntilStopped(handler, options.port);
    return failures(report).length === 0 ? 0 : 1;
  } finally {
    await projections?.stop();
    await feed?.stop();
    await publication?.stop();
    await saga?.stop();
    await local.stop();
  }
}

async function waitForProjections(projections: LocalProjections) {
  const from = performance.now();
  try {
    await projections.runner.waitForCaughtUp({ timeoutMs: CATCH_UP_TIMEOUT_MS });
    return { caughtUp: true, catchUpMs: performance.now() - from };
  } catch (error) {
    if (!isCaughtUpTimeoutError(error)) throw error;
    return { caughtUp: false, catchUpMs: performance.now() - from };
  }
}

let options: ScenarioOptions | undefined;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof OptionsError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === undefined) console.log(USAGE);
else process.exitCode = await main(options);
