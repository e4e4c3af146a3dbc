import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createEventTable, createIdempotencyTable, createSnapshotTable } from '@dynamo-es/event-store';
import { createReadModelTable } from '@dynamo-es/projections';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyHandlerV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testEndpoint } from '../support/dynamodb.js';

// Scenario 7, the bank-account example's deployed entry point: the Lambda handler of the HTTP API
// (`examples/bank-account/src/lambda/http-api.ts`), loaded as Lambda loads it (table names from the
// environment, a `new DynamoDBClient({})` pointed at DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB).
// Hostile requests must get a 4xx JSON error and write nothing.

const prefix = `http-${randomUUID().slice(0, 8)}`;
const tables = {
  events: `${prefix}-events`,
  snapshots: `${prefix}-snapshots`,
  idempotency: `${prefix}-idempotency`,
  readModels: `${prefix}-read-models`,
};
let handler: APIGatewayProxyHandlerV2;

beforeAll(async () => {
  const client = testClient();
  await Promise.all([
    createEventTable(client, { tableName: tables.events }),
    createSnapshotTable(client, { tableName: tables.snapshots }),
    createIdempotencyTable(client, { tableName: tables.idempotency }),
    createReadModelTable(client, { tableName: tables.readModels }),
  ]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: testEndpoint(),
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    EVENTS_TABLE_NAME: tables.events,
    SNAPSHOTS_TABLE_NAME: tables.snapshots,
    IDEMPOTENCY_TABLE_NAME: tables.idempotency,
    READ_MODEL_TABLE_NAME: tables.readModels,
  });
  ({ handler } = await import('../../examples/bank-account/src/lambda/http-api.js'));
});
afterAll(async () => {
  await Promise.all(
    Object.values(tables).map((TableName) =>
      testClient()
        .send(new DeleteTableCommand({ TableName }))
        .catch(() => undefined),
    ),
  );
});

/** An API Gateway HTTP API (payload 2.0) event, built by hand as API Gateway would. */
function apiEvent(
  method: string,
  path: string,
  body?: string,
  isBase64Encoded = false,
): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = path.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: 'reliability',
      apiId: 'reliability',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'reliability' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  };
}

async function call(method: string, path: string, body?: unknown, isBase64Encoded = false) {
  const text = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const result = (await handler(apiEvent(method, path, text, isBase64Encoded), {} as Context, () => {})) as
    | APIGatewayProxyStructuredResultV2
    | string;
  expect(typeof result).toBe('object');
  const reply = result as APIGatewayProxyStructuredResultV2;
  return { status: reply.statusCode ?? 0, body: JSON.parse(String(reply.body ?? 'null')) as unknown };
}

/** Items in the events, snapshots and idempotency tables: "nothing written" means this does not change. */
async function storedItems(): Promise<number> {
  let total = 0;
  for (const TableName of [tables.events, tables.snapshots, tables.idempotency]) {
    total +=
      (await testClient().send(new ScanCommand({ TableName, Select: 'COUNT', ConsistentRead: true })))
        .Count ?? 0;
  }
  return total;
}

const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

const CASES: [string, string, string, unknown][] = [
  ['malformed JSON', 'POST', '/accounts/ada/deposits', '{"amount": 12'],
  ['a bare NaN', 'POST', '/accounts/ada/deposits', '{"amount": NaN}'],
  ['"NaN" as a string', 'POST', '/accounts/ada/deposits', { amount: 'NaN' }],
  ['"Infinity" as a string', 'POST', '/accounts/ada/deposits', { amount: 'Infinity' }],
  ['1e400', 'POST', '/accounts/ada/deposits', '{"amount": 1e400}'],
  ['-1e400', 'POST', '/accounts/ada/withdrawals', '{"amount": -1e400}'],
  ['an amount as a numeric string', 'POST', '/accounts/ada/deposits', { amount: '100' }],
  ['a fractional amount', 'POST', '/accounts/ada/deposits', { amount: 0.1 }],
  ['a negative amount', 'POST', '/accounts/ada/deposits', { amount: -5 }],
  ['a huge amount', 'POST', '/accounts/ada/deposits', { amount: 1e300 }],
  ['an amount as an object', 'POST', '/accounts/ada/deposits', { amount: { value: 1 } }],
  ['a missing amount', 'POST', '/accounts/ada/deposits', {}],
  ['an empty body', 'POST', '/accounts/ada/deposits', ''],
  ['no body', 'POST', '/accounts/ada/deposits', undefined],
  ['a JSON array', 'POST', '/accounts', '[]'],
  ['null', 'POST', '/accounts', 'null'],
  ['a missing owner', 'POST', '/accounts', { currency: 'EUR' }],
  ['an owner that is a number', 'POST', '/accounts', { owner: 42, currency: 'EUR' }],
  ['an owner over 400 KB', 'POST', '/accounts', { owner: 'A'.repeat(410 * 1024), currency: 'EUR' }],
  ['an unknown currency', 'POST', '/accounts', { owner: 'Ada', currency: 'XXXX' }],
  ['an unknown field', 'POST', '/accounts', { owner: 'Ada', currency: 'EUR', admin: true }],
  ['a deeply nested body', 'POST', '/accounts', { owner: 'Ada', currency: 'EUR', extra: nested(200) }],
  [
    'an initial deposit of NaN',
    'POST',
    '/accounts',
    { owner: 'Ada', currency: 'EUR', initialDeposit: 'NaN' },
  ],
  [
    'an account id with control characters',
    'POST',
    '/accounts',
    { owner: 'Ada', currency: 'EUR', accountId: 'a\nb' },
  ],
  [
    'an over-long account id',
    'POST',
    '/accounts',
    { owner: 'Ada', currency: 'EUR', accountId: 'a'.repeat(2000) },
  ],
  ['an account id in the path with %00', 'POST', '/accounts/ada%00/deposits', { amount: 5 }],
  ['a malformed % escape', 'POST', '/accounts/%E0%A4%A/deposits', { amount: 5 }],
  [
    'a transfer to the same account',
    'POST',
    '/transfers',
    { from: 'ada', to: 'ada', amount: 5, currency: 'EUR' },
  ],
  [
    'a transfer with amount "1e400"',
    'POST',
    '/transfers',
    { from: 'ada', to: 'bob', amount: '1e400', currency: 'EUR' },
  ],
  ['a transfer missing its target', 'POST', '/transfers', { from: 'ada', amount: 5, currency: 'EUR' }],
  ['an unknown route', 'POST', '/accounts/ada/loans', { amount: 5 }],
  ['an unknown top-level route', 'GET', '/admin', undefined],
  ['a wrong method', 'DELETE', '/accounts/ada', undefined],
  ['a bad page number', 'GET', '/accounts/ada/statement?page=-1', undefined],
];

describe('the bank-account HTTP API Lambda handler', () => {
  it('works for a valid request (so the 4xx below are about the input)', async () => {
    const opened = await call('POST', '/accounts', {
      accountId: 'ada',
      owner: 'Ada',
      currency: 'EUR',
      initialDeposit: 100,
    });
    expect(opened.status).toBeGreaterThanOrEqual(200);
    expect(opened.status).toBeLessThan(300);
    await call('POST', '/accounts', { accountId: 'bob', owner: 'Bob', currency: 'EUR' });
  });

  it.each(CASES)('answers %s with a 4xx JSON error and writes nothing', async (_, method, path, body) => {
    const before = await storedItems();
    const reply = await call(method, path, body);
    expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
    expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
    expect(reply.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(await storedItems()).toBe(before);
  });

  it('answers a base64 body that is not JSON with a 4xx', async () => {
    const before = await storedItems();
    const reply = await call(
      'POST',
      '/accounts/ada/deposits',
      Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
      true,
    );
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(await storedItems()).toBe(before);
  });
});
