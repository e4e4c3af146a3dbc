/**
 * `npm run smoke:aws`: the bank example on real AWS, end to end. With credentials and a region it
 * deploys the stack under a unique name (events table destroyable, by explicit opt-in), drives a
 * short scenario through the real HTTP API, waits for the real stream (Lambda's event source
 * mapping) to project it, checks every read model against the events and the feed the indexer built, measures commands run from
 * here with `ReturnConsumedCapacity`, prints requests, latency and capacity, and destroys the stack.
 * Without credentials it says so and exits 0. See examples/bank-account/infra/README.md (costs).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { verifyFeed } from '../../demo/verification/verify-feed.js';
import { verifyReadModels } from '../../demo/verification/verify-read-models.js';
import { createBankApp } from '../../src/app/bank-app.js';
import type { BankTables } from '../../src/app/tables.js';
import { createBankFeed } from '../../src/feed/bank-feed.js';
import { meterCapacity } from './capacity-meter.js';
import { credentialSource, regionFromEnvironment } from './credentials.js';
import { ApiClient } from './http-client.js';

const INFRA = fileURLToPath(new URL('..', import.meta.url));
const PROJECTION_TIMEOUT_MS = 180_000;

interface StackOutputs {
  readonly ApiUrl: string;
  readonly EventsTableName: string;
  readonly SnapshotsTableName: string;
  readonly IdempotencyTableName: string;
  readonly ReadModelTableName: string;
  readonly FeedTableName: string;
}

async function main(): Promise<number> {
  const source = credentialSource(process.env, homedir());
  if (!source) {
    console.log(
      'smoke:aws: no AWS credentials found (no AWS_ACCESS_KEY_ID, AWS_PROFILE, web identity, container ' +
        'credentials or ~/.aws files): nothing deployed, nothing to check. Set credentials and a region to run it.',
    );
    return 0;
  }
  // The SDK's chain would otherwise probe the EC2 instance metadata service when nothing else answers.
  process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const stackName = process.env.SMOKE_AWS_STACK_NAME ?? `DynamoEsSmoke-${runId}`;
  console.log(
    `smoke:aws: credentials from ${source}, region ${regionFromEnvironment(process.env) ?? 'of the profile'}`,
  );
  console.log(`smoke:aws: deploying ${stackName} (a few minutes; it is destroyed at the end)…`);
  const outputsFile = join(tmpdir(), `${stackName}-outputs.json`);
  const context = ['-c', `stackName=${stackName}`, '-c', 'removalPolicy=destroy'];
  let failed = false;
  try {
    await cdk([
      'deploy',
      stackName,
      ...context,
      '--require-approval',
      'never',
      '--outputs-file',
      outputsFile,
    ]);
    const outputs = JSON.parse(await readFile(outputsFile, 'utf8'))[stackName] as StackOutputs;
    failed = !(await exercise(outputs, runId));
  } catch (error) {
    failed = true;
    console.error(`smoke:aws: ${(error as Error).message}`);
  } finally {
    if (process.env.SMOKE_AWS_KEEP === '1') {
      console.log(
        `smoke:aws: SMOKE_AWS_KEEP=1: ${stackName} left deployed; npx cdk destroy ${stackName} -c stackName=${stackName} -c removalPolicy=destroy`,
      );
    } else {
      console.log(`smoke:aws: destroying ${stackName} (events table included)…`);
      await cdk(['destroy', stackName, ...context, '--force']).catch((error: unknown) => {
        failed = true;
        console.error(`smoke:aws: destroy failed, delete ${stackName} by hand: ${(error as Error).message}`);
      });
    }
  }
  console.log(failed ? 'smoke:aws: FAILED' : 'smoke:aws: OK');
  return failed ? 1 : 0;
}

/** The scenario against the deployed stack; true when every check passed. */
async function exercise(outputs: StackOutputs, runId: string): Promise<boolean> {
  const tables: BankTables = {
    events: outputs.EventsTableName,
    snapshots: outputs.SnapshotsTableName,
    idempotency: outputs.IdempotencyTableName,
    readModels: outputs.ReadModelTableName,
  };
  const api = new ApiClient(outputs.ApiUrl);
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const [alice, bob] = [`alice-${runId}`, `bob-${runId}`];
  for (const [accountId, owner] of [
    [alice, 'Alice'],
    [bob, 'Bob'],
  ] as const) {
    const opened = await api.call('POST', '/accounts', {
      accountId,
      owner,
      currency: 'EUR',
      initialDeposit: 10_000,
    });
    expect(opened.status === 201, `open ${accountId}: ${opened.status}`);
  }
  for (let i = 0; i < 5; i++) {
    const deposit = await api.call('POST', `/accounts/${alice}/deposits`, {
      amount: 100 + i,
      requestId: `d-${runId}-${i}`,
    });
    expect(deposit.status === 200, `deposit ${i}: ${deposit.status}`);
  }
  const again = await api.call('POST', `/accounts/${alice}/deposits`, {
    amount: 100,
    requestId: `d-${runId}-0`,
  });
  expect((again.body as { replayed?: boolean })?.replayed === true, 'a re-sent deposit is recognised');
  for (let i = 0; i < 3; i++) {
    const transfer = await api.call('POST', '/transfers', {
      from: alice,
      to: bob,
      amount: 250,
      currency: 'EUR',
    });
    expect(transfer.status === 201, `transfer ${i}: ${transfer.status}`);
  }
  const withdrawal = await api.call('POST', `/accounts/${bob}/withdrawals`, { amount: 50 });
  expect(withdrawal.status === 200, `withdrawal: ${withdrawal.status}`);
  const bad = await api.call('POST', '/accounts', { owner: 'Eve', currency: 'XYZ' });
  expect((bad.body as { error?: { code?: string } })?.error?.code === 'INVALID_CURRENCY', 'XYZ is refused');

  // The same commands from here, on the real tables, with the capacity DynamoDB reports.
  const client = new DynamoDBClient({});
  const meter = meterCapacity(client);
  const app = createBankApp({ client, tables, onSnapshotError: () => {} });
  const carol = `carol-${runId}`;
  await app.bank.open(
    { accountId: carol, owner: 'Carol', currency: 'EUR', initialDeposit: 1_000 },
    { requestId: `o-${runId}` },
  );
  const measured: [string, () => Promise<unknown>][] = [
    ['deposit (load + 1 event)', () => app.bank.deposit({ accountId: carol, amount: 10 })],
    [
      'transfer (2 streams, 1 transaction)',
      () => app.bank.transfer({ from: carol, to: bob, amount: 5, currency: 'EUR' }),
    ],
    ['read the stream', () => app.store.readStream(carol)],
  ];
  const capacity: string[] = [];
  for (const [name, operation] of measured) {
    meter.reset();
    await operation();
    const total = meter.total();
    capacity.push(
      `  ${name.padEnd(38)} ${total.requests} requests, ${total.writeCapacityUnits} WCU, ${total.readCapacityUnits} RCU`,
    );
  }

  console.log('smoke:aws: waiting for the projections (DynamoDB Stream → Lambda)…');
  const started = performance.now();
  for (const accountId of [alice, bob, carol]) {
    const version = await app.store.streamVersion(accountId);
    const caughtUp = await until(async () => {
      const answer = await api.call('GET', `/accounts/${accountId}`);
      return (answer.body as { version?: number })?.version === version;
    }, PROJECTION_TIMEOUT_MS);
    expect(caughtUp, `${accountId}'s summary reached version ${version}`);
  }
  const projectionMs = performance.now() - started;
  meter.reset();
  const verification = await verifyReadModels({
    client,
    tables,
    http: { handler: api.asHandler(), sample: 3 },
  });
  const verifyCapacity = meter.total();
  expect(verification.mismatchCount === 0, `${verification.mismatchCount} read-model mismatches`);
  expect(verification.integrityProblemCount === 0, `${verification.integrityProblemCount} broken invariants`);
  expect(verification.deadLetters === 0, `${verification.deadLetters} dead letters`);

  console.log('smoke:aws: waiting for the feed indexer (a second Lambda on the same stream)…');
  const { feed } = createBankFeed({ client, eventsTable: tables.events, feedTable: outputs.FeedTableName });
  const feedStarted = performance.now();
  for (const accountId of [alice, bob, carol]) {
    const version = await app.store.streamVersion(accountId);
    const indexed = await until(
      async () => ((await feed.streamPosition(accountId))?.version ?? 0) >= version,
      PROJECTION_TIMEOUT_MS,
    );
    expect(indexed, `${accountId} reached version ${version} in the feed`);
  }
  const feedMs = performance.now() - feedStarted;
  const feedCheck = await verifyFeed(client, feed);
  expect(feedCheck.problems === 0, `${feedCheck.problems} feed problems (validateFeed)`);
  expect(
    feedCheck.auditMismatches === 0 && feedCheck.auditLines === feedCheck.auditExpected,
    `audit trail: ${feedCheck.auditLines} lines for ${feedCheck.auditExpected} events, ${feedCheck.auditMismatches} wrong`,
  );

  const latency = api.latency();
  const statuses = new Map<number, number>();
  for (const sent of api.sent) statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1);
  console.log(
    [
      'smoke:aws report',
      `  HTTP requests        ${api.sent.length} (${[...statuses].map(([status, n]) => `${n}× ${status}`).join(', ')})`,
      `  HTTP latency         p50 ${latency.p50.toFixed(0)} ms, p95 ${latency.p95.toFixed(0)} ms, max ${latency.max.toFixed(0)} ms (from this machine)`,
      `  projections          caught up ${(projectionMs / 1000).toFixed(1)} s after the last command`,
      `  feed                 indexed ${(feedMs / 1000).toFixed(1)} s after the projections; ${feedCheck.positions} positions for ${feedCheck.events} events, ${feedCheck.problems} problems; audit trail ${feedCheck.auditLines} lines`,
      '  capacity consumed (ReturnConsumedCapacity, commands sent from here):',
      ...capacity,
      `  verification         ${verification.accounts} accounts, ${verification.events} events, ${verification.summariesChecked} summaries, ${verification.statementPagesChecked} statement pages: ${verification.mismatchCount} mismatches, ${verification.integrityProblemCount} broken invariants; reading them cost ${verifyCapacity.requests} requests, ${verifyCapacity.readCapacityUnits} RCU`,
      ...problems.map((problem) => `  PROBLEM              ${problem}`),
    ].join('\n'),
  );
  client.destroy();
  return problems.length === 0;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return false;
}

/** The CDK CLI of the infra workspace, in its folder (cdk.json), output shown as it comes. */
function cdk(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['cdk', ...args], { cwd: INFRA, stdio: 'inherit', env: process.env });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cdk ${args[0]} exited with ${code}`)),
    );
  });
}

process.exitCode = await main();
