import { defineProjection, type ReadModelContext } from '@dynamo-es/projections';
import { type BankMessage, BankMessageType } from '../contract/bank-messages.js';

/** Outgoing transfers above this total (minor units) flag an account for a human to look at. */
export const FLAG_THRESHOLD = 250_00;

/** What fraud-watch knows of one bank account, from the bank's messages alone. */
export interface WatchedAccount {
  readonly transfersOut: number;
  readonly amountOut: number;
  readonly transfersIn: number;
  readonly amountIn: number;
  readonly closed: boolean;
  /** Its outgoing total went above {@link FLAG_THRESHOLD}. */
  readonly flagged: boolean;
}

/** The accounts flagged so far, in the order they were flagged. */
export interface FlaggedAccounts {
  readonly accountIds: readonly string[];
}

type Document = WatchedAccount | FlaggedAccounts;

export const FLAGGED_KEY = 'flagged';
export const accountKey = (accountId: string): string => `account/${accountId}`;

const NEW_ACCOUNT: WatchedAccount = {
  transfersOut: 0,
  amountOut: 0,
  transfersIn: 0,
  amountIn: 0,
  closed: false,
  flagged: false,
};

async function change(
  ctx: ReadModelContext<Document>,
  accountId: string,
  edit: (account: WatchedAccount) => Partial<WatchedAccount>,
): Promise<WatchedAccount> {
  const current = (await ctx.get<WatchedAccount>(accountKey(accountId))) ?? NEW_ACCOUNT;
  const next = { ...current, ...edit(current) };
  ctx.put<WatchedAccount>(accountKey(accountId), next);
  return next;
}

/**
 * Fraud-watch's read model, keyed by the bank's public message types: per account, transfers out
 * and in (count and total) and whether it is closed; and the list of flagged accounts. The
 * consumer applies each message once, in its account's order, so the counts are exact.
 */
export const watchProjection = defineProjection<BankMessage, Document>({
  name: 'fraud-watch',
  handlers: {
    [BankMessageType.TransferSent]: async ({ data }, ctx) => {
      const before = (await ctx.get<WatchedAccount>(accountKey(data.accountId)))?.flagged ?? false;
      const account = await change(ctx, data.accountId, (a) => ({
        transfersOut: a.transfersOut + 1,
        amountOut: a.amountOut + data.amount,
        flagged: a.flagged || a.amountOut + data.amount > FLAG_THRESHOLD,
      }));
      if (account.flagged && !before) {
        const flagged = (await ctx.get<FlaggedAccounts>(FLAGGED_KEY))?.accountIds ?? [];
        ctx.put<FlaggedAccounts>(FLAGGED_KEY, { accountIds: [...flagged, data.accountId] });
      }
    },
    [BankMessageType.TransferReceived]: async ({ data }, ctx) => {
      await change(ctx, data.accountId, (a) => ({
        transfersIn: a.transfersIn + 1,
        amountIn: a.amountIn + data.amount,
      }));
    },
    [BankMessageType.AccountClosed]: async ({ data }, ctx) => {
      await change(ctx, data.accountId, () => ({ closed: true }));
    },
  },
});
