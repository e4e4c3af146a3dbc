import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testClient, uniqueId } from '../../../../test/support/dynamodb.js';
import { type BankApp, createBankApp } from '../../src/app/bank-app.js';
import { type BankTables, bankTableNames, createBankTables } from '../../src/app/tables.js';
import { apiGatewayEvent, type HttpRequest } from '../../src/http/api-event.js';
import { createHttpApiHandler, type HttpApiHandler } from '../../src/http/http-api-handler.js';

/** A bank on tables of its own in the test run's DynamoDB Local. */
export interface TestBank extends BankApp {
  readonly client: DynamoDBClient;
  readonly tables: BankTables;
  readonly handler: HttpApiHandler;
  /** Opens an account of a fresh unique id (`<owner>-…`), with an optional first deposit; its id. */
  openAccount(owner: string, initialDeposit?: number, currency?: string): Promise<string>;
  /** Sends a request through the HTTP handler; the body parsed. */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  readonly body: any;
  readonly headers: Record<string, unknown>;
}

export async function createTestBank(
  client: DynamoDBClient = testClient(),
  options: { readonly approvalLimit?: number } = {},
): Promise<TestBank> {
  const tables = bankTableNames(uniqueId('bank'));
  await createBankTables(client, tables);
  const app = createBankApp({ client, tables, onSnapshotError: () => {}, ...options });
  const handler = createHttpApiHandler({ ...app, logError: () => {} });
  return {
    ...app,
    client,
    tables,
    handler,
    openAccount: async (owner, initialDeposit, currency = 'EUR') =>
      (
        await app.bank.open({
          accountId: uniqueId(owner),
          owner,
          currency,
          ...(initialDeposit ? { initialDeposit } : {}),
        })
      ).accountId,
    call: (method, url, body, headers) =>
      send(handler, {
        method,
        url,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        ...(headers ? { headers } : {}),
      }),
  };
}

export async function send(handler: HttpApiHandler, request: HttpRequest): Promise<Answer> {
  const result = await handler(apiGatewayEvent(request));
  return {
    status: result.statusCode ?? 200,
    body: result.body ? JSON.parse(result.body) : undefined,
    headers: result.headers ?? {},
  };
}
