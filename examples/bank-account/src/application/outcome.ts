import type { AccountState } from '../domain/bank-account.js';
import type { Currency, MinorUnits } from '../domain/money.js';

/** What a command on one account answers: the account as the command left it (read your writes). */
export interface AccountOutcome {
  readonly accountId: string;
  readonly owner: string;
  readonly currency: Currency;
  readonly balance: MinorUnits;
  readonly status: AccountState['status'];
  /** The account stream's version after the command. */
  readonly version: number;
  /** Attempts it took: 1 without a conflict (0 for a replay). */
  readonly attempts: number;
  /** True when the request id had already been applied: nothing new was written. */
  readonly replayed: boolean;
}

/** What a transfer answers. */
export interface TransferOutcome {
  readonly transferId: string;
  readonly amount: MinorUnits;
  readonly currency: Currency;
  readonly from: AccountOutcome;
  readonly to: AccountOutcome;
  readonly attempts: number;
  readonly replayed: boolean;
}

/** An {@link AccountOutcome} from an account's id, state and version. */
export function accountOutcome(
  account: { readonly id: string; readonly state: AccountState; readonly version: number },
  details: { readonly attempts: number; readonly replayed: boolean },
): AccountOutcome {
  const { owner, currency, balance, status } = account.state;
  return { accountId: account.id, owner, currency, balance, status, version: account.version, ...details };
}
