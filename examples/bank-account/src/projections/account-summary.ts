import type { StoredEvent } from '@dynamo-es/event-store';
import { defineProjection, type ReadModelContext } from '@dynamo-es/projections';
import type { AccountEvent } from '../domain/bank-account.js';
import type { Currency, MinorUnits } from '../domain/money.js';
import { required } from './required.js';

/** One account at a glance; document key: the account id. */
export interface AccountSummary {
  readonly accountId: string;
  readonly owner: string;
  readonly currency: Currency;
  readonly balance: MinorUnits;
  /** Part of the balance held for large transfers waiting for approval (`balance - held` is available). */
  readonly held: MinorUnits;
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
  /** When the last event of the account was recorded. */
  readonly lastActivityAt: string;
  /** Version of the last event applied: compare with a command's answer to see how fresh this is. */
  readonly version: number;
}

type Context = ReadModelContext<AccountSummary>;

async function change(
  event: StoredEvent<AccountEvent>,
  ctx: Context,
  edit: (summary: AccountSummary) => Partial<AccountSummary>,
): Promise<void> {
  const key = event.streamId;
  const summary = required(await ctx.get(key), key, event);
  ctx.put(key, { ...summary, ...edit(summary), lastActivityAt: event.recordedAt, version: event.version });
}

/**
 * Account summaries: balance, status, owner, currency and last activity of every account, one
 * document per account, so a `GET /accounts/{id}` is one `GetItem`.
 */
export const accountSummaryProjection = defineProjection<AccountEvent, AccountSummary>({
  name: 'account-summary',
  // Each summary belongs to its account's stream: its checkpoint lives in it, and a batch writes
  // it with one conditional PutItem instead of a transaction with a checkpoint item.
  streamDocument: (streamId) => streamId,
  handlers: {
    AccountOpened: (event, ctx) => {
      ctx.put(event.streamId, {
        accountId: event.streamId,
        owner: event.data.owner,
        currency: event.data.currency,
        balance: 0,
        held: 0,
        status: 'open',
        openedAt: event.recordedAt,
        lastActivityAt: event.recordedAt,
        version: event.version,
      });
    },
    MoneyDeposited: (event, ctx) => change(event, ctx, (s) => ({ balance: s.balance + event.data.amount })),
    MoneyWithdrawn: (event, ctx) => change(event, ctx, (s) => ({ balance: s.balance - event.data.amount })),
    TransferSent: (event, ctx) =>
      change(event, ctx, (s) => ({
        balance: s.balance - event.data.amount,
        held: event.data.held ? s.held - event.data.amount : s.held,
      })),
    TransferReceived: (event, ctx) => change(event, ctx, (s) => ({ balance: s.balance + event.data.amount })),
    AccountClosed: (event, ctx) => change(event, ctx, () => ({ status: 'closed' })),
    FundsHeld: (event, ctx) => change(event, ctx, (s) => ({ held: s.held + event.data.amount })),
    HoldReleased: (event, ctx) => change(event, ctx, (s) => ({ held: s.held - event.data.amount })),
  },
});
