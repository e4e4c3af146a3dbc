import { readFile } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { countRequests } from '../../../test/support/request-counter.js';
import { apiGatewayEvent } from '../src/http/api-event.js';
import { createTestBank, send, type TestBank } from './support/bank.js';

/** Codes the HTTP layer answers before any command runs: not a single DynamoDB request is sent. */
const REFUSED_AT_THE_DOOR = [
  'INVALID_JSON',
  'INVALID_REQUEST',
  'INVALID_AMOUNT',
  'INVALID_CURRENCY',
  'INVALID_OWNER',
  'INVALID_ACCOUNT_ID',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'SAME_ACCOUNT_TRANSFER',
];

describe('HTTP API: bad input is a 4xx and writes nothing', () => {
  let bank: TestBank;
  let requests: () => number;
  /** Every item of the events and snapshots tables: what "nothing written" means. */
  let stored: () => Promise<number>;

  beforeAll(async () => {
    const client = createTestClient();
    bank = await createTestBank(client);
    await bank.call('POST', '/accounts', {
      accountId: 'ada',
      owner: 'Ada',
      currency: 'EUR',
      initialDeposit: 1000,
    });
    await bank.call('POST', '/accounts', { accountId: 'bob', owner: 'Bob', currency: 'EUR' });
    const counter = countRequests(client);
    requests = () => counter.count();
    const count = async (TableName: string) =>
      (await client.send(new ScanCommand({ TableName, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;
    stored = async () => (await count(bank.tables.events)) + (await count(bank.tables.snapshots));
  });

  const cases: [string, string, string, unknown, number, string][] = [
    ['malformed JSON', 'POST', '/accounts/ada/deposits', '{"amount": 12', 400, 'INVALID_JSON'],
    ['NaN is not JSON', 'POST', '/accounts/ada/deposits', '{"amount": NaN}', 400, 'INVALID_JSON'],
    ['a JSON array', 'POST', '/accounts/ada/deposits', '[1250]', 400, 'INVALID_JSON'],
    ['a JSON string', 'POST', '/transfers', '"hello"', 400, 'INVALID_JSON'],
    ['amount as a string', 'POST', '/accounts/ada/deposits', { amount: '1250' }, 400, 'INVALID_AMOUNT'],
    ['amount Infinity (1e400)', 'POST', '/accounts/ada/deposits', '{"amount": 1e400}', 400, 'INVALID_AMOUNT'],
    ['a fraction', 'POST', '/accounts/ada/withdrawals', { amount: 12.5 }, 400, 'INVALID_AMOUNT'],
    ['a negative amount', 'POST', '/accounts/ada/deposits', { amount: -5 }, 400, 'INVALID_AMOUNT'],
    ['a zero amount', 'POST', '/accounts/ada/deposits', { amount: 0 }, 400, 'INVALID_AMOUNT'],
    ['an amount over 10^15', 'POST', '/accounts/ada/deposits', { amount: 2 ** 53 }, 400, 'INVALID_AMOUNT'],
    ['a missing amount', 'POST', '/accounts/ada/deposits', {}, 400, 'INVALID_AMOUNT'],
    ['no body at all', 'POST', '/transfers', undefined, 400, 'INVALID_REQUEST'],
    ['an unknown field', 'POST', '/accounts/ada/deposits', { ammount: 5 }, 400, 'INVALID_REQUEST'],
    ['owner of the wrong type', 'POST', '/accounts', { owner: 5, currency: 'EUR' }, 400, 'INVALID_OWNER'],
    ['a blank owner', 'POST', '/accounts', { owner: '  ', currency: 'EUR' }, 400, 'INVALID_OWNER'],
    ['a bad currency', 'POST', '/accounts', { owner: 'Cy', currency: 'euro' }, 400, 'INVALID_CURRENCY'],
    [
      'a currency not in ISO 4217',
      'POST',
      '/accounts',
      { owner: 'Cy', currency: 'XYZ' },
      400,
      'INVALID_CURRENCY',
    ],
    [
      'a transfer in a made-up currency',
      'POST',
      '/transfers',
      { from: 'ada', to: 'bob', amount: 5, currency: 'ABC' },
      400,
      'INVALID_CURRENCY',
    ],
    [
      'a bad account id in a transfer',
      'POST',
      '/transfers',
      { from: 'a b', to: 'bob', amount: 5, currency: 'EUR' },
      400,
      'INVALID_ACCOUNT_ID',
    ],
    [
      'a bad request id',
      'POST',
      '/accounts/ada/deposits',
      { amount: 5, requestId: 'a b' },
      400,
      'INVALID_REQUEST',
    ],
    [
      'a transfer to itself',
      'POST',
      '/transfers',
      { from: 'ada', to: 'ada', amount: 5, currency: 'EUR' },
      400,
      'SAME_ACCOUNT_TRANSFER',
    ],
    ['an invalid account id', 'POST', '/accounts/a%20b/deposits', { amount: 5 }, 400, 'INVALID_ACCOUNT_ID'],
    ['a broken % escape', 'GET', '/accounts/%E0%A4%A', undefined, 400, 'INVALID_ACCOUNT_ID'],
    ['a transfer id without tr-', 'POST', '/transfers/abc/approve', undefined, 400, 'INVALID_TRANSFER_ID'],
    ['a transfer id with a space', 'GET', '/transfers/tr-a%20b', undefined, 400, 'INVALID_TRANSFER_ID'],
    [
      'a decision with a body field',
      'POST',
      '/transfers/tr-1/reject',
      { reason: 'x' },
      400,
      'INVALID_REQUEST',
    ],
    ['a bad page', 'GET', '/accounts/ada/statement?page=0', undefined, 400, 'INVALID_REQUEST'],
    ['an unknown route', 'GET', '/nowhere', undefined, 404, 'ROUTE_NOT_FOUND'],
    ['a wrong method', 'DELETE', '/accounts/ada', undefined, 405, 'METHOD_NOT_ALLOWED'],
    ['an unknown account', 'POST', '/accounts/nobody/deposits', { amount: 5 }, 404, 'ACCOUNT_NOT_OPEN'],
    ['an overdraft', 'POST', '/accounts/ada/withdrawals', { amount: 1001 }, 422, 'INSUFFICIENT_FUNDS'],
    [
      'another currency',
      'POST',
      '/accounts/ada/deposits',
      { amount: 5, currency: 'USD' },
      422,
      'CURRENCY_MISMATCH',
    ],
    ['closing with money in it', 'POST', '/accounts/ada/close', undefined, 422, 'NON_ZERO_BALANCE'],
    [
      'opening twice',
      'POST',
      '/accounts',
      { accountId: 'ada', owner: 'Ada', currency: 'EUR' },
      409,
      'ACCOUNT_ALREADY_OPEN',
    ],
  ];

  it.each(cases)('%s', async (_name, method, url, body, status, code) => {
    const before = await stored();
    const sent = requests();
    const answer = await bank.call(method, url, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(typeof answer.body.error.message).toBe('string');
    if (REFUSED_AT_THE_DOOR.includes(code)) expect(requests()).toBe(sent);
    expect(await stored()).toBe(before);
  });

  it('names every bad field at once', async () => {
    const answer = await bank.call('POST', '/transfers', {
      from: 1,
      amount: 1.5,
      currency: 'eur',
      extra: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_REQUEST');
    const details = answer.body.error.details as { field: string; code: string }[];
    expect(Object.fromEntries(details.map((issue) => [issue.field, issue.code]))).toEqual({
      amount: 'INVALID_AMOUNT',
      currency: 'INVALID_CURRENCY',
      extra: 'INVALID_REQUEST',
      from: 'INVALID_ACCOUNT_ID',
      to: 'INVALID_ACCOUNT_ID',
    });
  });

  it('answers the code of the field when every bad field is of one kind', async () => {
    const answer = await bank.call('POST', '/accounts', { owner: '', currency: 'EUR', initialDeposit: -1 });
    expect(answer.body.error.code).toBe('INVALID_REQUEST');
    const amountOnly = await bank.call('POST', '/accounts', {
      owner: 'Cy',
      currency: 'EUR',
      initialDeposit: -1,
    });
    expect(amountOnly.body.error).toMatchObject({
      code: 'INVALID_AMOUNT',
      details: [{ field: 'initialDeposit', code: 'INVALID_AMOUNT' }],
    });
  });

  it('answers every 400 code the README lists', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| 400 |')) ?? '';
    const documented = [...row.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]);
    const answered = new Set(cases.filter((c) => c[4] === 400).map((c) => c[5]));
    expect(documented.length).toBeGreaterThan(5);
    for (const code of documented) expect(answered, `no test answers ${code}`).toContain(code);
  });

  it('refuses a body over 16 KB with 413', async () => {
    const answer = await bank.call('POST', '/accounts', { owner: 'x'.repeat(20_000), currency: 'EUR' });
    expect(answer.status).toBe(413);
  });

  it('reads a base64-encoded body, as API Gateway may send it', async () => {
    const event = apiGatewayEvent({ method: 'POST', url: '/accounts/bob/deposits' });
    const body = Buffer.from(JSON.stringify({ amount: 5 })).toString('base64');
    const result = await bank.handler({ ...event, body, isBase64Encoded: true });
    expect(result.statusCode).toBe(200);
  });

  it('never answers 5xx, whatever the body and path, and writes nothing for a 4xx (property)', async () => {
    const paths = [
      '/accounts',
      '/accounts/ada/deposits',
      '/accounts/ada/withdrawals',
      '/transfers',
      '/accounts/ada/close',
    ];
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.dictionary(
        fc.constantFrom('amount', 'owner', 'currency', 'from', 'to', 'requestId', 'x'),
        fc.jsonValue(),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), bodies, async (url, body) => {
        const before = await stored();
        const answer = await send(bank.handler, {
          method: 'POST',
          url,
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        expect(answer.status).toBeLessThan(500);
        // Random bodies are sometimes valid commands; those may write. A refused one never does.
        if (answer.status >= 400) {
          expect(answer.body.error.code).toMatch(/^[A-Z_]+$/);
          expect(await stored()).toBe(before);
        }
      }),
      { seed: propertySeed('random POST bodies'), numRuns: 60 },
    );
  });
});
