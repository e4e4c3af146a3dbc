import { type OutgoingHttpHeaders, request } from 'node:http';
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
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_AMOUNT');
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });

  // The client sends 2 MB of a 10 MB body and then nothing more: a server that needs the whole body
  // before answering never answers, and one that resets the connection gives no answer either.
  it.each([
    ['declares its 10 MB length', { 'content-length': 10 * 1024 * 1024 }],
    ['is chunked', {}],
  ])('answers 413 to a huge body that %s, having read only part of it', async (_how, headers) => {
    const answer = await postPartOfBody(`${server.url}/accounts`, headers, 2 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

/**
 * POSTs the first `bytes` bytes of a body, never the rest, and resolves with the server's answer.
 * Rejects if the connection fails before an answer comes, or if none comes within 5 s.
 */
function postPartOfBody(url: string, headers: OutgoingHttpHeaders, bytes: number) {
  return new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const outgoing = request(url, { method: 'POST', headers });
    const fail = (error: unknown) => {
      clearTimeout(timer);
      outgoing.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('no answer within 5 s')), 5_000);
    outgoing.on('error', fail);
    outgoing.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode, body: Buffer.concat(parts).toString() });
        outgoing.destroy();
      });
    });
    let sent = 0;
    const send = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!outgoing.write(chunk)) return void outgoing.once('drain', send);
      }
    };
    send();
  });
}
