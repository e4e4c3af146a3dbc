import { apiGatewayEvent } from '../../src/http/api-event.js';
import type { HttpApiHandler } from '../../src/http/http-api-handler.js';
import { startLocalServer } from '../../src/http/local-server.js';

/**
 * Serves the HTTP API on localhost until SIGINT or SIGTERM, after opening two demo accounts and
 * printing `curl` commands that use them.
 */
export async function serveUntilStopped(handler: HttpApiHandler, port: number): Promise<void> {
  const server = await startLocalServer(handler, { port });
  for (const [accountId, owner] of [
    ['alice', 'Alice'],
    ['bob', 'Bob'],
  ] as const) {
    const body = JSON.stringify({
      accountId,
      owner,
      currency: 'EUR',
      initialDeposit: 100_00,
      requestId: `open-${accountId}`,
    });
    await handler(apiGatewayEvent({ method: 'POST', url: '/accounts', body }));
  }
  const url = server.url;
  console.log(`
The bank is open at ${url} (Ctrl-C to stop). Try:

  curl -s ${url}/accounts/alice
  curl -s -X POST ${url}/accounts/alice/deposits -d '{"amount": 1250, "requestId": "my-deposit-1"}'
  curl -s -X POST ${url}/transfers -d '{"from": "alice", "to": "bob", "amount": 500, "currency": "EUR"}'
  curl -s ${url}/accounts/bob/statement
  curl -s -X POST ${url}/accounts -d '{"owner": "Carol", "currency": "USD", "initialDeposit": 2000}'
  curl -s -X POST ${url}/accounts/bob/withdrawals -d '{"amount": 1.5}'      # 400: not a whole number of cents
  curl -s -X POST ${url}/accounts/bob/close                                  # 422: the balance is not zero
  curl -s ${url}/bank

Amounts are integers in minor units (1250 = 12.50 EUR). Re-sending a request with the same
requestId applies it once. GETs read the projections, which trail the commands by a moment.
`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  console.log('Stopping…');
  await server.close();
}
