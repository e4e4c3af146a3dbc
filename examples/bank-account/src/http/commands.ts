import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ID_PATTERN } from '../application/account-id.js';
import type { MoveMoney, OpenAccount, TransferMoney } from '../application/commands.js';
import type { CommandContext } from '../application/request.js';
import { parseJsonBody } from './body.js';
import { FieldReader } from './field-reader.js';
import { HttpError } from './http-error.js';

/** A command read from a request, with who asked for it. */
export interface ParsedCommand<C> {
  readonly command: C;
  readonly context: CommandContext;
}

const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/** `POST /accounts` `{ owner, currency, initialDeposit?, accountId?, requestId? }` */
export function parseOpenAccount(event: APIGatewayProxyEventV2): ParsedCommand<OpenAccount> {
  const fields = reader(event, ['owner', 'currency', 'initialDeposit', 'accountId']);
  const owner = fields.name('owner');
  const currency = fields.currency('currency');
  const initialDeposit = fields.amount('initialDeposit', { optional: true });
  const accountId = fields.id('accountId', { optional: true });
  const context = commandContext(event, fields);
  fields.done();
  return {
    command: {
      owner: owner!,
      currency: currency!,
      ...(initialDeposit === undefined ? {} : { initialDeposit }),
      ...(accountId === undefined ? {} : { accountId }),
    },
    context,
  };
}

/** `POST /accounts/{id}/deposits` and `/withdrawals` `{ amount, currency?, requestId? }` */
export function parseMoveMoney(event: APIGatewayProxyEventV2, accountId: string): ParsedCommand<MoveMoney> {
  const fields = reader(event, ['amount', 'currency']);
  const amount = fields.amount('amount');
  const currency = fields.currency('currency', { optional: true });
  const context = commandContext(event, fields);
  fields.done();
  return {
    command: { accountId, amount: amount!, ...(currency === undefined ? {} : { currency }) },
    context,
  };
}

/** `POST /transfers` `{ from, to, amount, currency, requestId? }` */
export function parseTransfer(event: APIGatewayProxyEventV2): ParsedCommand<TransferMoney> {
  const fields = reader(event, ['from', 'to', 'amount', 'currency']);
  const from = fields.id('from');
  const to = fields.id('to');
  const amount = fields.amount('amount');
  const currency = fields.currency('currency');
  const context = commandContext(event, fields);
  fields.done();
  return { command: { from: from!, to: to!, amount: amount!, currency: currency! }, context };
}

/** `POST /accounts/{id}/close` with no body, or `{ requestId? }` */
export function parseCloseAccount(
  event: APIGatewayProxyEventV2,
  accountId: string,
): ParsedCommand<{ readonly accountId: string }> {
  const fields = reader(event, []);
  const context = commandContext(event, fields);
  fields.done();
  return { command: { accountId }, context };
}

/** `POST /transfers/{transferId}/approve` or `/reject`, with no body or `{ requestId? }` */
export function parseDecision(event: APIGatewayProxyEventV2): CommandContext {
  const fields = reader(event, []);
  const context = commandContext(event, fields);
  fields.done();
  return context;
}

/** `?page=N` of `GET /accounts/{id}/statement`: a positive whole number, or nothing. */
export function parsePage(event: APIGatewayProxyEventV2): number | undefined {
  const page = event.queryStringParameters?.page;
  if (page === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(page)) {
    throw new HttpError(400, 'INVALID_REQUEST', 'page must be a positive whole number', [
      {
        field: 'page',
        code: 'INVALID_REQUEST',
        message: `must be a positive whole number, not ${JSON.stringify(page)}`,
      },
    ]);
  }
  return Number(page);
}

/** Every command body may also carry `requestId`. */
function reader(event: APIGatewayProxyEventV2, allowed: readonly string[]): FieldReader {
  return new FieldReader(parseJsonBody(event), [...allowed, 'requestId']);
}

/**
 * The request id comes from the body's `requestId` or the `Idempotency-Key` header; the
 * correlation id from `X-Correlation-Id` (default: the request id).
 */
function commandContext(event: APIGatewayProxyEventV2, fields: FieldReader): CommandContext {
  const fromBody = fields.requestId('requestId');
  const header = event.headers?.['idempotency-key'];
  let requestId = fromBody;
  if (header !== undefined) {
    if (fromBody !== undefined && fromBody !== header) {
      fields.report('requestId', 'differs from the Idempotency-Key header; send one of them');
    } else if (!ID_PATTERN.test(header)) {
      fields.report(
        'Idempotency-Key',
        'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
      );
    } else {
      requestId = header;
    }
  }
  const correlationId = event.headers?.['x-correlation-id'];
  if (correlationId !== undefined && !CORRELATION_ID.test(correlationId)) {
    fields.report('X-Correlation-Id', 'must be 1-128 visible ASCII characters');
  }
  return {
    ...(requestId === undefined ? {} : { requestId }),
    ...(correlationId === undefined || !CORRELATION_ID.test(correlationId) ? {} : { correlationId }),
  };
}
