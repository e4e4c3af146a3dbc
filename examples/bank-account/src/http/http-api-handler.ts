import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { assertAccountId, assertTransferId } from '../application/account-id.js';
import type { Bank } from '../application/bank.js';
import type { BankQueries } from '../projections/bank-queries.js';
import {
  parseCloseAccount,
  parseDecision,
  parseMoveMoney,
  parseOpenAccount,
  parsePage,
  parseTransfer,
} from './commands.js';
import { errorReply } from './error-response.js';
import { HttpError } from './http-error.js';
import { matchRoute, pathWithoutStage, type RouteName } from './routes.js';

/** What the HTTP API runs on. */
export interface HttpApiDependencies {
  readonly bank: Bank;
  readonly queries: BankQueries;
  /** Where unexpected errors (500s) are logged (default: one JSON line on stderr). */
  readonly logError?: (entry: Record<string, unknown>) => void;
}

/** An API Gateway HTTP API (payload format 2.0) handler. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** `id`: the account id of the path, or the transfer id of the `/transfers/{transferId}` routes. */
type Action = (deps: HttpApiDependencies, event: APIGatewayProxyEventV2, id: string) => Promise<Reply>;

const ok = (body: unknown): Reply => ({ status: 200, body });
const found = (body: unknown, what: string): Reply => {
  if (body === undefined)
    throw new HttpError(404, 'ACCOUNT_NOT_FOUND', `${what} (read models lag commands by a moment)`);
  return ok(body);
};

const ACTIONS: Readonly<Record<RouteName, Action>> = {
  openAccount: async ({ bank }, event) => {
    const { command, context } = parseOpenAccount(event);
    const outcome = await bank.open(command, context);
    return { status: 201, body: outcome, headers: { location: `/accounts/${outcome.accountId}` } };
  },
  deposit: async ({ bank }, event, id) => {
    const { command, context } = parseMoveMoney(event, id);
    return ok(await bank.deposit(command, context));
  },
  withdraw: async ({ bank }, event, id) => {
    const { command, context } = parseMoveMoney(event, id);
    return ok(await bank.withdraw(command, context));
  },
  transfer: async ({ bank }, event) => {
    const { command, context } = parseTransfer(event);
    const outcome = await bank.transfer(command, context);
    // Above the approval limit, nothing has moved yet: 202, and where to follow it.
    if (outcome.status === 'pending-approval') {
      return { status: 202, body: outcome, headers: { location: `/transfers/${outcome.transferId}` } };
    }
    return { status: 201, body: outcome };
  },
  approveTransfer: async ({ bank }, event, id) => ok(await bank.approveTransfer(id, parseDecision(event))),
  rejectTransfer: async ({ bank }, event, id) => ok(await bank.rejectTransfer(id, parseDecision(event))),
  getTransfer: async ({ bank }, _event, id) => ok(await bank.transferRequest(id)),
  closeAccount: async ({ bank }, event, id) => {
    const { command, context } = parseCloseAccount(event, id);
    return ok(await bank.close(command, context));
  },
  getAccount: async ({ queries }, _event, id) => found(await queries.account(id), `No account ${id}`),
  getStatement: async ({ queries }, event, id) => {
    const page = parsePage(event);
    const what =
      page === undefined ? `No statement for account ${id}` : `No page ${page} of account ${id}'s statement`;
    return found(await queries.statement(id, page), what);
  },
  getBankTotals: async ({ queries }) => ok(await queries.totals()),
};

/**
 * The bank's HTTP API as one Lambda handler for API Gateway HTTP API (v2) events; the local server
 * feeds it the same events. Commands answer with the account(s) as the command left them; queries
 * read the projections' read models. Errors answer `{ error: { code, message, details? } }` with
 * the status of `STATUS_BY_CODE` (bad input is always a 4xx and writes nothing).
 *
 * @example
 * export const handler = createHttpApiHandler(createBankApp({ client, tables }));
 */
export function createHttpApiHandler(deps: HttpApiDependencies): HttpApiHandler {
  const logError = deps.logError ?? ((entry) => console.error(JSON.stringify(entry)));
  return async (event) => {
    const method = event?.requestContext?.http?.method ?? '';
    const path = pathWithoutStage(
      event?.rawPath ?? event?.requestContext?.http?.path ?? '/',
      event?.requestContext?.stage,
    );
    const correlationId = event?.headers?.['x-correlation-id'];
    try {
      const { name, accountId, transferId } = matchRoute(method, path);
      if (accountId !== undefined) assertAccountId(accountId);
      if (transferId !== undefined) assertTransferId(transferId);
      const reply = await ACTIONS[name](deps, event, accountId ?? transferId ?? '');
      return json(reply.status, reply.body, reply.headers);
    } catch (error) {
      const reply = errorReply(error);
      if (reply.unexpected) {
        logError({
          level: 'ERROR',
          message: 'request failed',
          method,
          path,
          correlationId,
          error: describe(error),
        });
      }
      return json(reply.status, reply.body, reply.headers);
    }
  };
}

function json(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: String(error) };
  return { name: error.name, message: error.message, stack: error.stack };
}
