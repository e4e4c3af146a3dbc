import type { Currency, MinorUnits } from '../domain/money.js';

/** Opens an account. */
export interface OpenAccount {
  /** The new account's id; by default one is made up (derived from the request id when there is one). */
  readonly accountId?: string;
  readonly owner: string;
  readonly currency: Currency;
  readonly initialDeposit?: MinorUnits;
}

/** A deposit or a withdrawal. */
export interface MoveMoney {
  readonly accountId: string;
  readonly amount: MinorUnits;
  /** When given, must be the account's currency. */
  readonly currency?: Currency;
}

/** Moves `amount` from one account to another of the same currency. */
export interface TransferMoney {
  readonly from: string;
  readonly to: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
}
