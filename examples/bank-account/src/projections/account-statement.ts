import type { StoredEvent } from '@dynamo-es/event-store';
import { defineProjection, type ReadModelContext } from '@dynamo-es/projections';
import type { AccountEvent } from '../domain/bank-account.js';
import type { Currency, MinorUnits } from '../domain/money.js';
import { required } from './required.js';

/** Movements per statement page. A page document stays small (about 4 KB: 4 WCU per write). */
export const STATEMENT_PAGE_SIZE = 25;

/** One line of a statement. */
export interface Movement {
  /** Version of the event in the account's stream. */
  readonly version: number;
  readonly at: string;
  readonly kind: 'deposit' | 'withdrawal' | 'transfer-in' | 'transfer-out';
  /** Signed: positive into the account, negative out of it. */
  readonly amount: MinorUnits;
  /** The running balance after this movement. */
  readonly balance: MinorUnits;
  readonly transferId?: string;
  /** The other account of a transfer. */
  readonly counterparty?: string;
}

/** A page of an account's statement: at most {@link STATEMENT_PAGE_SIZE} movements, oldest first. */
export interface StatementPage {
  readonly accountId: string;
  readonly currency: Currency;
  /** Page number, from 1 (the oldest). The latest page holds the highest number. */
  readonly page: number;
  /** The balance after the last movement of this page. */
  readonly balance: MinorUnits;
  readonly movements: readonly Movement[];
}

/**
 * Document keys. The latest page lives under the account id, so the first page of a statement is
 * one `GetItem` whatever its number; when it is full, it is copied to its numbered key and a new
 * latest page starts. Every older page is then one `GetItem` of `<account>/page/<n>`.
 */
export const statementKeys = {
  latest: (accountId: string) => accountId,
  page: (accountId: string, page: number) => `${accountId}/page/${page}`,
};

type Line = Pick<Movement, 'kind' | 'amount'> & Partial<Pick<Movement, 'transferId' | 'counterparty'>>;

async function addMovement(
  event: StoredEvent<AccountEvent>,
  ctx: ReadModelContext<StatementPage>,
  line: Line,
) {
  const key = statementKeys.latest(event.streamId);
  const latest = required(await ctx.get(key), key, event);
  const balance = latest.balance + line.amount;
  const movement: Movement = { version: event.version, at: event.recordedAt, ...line, balance };
  if (latest.movements.length < STATEMENT_PAGE_SIZE) {
    ctx.put(key, { ...latest, balance, movements: [...latest.movements, movement] });
    return;
  }
  ctx.put(statementKeys.page(event.streamId, latest.page), latest);
  ctx.put(key, { ...latest, page: latest.page + 1, balance, movements: [movement] });
}

/**
 * Account statements: every movement of money with the running balance, in pages of
 * {@link STATEMENT_PAGE_SIZE}, read newest first.
 */
export const accountStatementProjection = defineProjection<AccountEvent, StatementPage>({
  name: 'account-statement',
  // The latest page belongs to its account's stream and keeps the stream's checkpoint (read with
  // the checkpoint, written with one PutItem unless a full page is archived in the same batch).
  streamDocument: (streamId) => statementKeys.latest(streamId),
  handlers: {
    AccountOpened: (event, ctx) => {
      ctx.put(statementKeys.latest(event.streamId), {
        accountId: event.streamId,
        currency: event.data.currency,
        page: 1,
        balance: 0,
        movements: [],
      });
    },
    MoneyDeposited: (event, ctx) => addMovement(event, ctx, { kind: 'deposit', amount: event.data.amount }),
    MoneyWithdrawn: (event, ctx) =>
      addMovement(event, ctx, { kind: 'withdrawal', amount: -event.data.amount }),
    TransferSent: (event, ctx) =>
      addMovement(event, ctx, {
        kind: 'transfer-out',
        amount: -event.data.amount,
        transferId: event.data.transferId,
        counterparty: event.data.to,
      }),
    TransferReceived: (event, ctx) =>
      addMovement(event, ctx, {
        kind: 'transfer-in',
        amount: event.data.amount,
        transferId: event.data.transferId,
        counterparty: event.data.from,
      }),
  },
});
