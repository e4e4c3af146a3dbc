import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../src/http/local-server.js';
import { createTestBank } from './support/bank.js';

describe('local HTTP server', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer((await createTestBank()).handler, { port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves the Lambda handler: what curl would see', async () => {
    const opened = await fetch(`${server.url}/accounts`, {
      method: 'POST',
      // curl -d sends this content type; the body is JSON all the same.
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'srv-1' },
      body: JSON.stringify({ owner: 'Ada', currency: 'EUR', initialDeposit: 1250 }),
    });
    expect(opened.status).toBe(201);
    const account = (await opened.json()) as { accountId: string; balance: number };
    expect(account.balance).toBe(1250);
    expect(opened.headers.get('location')).toBe(`/accounts/${account.accountId}`);
    const bad = await fetch(`${server.url}/accounts/${account.accountId}/deposits`, {
      method: 'POST',
      body: '{"amount": 1.5}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });

  it('refuses a huge body without reading it all', async () => {
    const answer = await fetch(`${server.url}/accounts`, {
      method: 'POST',
      body: 'x'.repeat(2 * 1024 * 1024),
    }).catch(() => undefined);
    // Either the 413 arrives, or the server closed the connection while the client was still sending.
    if (answer) expect(answer.status).toBe(413);
  });
});
