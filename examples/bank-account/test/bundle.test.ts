import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testEndpoint, uniqueId } from '../../../test/support/dynamodb.js';
import { bundleLambdas } from '../scripts/bundle.js';
import { bankTableNames, createBankTables } from '../src/app/tables.js';

// The documented bundling path (`npm run bundle`) works with no build of the packages, and the
// bundles behave in a plain Node.js process as Lambda runs them: JSON log lines carrying the
// request id and cold start, metrics flushed once per invocation.

let outdir: string;
beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'bank-bundle-'));
  const result = await bundleLambdas({ outdir, minify: false });
  expect(result.errors).toEqual([]);
});
afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

/** Runs `lines` as an ES module beside the bundles; its stdout lines. */
async function runBeside(lines: string[], env: Record<string, string>): Promise<string[]> {
  const probe = join(outdir, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(probe, lines.join('\n'));
  const { stdout } = await promisify(execFile)(process.execPath, [probe], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      EVENTS_TABLE_NAME: 'events',
      SNAPSHOTS_TABLE_NAME: 'snapshots',
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      READ_MODEL_TABLE_NAME: 'read-models',
      ...env,
    },
  });
  return stdout.trim().split('\n');
}

/** An API Gateway HTTP API event, as source text for the probe. */
const event = (method: string, path: string, body?: unknown) =>
  JSON.stringify({
    version: '2.0',
    rawPath: path,
    headers: {},
    requestContext: { http: { method, path }, stage: '$default' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('npm run bundle', () => {
  it('bundles every Lambda entry point from the TypeScript sources, and they run', async () => {
    const lines = await runBeside(
      [
        "const http = await import('./http-api.mjs');",
        "const projections = await import('./projections.mjs');",
        "const feed = await import('./feed-indexer.mjs');",
        "const sagas = await import('./large-transfers.mjs');",
        `const answer = await http.handler(${event('GET', '/nowhere')}, { awsRequestId: 'probe' });`,
        "const none = await projections.handler({ Records: [] }, { awsRequestId: 'probe' });",
        "const indexed = await feed.handler({ Records: [] }, { awsRequestId: 'probe' });",
        "const reacted = await sagas.handler({ Records: [] }, { awsRequestId: 'probe' });",
        'console.log(JSON.stringify({ status: answer.statusCode, code: JSON.parse(answer.body).error.code, none, indexed, reacted, deadlines: typeof sagas.deadlines }));',
      ],
      { FEED_TABLE_NAME: 'bundle-probe-feed' },
    );
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      none: { batchItemFailures: [] },
      indexed: { batchItemFailures: [] },
      reacted: { batchItemFailures: [] },
      deadlines: 'function',
    });
  });

  it('flushes metrics once per invocation, as one EMF line', async () => {
    const tables = bankTableNames(uniqueId('bundle'));
    await createBankTables(testClient(), tables);
    const open = { accountId: 'ada', owner: 'Ada', currency: 'EUR', initialDeposit: 5 };
    const lines = await runBeside(
      [
        "const { handler } = await import('./http-api.mjs');",
        `await handler(${event('POST', '/accounts', open)}, { awsRequestId: 'r-1' });`,
        `await handler(${event('POST', '/accounts/ada/deposits', { amount: 5 })}, { awsRequestId: 'r-2' });`,
        `await handler(${event('POST', '/accounts/ada/deposits', { amount: 7 })}, { awsRequestId: 'r-3' });`,
      ],
      {
        AWS_ENDPOINT_URL_DYNAMODB: testEndpoint(),
        EVENTS_TABLE_NAME: tables.events,
        SNAPSHOTS_TABLE_NAME: tables.snapshots,
        IDEMPOTENCY_TABLE_NAME: tables.idempotency,
        READ_MODEL_TABLE_NAME: tables.readModels,
      },
    );
    const emf = lines.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
    expect(emf).toHaveLength(3);
    for (const line of emf) {
      expect(line).toMatchObject({
        service: 'bank-http',
        _aws: { CloudWatchMetrics: [{ Namespace: 'DynamoEsBank' }] },
      });
    }
    // Opening with an initial deposit appends two events in one append.
    expect(emf.map((line) => line.EventsAppended)).toEqual([2, 1, 1]);
  });

  it('logs a failed request as one JSON line with the request id and the cold start', async () => {
    const lines = await runBeside(
      [
        "const { handler } = await import('./http-api.mjs');",
        "const context = (id) => ({ awsRequestId: id, functionName: 'bank-http' });",
        `const first = await handler(${event('GET', '/accounts/ada')}, context('r-1'));`,
        `await handler(${event('GET', '/accounts/bob')}, context('r-2'));`,
        "console.log(JSON.stringify({ status: first.statusCode, retryAfter: first.headers['retry-after'] }));",
      ],
      { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1', AWS_MAX_ATTEMPTS: '1' },
    );
    const logged = lines.filter((line) => line.includes('"level"')).map((line) => JSON.parse(line));
    expect(logged.map((line) => [line.level, line.function_request_id, line.cold_start])).toEqual([
      ['ERROR', 'r-1', true],
      ['ERROR', 'r-2', false],
    ]);
    expect(logged[0]).toMatchObject({
      message: 'request failed',
      service: 'bank-http',
      path: '/accounts/ada',
    });
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({ status: 503, retryAfter: '5' });
  });
});
