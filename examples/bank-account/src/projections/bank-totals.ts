import type { StoredEvent } from '@dynamo-es/event-store';
import { defineProjection, type ReadModelContext } from '@dynamo-es/projections';
import type { AccountEvent } from '../domain/bank-account.js';
import type { Currency, MinorUnits } from '../domain/money.js';
import { required } from './required.js';

/** Totals of one currency. */
export interface CurrencyTotals {
  readonly openAccounts: number;
  /** Every deposit ever made (initial deposits included). */
  readonly deposited: MinorUnits;
  readonly withdrawn: MinorUnits;
  /** Money moved between accounts (counted once, on the sending side). */
  readonly transferred: MinorUnits;
  /** What the bank holds: deposited - withdrawn (transfers move money inside the bank). */
  readonly balance: MinorUnits;
}

/** The whole bank in one document, updated by the events of every account. */
export interface BankTotals {
  readonly openAccounts: number;
  readonly closedAccounts: number;
  readonly currencies: Readonly<Record<Currency, CurrencyTotals>>;
}

/** Which currency an account holds: the bank view needs it for events that carry only an amount. */
export interface AccountCurrency {
  readonly currency: Currency;
}

type Document = BankTotals | AccountCurrency;
type Context = ReadModelContext<Document>;

export const BANK_TOTALS_KEY = 'bank';
const currencyKey = (accountId: string) => `currency/${accountId}`;

export const EMPTY_TOTALS: BankTotals = { openAccounts: 0, closedAccounts: 0, currencies: {} };
const NO_CURRENCY_TOTALS: CurrencyTotals = {
  openAccounts: 0,
  deposited: 0,
  withdrawn: 0,
  transferred: 0,
  balance: 0,
};

async function change(
  event: StoredEvent<AccountEvent>,
  ctx: Context,
  edit: (totals: CurrencyTotals) => Partial<CurrencyTotals>,
  accounts: { open?: number; closed?: number } = {},
): Promise<void> {
  const key = currencyKey(event.streamId);
  const { currency } = required(await ctx.get<AccountCurrency>(key), key, event);
  const totals = (await ctx.get<BankTotals>(BANK_TOTALS_KEY)) ?? EMPTY_TOTALS;
  const current = totals.currencies[currency] ?? NO_CURRENCY_TOTALS;
  ctx.put<BankTotals>(BANK_TOTALS_KEY, {
    openAccounts: totals.openAccounts + (accounts.open ?? 0),
    closedAccounts: totals.closedAccounts + (accounts.closed ?? 0),
    currencies: { ...totals.currencies, [currency]: { ...current, ...edit(current) } },
  });
}

/**
 * The bank-wide view: open accounts and money per currency. Every account's events update the one
 * `bank` document, so this is where the projection machinery's exactly-once guarantee across
 * streams shows: each batch writes the document once, atomically with the checkpoints of all the
 * streams it applied, and a concurrent batch that raced it re-reads and applies again.
 */
export const bankTotalsProjection = defineProjection<AccountEvent, Document>({
  name: 'bank-totals',
  // Read the shared document and the account's currency in the batch's one BatchGetItem.
  prefetch: (event) => [BANK_TOTALS_KEY, currencyKey(event.streamId)],
  handlers: {
    AccountOpened: async (event, ctx) => {
      ctx.put<AccountCurrency>(currencyKey(event.streamId), { currency: event.data.currency });
      await change(event, ctx, (t) => ({ openAccounts: t.openAccounts + 1 }), { open: 1 });
    },
    MoneyDeposited: (event, ctx) =>
      change(event, ctx, (t) => ({
        deposited: t.deposited + event.data.amount,
        balance: t.balance + event.data.amount,
      })),
    MoneyWithdrawn: (event, ctx) =>
      change(event, ctx, (t) => ({
        withdrawn: t.withdrawn + event.data.amount,
        balance: t.balance - event.data.amount,
      })),
    TransferSent: (event, ctx) =>
      change(event, ctx, (t) => ({ transferred: t.transferred + event.data.amount })),
    AccountClosed: (event, ctx) =>
      change(event, ctx, (t) => ({ openAccounts: t.openAccounts - 1 }), { open: -1, closed: 1 }),
  },
});
