import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankApp } from '../src/app/bank-app.js';
import { bankTableNames } from '../src/app/tables.js';
import { isCurrencyCode } from '../src/domain/currencies.js';
import { apiGatewayEvent, splitRequestTarget } from '../src/http/api-event.js';
import { createHttpApiHandler } from '../src/http/http-api-handler.js';
import {
  assertPortAvailable,
  isPortInUseError,
  type LocalServer,
  PortInUseError,
  startLocalServer,
} from '../src/http/local-server.js';
import { pathWithoutStage } from '../src/http/routes.js';
import { createTestBank, send, type TestBank } from './support/bank.js';

// The HTTP layer's defects found by trying the example as a user would, one test each.

let bank: TestBank;
beforeAll(async () => {
  bank = await createTestBank();
  await bank.call('POST', '/accounts', {
    accountId: 'alice',
    owner: 'Alice',
    currency: 'EUR',
    initialDeposit: 500,
  });
});

describe('routing behind a named API Gateway stage', () => {
  it('routes /prod/accounts on the prod stage as /accounts', async () => {
    const opened = await send(bank.handler, {
      method: 'POST',
      url: '/accounts',
      stage: 'prod',
      body: JSON.stringify({ owner: 'Pat', currency: 'EUR' }),
    });
    expect(opened.status).toBe(201);
    const deposit = await send(bank.handler, {
      method: 'POST',
      url: `/accounts/${opened.body.accountId}/deposits`,
      stage: 'prod',
      body: '{"amount": 5}',
    });
    expect(deposit.status).toBe(200);
    expect(deposit.body.balance).toBe(5);
  });

  it('still tells an unknown route and a wrong method apart on a named stage', async () => {
    expect(
      (await send(bank.handler, { method: 'GET', url: '/nowhere', stage: 'prod' })).body.error.code,
    ).toBe('ROUTE_NOT_FOUND');
    expect((await send(bank.handler, { method: 'GET', url: '/transfers', stage: 'prod' })).status).toBe(405);
  });

  it('strips only a leading stage segment', () => {
    expect(pathWithoutStage('/prod/accounts/a', 'prod')).toBe('/accounts/a');
    expect(pathWithoutStage('/prod', 'prod')).toBe('/');
    expect(pathWithoutStage('/production/accounts', 'prod')).toBe('/production/accounts');
    expect(pathWithoutStage('/prod/accounts', '$default')).toBe('/prod/accounts');
    expect(pathWithoutStage('/accounts', undefined)).toBe('/accounts');
  });
});

describe('request targets starting with //', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer(bank.handler, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('are paths, not a host: //evil.com/accounts/alice is no route', async () => {
    expect(splitRequestTarget('//evil.com/accounts/alice?page=2')).toEqual({
      path: '//evil.com/accounts/alice',
      search: 'page=2',
    });
    const answer = await rawGet(server.url, '//evil.com/accounts/alice');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('//accounts/alice is not GET /alice either', async () => {
    const answer = await rawGet(server.url, '//accounts/alice');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error.message).toContain('//accounts/alice');
  });

  it('keep their query string', () => {
    const event = apiGatewayEvent({ method: 'GET', url: '/accounts/a/statement?page=2&page=3' });
    expect(event.rawPath).toBe('/accounts/a/statement');
    expect(event.queryStringParameters).toEqual({ page: '2,3' });
  });
});

describe('a port in use', () => {
  it('is a PortInUseError before anything runs, from the check and from the server', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const checked = await assertPortAvailable(port).catch((error: unknown) => error);
      expect(isPortInUseError(checked)).toBe(true);
      expect((checked as PortInUseError).message).toBe(
        `Port ${port} on 127.0.0.1 is already in use by another process`,
      );
      await expect(startLocalServer(bank.handler, { port })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await expect(assertPortAvailable(port)).resolves.toBeUndefined();
  });
});

describe('DynamoDB unreachable', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, to commands and queries, and logs it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const logged: Record<string, unknown>[] = [];
    const handler = createHttpApiHandler({
      ...createBankApp({ client, tables: bankTableNames('unreachable') }),
      logError: (entry) => logged.push(entry),
    });
    for (const request of [
      { method: 'GET', url: '/accounts/alice' },
      { method: 'POST', url: '/accounts/alice/deposits', body: '{"amount": 5}' },
    ]) {
      const answer = await send(handler, request);
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(answer.headers['retry-after']).toBe('5');
    }
    expect(logged).toHaveLength(2);
    client.destroy();
  });
});

describe('a 10 MB body', () => {
  it('is a 413 from the Lambda handler, as API Gateway would pass it', async () => {
    const answer = await bank.call('POST', '/accounts', `{"owner": "${'x'.repeat(10 * 1024 * 1024)}"}`);
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('currencies', () => {
  it('are ISO 4217 codes in circulation', () => {
    for (const code of ['EUR', 'USD', 'JPY', 'GBP', 'CHF', 'XOF']) expect(isCurrencyCode(code)).toBe(true);
    for (const code of ['XYZ', 'ABC', 'XXX', 'XTS', 'DEM', 'eur', 'EURO', ''])
      expect(isCurrencyCode(code)).toBe(false);
  });
});

/** A GET whose request target is sent exactly as given (fetch would normalise `//`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, path, method: 'GET' }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString() }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
